#include "client/commands/referral_template_command.h"

#include "client/commands/referral_example.h"
#include "common/status_macros.h"

namespace hub::client {

ReferralTemplateCommand::ReferralTemplateCommand(CLI::App& referral)
    : command_(referral.add_subcommand(
          "template",
          "print an example referral (fictional) to edit and submit")) {}

absl::Status ReferralTemplateCommand::Run(const CommandEnv& env) const {
  ASSIGN_OR_RETURN(std::string json, ExampleSubmissionJson());
  *env.out << json;
  if (json.empty() || json.back() != '\n') *env.out << "\n";
  return absl::OkStatus();
}

}  // namespace hub::client
