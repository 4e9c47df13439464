// hubctl briefing read ID [--json]: prints the briefing's marking banner,
// handling conditions, expiry and watermark first, then the caller's
// rendition; the hub refuses the content until the conditions are accepted
// (hubctl briefing ack).
#ifndef HUB_CLIENT_COMMANDS_BRIEFING_READ_COMMAND_H_
#define HUB_CLIENT_COMMANDS_BRIEFING_READ_COMMAND_H_

#include <string>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "client/commands/command_env.h"
#include "client/commands/context_options.h"
#include "proto/config.pb.h"

namespace hub::client {

class BriefingReadCommand {
 public:
  // Registers `read` under `briefing`, which must outlive this.
  explicit BriefingReadCommand(CLI::App& briefing);

  bool selected() const { return command_->parsed(); }
  absl::Status Run(const CommandEnv& env) const;

 private:
  // The copy in the offline cache, when the hub cannot be reached
  // (`unreachable`); that error, saying why, if there is no readable copy.
  absl::Status ReadOffline(const CommandEnv& env,
                           const prevent::config::v1::ClientProfile& profile,
                           const absl::Status& unreachable) const;

  CLI::App* command_;
  ContextOptions context_;
  std::string id_;
  bool json_ = false;
};

}  // namespace hub::client

#endif  // HUB_CLIENT_COMMANDS_BRIEFING_READ_COMMAND_H_
