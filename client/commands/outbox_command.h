// hubctl outbox list [--json] | discard REQUEST_ID: the writes queued while
// the hub was out of reach, each with its request id, what it is, when it
// was queued and, if the hub refused it, why; and the files that could not
// be read (quarantined). `discard` deletes one for good (docs/offline.md).
#ifndef HUB_CLIENT_COMMANDS_OUTBOX_COMMAND_H_
#define HUB_CLIENT_COMMANDS_OUTBOX_COMMAND_H_

#include <string>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "client/commands/command_env.h"

namespace hub::client {

class OutboxCommand {
 public:
  // Registers the subcommands and their flags on `app`, which must outlive
  // this.
  explicit OutboxCommand(CLI::App& app);

  bool selected() const { return command_->parsed(); }

  absl::Status Run(const CommandEnv& env) const;

 private:
  absl::Status List(const CommandEnv& env) const;
  absl::Status Discard(const CommandEnv& env) const;

  CLI::App* command_;
  CLI::App* list_;
  CLI::App* discard_;
  bool json_ = false;
  std::string request_id_;
};

}  // namespace hub::client

#endif  // HUB_CLIENT_COMMANDS_OUTBOX_COMMAND_H_
