#include "client/commands/deconflict_outcome_command.h"

#include "client/audit_trust.h"
#include "client/commands/enum_flag.h"
#include "client/commands/print_json.h"
#include "client/commands/request_id.h"
#include "client/hub_client.h"
#include "client/profile.h"
#include "common/status_macros.h"

namespace hub::client {

namespace rec = ::prevent::records::v1;

DeconflictOutcomeCommand::DeconflictOutcomeCommand(CLI::App& deconflict)
    : command_(deconflict.add_subcommand(
          "outcome",
          "record the outcome of your checks on a referral (CT gateway)")) {
  command_->add_option("--referral", referral_, "the referral's reference")
      ->required();
  command_
      ->add_option("--query", query_id_,
                   "the query_id of the check the outcome rests on")
      ->required();
  command_
      ->add_option("--police-result", police_result_,
                   "CLEAR, LINKED_TO_EXISTING_PREVENT_CASE or "
                   "POLICE_INTEREST_HOLD (police only)")
      ->required();
  command_
      ->add_option("--routing-outcome", routing_outcome_,
                   "PROCEED_TO_CHANNEL_INFO_GATHERING, POLICE_MANAGED, "
                   "NOT_PREVENT_SIGNPOST or NO_FURTHER_ACTION (shared with "
                   "the council)")
      ->required();
  context_.Register(command_, /*with_request_id=*/true);
  command_->add_flag("--json", json_, "print the answer as JSON");
}

absl::Status DeconflictOutcomeCommand::Run(const CommandEnv& env) const {
  prevent::hub::v1::RecordOutcomeRequest request;
  request.set_referral(referral_);
  request.set_query_id(query_id_);
  ASSIGN_OR_RETURN(
      int result,
      ParseEnumFlag(rec::DeconflictionOutcome::PoliceResult_descriptor(),
                    "--police-result", police_result_));
  request.set_police_result(
      static_cast<rec::DeconflictionOutcome::PoliceResult>(result));
  ASSIGN_OR_RETURN(int outcome,
                   ParseEnumFlag(rec::RoutingOutcome_descriptor(),
                                 "--routing-outcome", routing_outcome_));
  request.set_routing_outcome(static_cast<rec::RoutingOutcome>(outcome));
  RETURN_IF_ERROR(context_.Validate());
  ASSIGN_OR_RETURN(prevent::config::v1::ClientProfile profile,
                   LoadProfile(env.profile_dir));
  ASSIGN_OR_RETURN(std::unique_ptr<HubClient> client,
                   HubClient::Create(profile, env.clock));
  ASSIGN_OR_RETURN(*request.mutable_context(), context_.Resolve(*client));
  absl::StatusOr<prevent::hub::v1::RecordOutcomeResponse> answer =
      client->RecordDeconflictionOutcome(request);
  if (!answer.ok()) {
    return WithRetryHint(answer.status(), request.context().request_id());
  }
  std::ostream& out = *env.out;
  if (json_) {
    RETURN_IF_ERROR(PrintJson(*answer, out));
  } else {
    out << answer->referral_ref() << ": deconfliction COMPLETE, routing "
        << rec::RoutingOutcome_Name(answer->deconfliction().routing_outcome())
        << " (police result "
        << rec::DeconflictionOutcome::PoliceResult_Name(
               answer->deconfliction().police_result())
        << ", kept with the police)\n";
  }
  return CheckHubAuditLog(profile, env.profile_dir, *client);
}

}  // namespace hub::client
