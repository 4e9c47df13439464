// hubctl briefing withdraw ID --reason TEXT: the CTLP owner withdraws a
// briefing; it is no longer served and every recipient must purge their
// copy.
#ifndef HUB_CLIENT_COMMANDS_BRIEFING_WITHDRAW_COMMAND_H_
#define HUB_CLIENT_COMMANDS_BRIEFING_WITHDRAW_COMMAND_H_

#include <string>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "client/commands/command_env.h"
#include "client/commands/context_options.h"

namespace hub::client {

class BriefingWithdrawCommand {
 public:
  // Registers `withdraw` under `briefing`, which must outlive this.
  explicit BriefingWithdrawCommand(CLI::App& briefing);

  bool selected() const { return command_->parsed(); }
  absl::Status Run(const CommandEnv& env) const;

 private:
  CLI::App* command_;
  ContextOptions context_;
  std::string id_;
  std::string reason_;
  bool json_ = false;
};

}  // namespace hub::client

#endif  // HUB_CLIENT_COMMANDS_BRIEFING_WITHDRAW_COMMAND_H_
