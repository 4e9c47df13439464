#include "client/commands/referral_transition_command.h"

#include "client/audit_trust.h"
#include "client/commands/enum_flag.h"
#include "client/commands/print_json.h"
#include "client/commands/request_id.h"
#include "client/hub_client.h"
#include "client/offline/queued_writes.h"
#include "client/profile.h"
#include "common/status_macros.h"

namespace hub::client {

namespace pb = ::prevent::policy::v1;
namespace rec = ::prevent::records::v1;

ReferralTransitionCommand::ReferralTransitionCommand(CLI::App& referral)
    : command_(referral.add_subcommand(
          "transition", "move a referral to another state, with a reason")) {
  command_
      ->add_option("REF", referral_,
                   "the referral's reference (PRV-WXC-2025-000123) or id")
      ->required();
  command_->add_option("--to", to_, "the new state, e.g. POLICE_GATEWAY")
      ->required();
  command_
      ->add_option("--reason", reason_,
                   "why, in your words (at most 1,000 characters)")
      ->required();
  command_->add_option("--routing-outcome", routing_outcome_,
                       "the CT gateway's decision, required when leaving "
                       "POLICE_GATEWAY, e.g. "
                       "PROCEED_TO_CHANNEL_INFO_GATHERING");
  command_->add_option("--paf-code", paf_code_,
                       "the PAF summary code (police only)");
  command_->add_flag("--pcm-transfer", pcm_transfer_,
                     "the case transfers to police-led partnership "
                     "management (police only)");
  context_.Register(command_, /*with_request_id=*/true);
  command_->add_flag("--json", json_, "print the answer as JSON");
}

absl::StatusOr<prevent::hub::v1::TransitionReferralRequest>
ReferralTransitionCommand::Build() const {
  prevent::hub::v1::TransitionReferralRequest request;
  request.set_referral(referral_);
  ASSIGN_OR_RETURN(int to,
                   ParseEnumFlag(pb::ReferralState_descriptor(), "--to", to_));
  request.set_to(static_cast<pb::ReferralState>(to));
  request.set_reason(reason_);
  if (!routing_outcome_.empty()) {
    ASSIGN_OR_RETURN(int outcome,
                     ParseEnumFlag(rec::RoutingOutcome_descriptor(),
                                   "--routing-outcome", routing_outcome_));
    request.set_routing_outcome(static_cast<rec::RoutingOutcome>(outcome));
  }
  request.set_paf_summary_code(paf_code_);
  request.set_pcm_transfer(pcm_transfer_);
  return request;
}

absl::Status ReferralTransitionCommand::Run(const CommandEnv& env) const {
  ASSIGN_OR_RETURN(prevent::hub::v1::TransitionReferralRequest request,
                   Build());
  RETURN_IF_ERROR(context_.Validate());
  ASSIGN_OR_RETURN(prevent::config::v1::ClientProfile profile,
                   LoadProfile(env.profile_dir));
  ASSIGN_OR_RETURN(std::unique_ptr<HubClient> client,
                   HubClient::Create(profile, env.clock));
  ASSIGN_OR_RETURN(*request.mutable_context(), context_.Resolve(*client));
  absl::StatusOr<prevent::hub::v1::TransitionReferralResponse> answer =
      client->TransitionReferral(request);
  if (Unreachable(answer.status())) {
    // Offline: kept in the outbox and sent, once, by the next `hubctl sync`.
    return QueueForSync(profile, env.clock, kTransitionReferralMethod, request,
                        request.context().request_id(), "referral transition",
                        answer.status());
  }
  if (!answer.ok()) {
    return WithRetryHint(answer.status(), request.context().request_id());
  }

  // The referral has moved: say so before checking the hub's audit log, so
  // a failed check (exit 4) never hides that the change was made.
  std::ostream& out = *env.out;
  if (json_) {
    RETURN_IF_ERROR(PrintJson(*answer, out));
  } else {
    out << answer->referral_ref() << " is now "
        << pb::ReferralState_Name(answer->state()) << "\n";
  }
  return CheckHubAuditLog(profile, env.profile_dir, *client);
}

}  // namespace hub::client
