#include "client/commands/referral_submit_command.h"

#include "absl/strings/str_cat.h"
#include "client/audit_trust.h"
#include "client/commands/print_json.h"
#include "client/commands/referral_file.h"
#include "client/commands/request_id.h"
#include "client/hub_client.h"
#include "client/offline/queued_writes.h"
#include "client/profile.h"
#include "common/clock.h"
#include "common/status_macros.h"

namespace hub::client {

namespace rec = ::prevent::records::v1;

ReferralSubmitCommand::ReferralSubmitCommand(CLI::App& referral)
    : command_(referral.add_subcommand(
          "submit", "send a referral from a file (see `referral template`)")) {
  command_
      ->add_option("FILE", file_,
                   "the referral: protobuf JSON or text format of "
                   "prevent.records.v1.ReferralSubmission")
      ->required();
  request_id_option_ =
      command_->add_option("--request-id", request_id_,
                           "to retry a submit safely, the id printed when it "
                           "failed; default: a fresh random id");
  command_->add_flag("--json", json_, "print the answer as JSON");
}

absl::Status ReferralSubmitCommand::Run(const CommandEnv& env) const {
  if (request_id_option_->count() > 0) {
    RETURN_IF_ERROR(CheckRequestId(request_id_));
  }
  ASSIGN_OR_RETURN(rec::ReferralSubmission submission,
                   ReadReferralSubmission(file_));
  // SPEC T1: the client itself stops an immediate-risk referral, so the
  // person is told to call 999 even when the hub cannot be reached. The hub
  // refuses one too.
  if (submission.referral().immediate_risk()) {
    return absl::InvalidArgumentError(absl::StrCat(
        file_,
        " marks an immediate risk (referral.immediate_risk): if anyone is in "
        "immediate danger, call 999 now. A Prevent referral is not the route "
        "for an immediate risk; nothing was sent"));
  }
  std::string request_id = request_id_;
  if (request_id_option_->count() == 0) {
    ASSIGN_OR_RETURN(request_id, NewRequestId());
  }

  ASSIGN_OR_RETURN(prevent::config::v1::ClientProfile profile,
                   LoadProfile(env.profile_dir));
  ASSIGN_OR_RETURN(std::unique_ptr<HubClient> client,
                   HubClient::Create(profile, env.clock));
  prevent::hub::v1::SubmitReferralRequest request;
  request.mutable_context()->set_purpose(
      prevent::policy::v1::PREVENT_REFERRAL_SUBMISSION);
  request.mutable_context()->set_request_id(request_id);
  *request.mutable_submission() = std::move(submission);
  absl::StatusOr<prevent::hub::v1::SubmitReferralResponse> answer =
      client->SubmitReferral(request);
  if (Unreachable(answer.status())) {
    // Offline: kept in the outbox and sent, once, by the next `hubctl sync`.
    return QueueForSync(profile, env.clock, kSubmitReferralMethod, request,
                        request_id, "referral submit", answer.status());
  }
  if (!answer.ok()) return WithRetryHint(answer.status(), request_id);

  // The hub has taken the referral: say so before checking its audit log,
  // so a failed check (exit 4) never hides that it was submitted.
  std::ostream& out = *env.out;
  if (json_) {
    RETURN_IF_ERROR(PrintJson(*answer, out));
  } else {
    out << "submitted " << answer->referral_ref() << "  (request id "
        << request_id << ")\n"
        << "status    "
        << rec::Referral::StatusBucket_Name(answer->status_bucket()) << "\n";
    if (answer->received_unix_ms() != 0) {
      out << "received  "
          << common::FormatUtc(absl::FromUnixMillis(answer->received_unix_ms()))
          << "\n";
    }
  }
  return CheckHubAuditLog(profile, env.profile_dir, *client);
}

}  // namespace hub::client
