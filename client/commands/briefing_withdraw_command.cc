#include "client/commands/briefing_withdraw_command.h"

#include "client/audit_trust.h"
#include "client/commands/print_json.h"
#include "client/hub_client.h"
#include "client/profile.h"
#include "common/status_macros.h"

namespace hub::client {

namespace pb = ::prevent::policy::v1;
namespace api = ::prevent::hub::v1;

BriefingWithdrawCommand::BriefingWithdrawCommand(CLI::App& briefing)
    : command_(briefing.add_subcommand(
          "withdraw", "withdraw a published briefing (CTLP owner)")) {
  command_->add_option("id", id_, "the briefing's id")->required();
  command_
      ->add_option("--reason", reason_,
                   "why it is withdrawn (kept with the briefing)")
      ->required();
  context_.Register(command_, /*with_request_id=*/false);
  context_.SetDefaultPurpose(pb::CTLP_BRIEFING);
  command_->add_flag("--json", json_, "print the answer as JSON");
}

absl::Status BriefingWithdrawCommand::Run(const CommandEnv& env) const {
  RETURN_IF_ERROR(context_.Validate());
  ASSIGN_OR_RETURN(prevent::config::v1::ClientProfile profile,
                   LoadProfile(env.profile_dir));
  ASSIGN_OR_RETURN(std::unique_ptr<HubClient> client,
                   HubClient::Create(profile, env.clock));
  api::WithdrawBriefingRequest request;
  ASSIGN_OR_RETURN(*request.mutable_context(), context_.Resolve(*client));
  request.set_briefing_id(id_);
  request.set_reason(reason_);
  ASSIGN_OR_RETURN(api::WithdrawBriefingResponse answer,
                   client->WithdrawBriefing(request));
  std::ostream& out = *env.out;
  if (json_) {
    RETURN_IF_ERROR(PrintJson(answer, out));
  } else {
    out << "withdrew briefing " << answer.briefing_id() << "; "
        << answer.purges_requested()
        << " recipient(s) must purge their copy and attest it\n";
  }
  return CheckHubAuditLog(profile, env.profile_dir, *client);
}

}  // namespace hub::client
