// hubctl briefing list [--json]: the caller's briefings, without content:
// id, marking, title, expiry and state, including those to purge.
#ifndef HUB_CLIENT_COMMANDS_BRIEFING_LIST_COMMAND_H_
#define HUB_CLIENT_COMMANDS_BRIEFING_LIST_COMMAND_H_

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "client/commands/command_env.h"
#include "client/commands/context_options.h"

namespace hub::client {

class BriefingListCommand {
 public:
  // Registers `list` under `briefing`, which must outlive this.
  explicit BriefingListCommand(CLI::App& briefing);

  bool selected() const { return command_->parsed(); }
  absl::Status Run(const CommandEnv& env) const;

 private:
  CLI::App* command_;
  ContextOptions context_;
  bool json_ = false;
};

}  // namespace hub::client

#endif  // HUB_CLIENT_COMMANDS_BRIEFING_LIST_COMMAND_H_
