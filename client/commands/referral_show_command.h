// hubctl referral show REF [--purpose P] [--justification TEXT] [--json]:
// one referral's case file as the policy projects it for you and the
// purpose, showing only the fields released to you.
#ifndef HUB_CLIENT_COMMANDS_REFERRAL_SHOW_COMMAND_H_
#define HUB_CLIENT_COMMANDS_REFERRAL_SHOW_COMMAND_H_

#include <string>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "client/commands/command_env.h"
#include "client/commands/context_options.h"

namespace hub::client {

class ReferralShowCommand {
 public:
  // Registers `show` under `referral`, which must outlive this.
  explicit ReferralShowCommand(CLI::App& referral);

  bool selected() const { return command_->parsed(); }
  absl::Status Run(const CommandEnv& env) const;

 private:
  CLI::App* command_;
  ContextOptions context_;
  std::string referral_;
  bool json_ = false;
};

}  // namespace hub::client

#endif  // HUB_CLIENT_COMMANDS_REFERRAL_SHOW_COMMAND_H_
