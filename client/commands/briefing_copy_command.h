// hubctl briefing ack ID [--accept] and hubctl briefing purge ID: what a
// recipient does with their own copy. `ack` shows the handling conditions
// and, with --accept, accepts exactly the text shown (the hub checks its
// SHA-256); `purge` attests that the recipient deleted every copy they held.
#ifndef HUB_CLIENT_COMMANDS_BRIEFING_COPY_COMMAND_H_
#define HUB_CLIENT_COMMANDS_BRIEFING_COPY_COMMAND_H_

#include <string>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "client/commands/command_env.h"
#include "client/commands/context_options.h"
#include "client/hub_client.h"

namespace hub::client {

class BriefingCopyCommand {
 public:
  enum Action { kAcknowledge, kAttestPurge };

  // Registers `ack` or `purge` under `briefing`, which must outlive this.
  BriefingCopyCommand(CLI::App& briefing, Action action);

  bool selected() const { return command_->parsed(); }
  absl::Status Run(const CommandEnv& env) const;

 private:
  // `purge`: deletes this device's copy, then attests it (queued if the
  // hub cannot be reached).
  absl::Status Purge(const CommandEnv& env,
                     const prevent::config::v1::ClientProfile& profile,
                     HubClient& client,
                     const prevent::hub::v1::RequestContext& context) const;

  const Action action_;
  CLI::App* command_;
  ContextOptions context_;
  std::string id_;
  bool accept_ = false;
  bool json_ = false;
};

}  // namespace hub::client

#endif  // HUB_CLIENT_COMMANDS_BRIEFING_COPY_COMMAND_H_
