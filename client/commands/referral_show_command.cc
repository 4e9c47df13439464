#include "client/commands/referral_show_command.h"

#include "client/audit_trust.h"
#include "client/commands/print_fields.h"
#include "client/commands/print_json.h"
#include "client/hub_client.h"
#include "client/profile.h"
#include "common/status_macros.h"

namespace hub::client {

ReferralShowCommand::ReferralShowCommand(CLI::App& referral)
    : command_(referral.add_subcommand(
          "show",
          "one referral, as much of it as the policy releases to you")) {
  command_
      ->add_option("REF", referral_,
                   "the referral's reference (PRV-WXC-2025-000123) or id")
      ->required();
  context_.Register(command_, /*with_request_id=*/false);
  command_->add_flag("--json", json_, "print the case file as JSON");
}

absl::Status ReferralShowCommand::Run(const CommandEnv& env) const {
  RETURN_IF_ERROR(context_.Validate());
  ASSIGN_OR_RETURN(prevent::config::v1::ClientProfile profile,
                   LoadProfile(env.profile_dir));
  ASSIGN_OR_RETURN(std::unique_ptr<HubClient> client,
                   HubClient::Create(profile, env.clock));
  prevent::hub::v1::GetReferralRequest request;
  ASSIGN_OR_RETURN(*request.mutable_context(), context_.Resolve(*client));
  request.set_referral(referral_);
  ASSIGN_OR_RETURN(prevent::hub::v1::GetReferralResponse answer,
                   client->GetReferral(request));
  RETURN_IF_ERROR(CheckHubAuditLog(profile, env.profile_dir, *client));

  std::ostream& out = *env.out;
  if (json_) return PrintJson(answer.case_file(), out);
  if (!PrintFields(answer.case_file(), out)) {
    out << "nothing in " << referral_ << " is released to you for "
        << prevent::policy::v1::Purpose_Name(request.context().purpose())
        << "\n";
  }
  return absl::OkStatus();
}

}  // namespace hub::client
