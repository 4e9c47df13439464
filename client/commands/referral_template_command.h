// hubctl referral template: prints an example referral submission (JSON)
// to copy, edit and send with `hubctl referral submit`. Needs no profile.
#ifndef HUB_CLIENT_COMMANDS_REFERRAL_TEMPLATE_COMMAND_H_
#define HUB_CLIENT_COMMANDS_REFERRAL_TEMPLATE_COMMAND_H_

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "client/commands/command_env.h"

namespace hub::client {

class ReferralTemplateCommand {
 public:
  // Registers `template` under `referral`, which must outlive this.
  explicit ReferralTemplateCommand(CLI::App& referral);

  bool selected() const { return command_->parsed(); }
  absl::Status Run(const CommandEnv& env) const;

 private:
  CLI::App* command_;
};

}  // namespace hub::client

#endif  // HUB_CLIENT_COMMANDS_REFERRAL_TEMPLATE_COMMAND_H_
