// hubctl referral template|submit|list|show|transition: referrals
// (ReferralService), each subcommand in its own file. Read commands without
// --purpose ask under the purpose of the caller's role (default_purpose.h).
#ifndef HUB_CLIENT_COMMANDS_REFERRAL_COMMAND_H_
#define HUB_CLIENT_COMMANDS_REFERRAL_COMMAND_H_

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "client/commands/command_env.h"
#include "client/commands/referral_list_command.h"
#include "client/commands/referral_show_command.h"
#include "client/commands/referral_submit_command.h"
#include "client/commands/referral_template_command.h"
#include "client/commands/referral_transition_command.h"

namespace hub::client {

class ReferralCommand {
 public:
  // Registers `referral` and its subcommands on `app`, which must outlive
  // this.
  explicit ReferralCommand(CLI::App& app);

  bool selected() const { return command_->parsed(); }

  // Runs the chosen subcommand.
  absl::Status Run(const CommandEnv& env) const;

 private:
  CLI::App* command_;  // first: the subcommands below register under it
  ReferralTemplateCommand template_;
  ReferralSubmitCommand submit_;
  ReferralListCommand list_;
  ReferralShowCommand show_;
  ReferralTransitionCommand transition_;
};

}  // namespace hub::client

#endif  // HUB_CLIENT_COMMANDS_REFERRAL_COMMAND_H_
