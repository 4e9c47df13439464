// hubctl briefing status ID [--json]: where every copy of a briefing stands
// (AQ5): queued, delivered, acknowledged, opened, purge requested, attested
// or overdue, per recipient, and who has not yet acknowledged. The CTLP
// owner and the Prevent coordinator.
#ifndef HUB_CLIENT_COMMANDS_BRIEFING_STATUS_COMMAND_H_
#define HUB_CLIENT_COMMANDS_BRIEFING_STATUS_COMMAND_H_

#include <string>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "client/commands/command_env.h"
#include "client/commands/context_options.h"

namespace hub::client {

class BriefingStatusCommand {
 public:
  // Registers `status` under `briefing`, which must outlive this.
  explicit BriefingStatusCommand(CLI::App& briefing);

  bool selected() const { return command_->parsed(); }
  absl::Status Run(const CommandEnv& env) const;

 private:
  CLI::App* command_;
  ContextOptions context_;
  std::string id_;
  bool json_ = false;
};

}  // namespace hub::client

#endif  // HUB_CLIENT_COMMANDS_BRIEFING_STATUS_COMMAND_H_
