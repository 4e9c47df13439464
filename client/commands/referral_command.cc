#include "client/commands/referral_command.h"

namespace hub::client {

ReferralCommand::ReferralCommand(CLI::App& app)
    : command_(app.add_subcommand(
          "referral", "submit, list, show and move Prevent referrals")),
      template_(*command_),
      submit_(*command_),
      list_(*command_),
      show_(*command_),
      transition_(*command_) {
  command_->require_subcommand(1);
}

absl::Status ReferralCommand::Run(const CommandEnv& env) const {
  if (template_.selected()) return template_.Run(env);
  if (submit_.selected()) return submit_.Run(env);
  if (list_.selected()) return list_.Run(env);
  if (show_.selected()) return show_.Run(env);
  if (transition_.selected()) return transition_.Run(env);
  return absl::InvalidArgumentError("no referral command given");
}

}  // namespace hub::client
