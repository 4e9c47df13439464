#include "client/offline/queued_writes.h"

#include "absl/strings/str_cat.h"
#include "client/commands/request_id.h"
#include "client/offline/device_store.h"
#include "common/sha256.h"
#include "common/status_macros.h"

namespace hub::client {
namespace {

namespace api = ::prevent::hub::v1;

template <typename Request>
absl::StatusOr<Request> Parse(const prevent::client::v1::OutboxEntry& entry) {
  Request request;
  if (!request.ParseFromString(entry.request())) {
    return absl::InvalidArgumentError(
        absl::StrCat("the queued write ", entry.request_id(),
                     " is damaged; discard it (hubctl outbox discard ",
                     entry.request_id(), ") and make it again"));
  }
  return request;
}

}  // namespace

bool Unreachable(const absl::Status& status) {
  return absl::IsUnavailable(status) || absl::IsDeadlineExceeded(status);
}

absl::StatusOr<std::string> SendQueued(
    HubClient& hub, const prevent::client::v1::OutboxEntry& entry) {
  const std::string& method = entry.method();
  if (method == kSubmitReferralMethod) {
    ASSIGN_OR_RETURN(auto request, Parse<api::SubmitReferralRequest>(entry));
    ASSIGN_OR_RETURN(api::SubmitReferralResponse answer,
                     hub.SubmitReferral(request));
    return absl::StrCat("submitted ", answer.referral_ref());
  }
  if (method == kTransitionReferralMethod) {
    ASSIGN_OR_RETURN(auto request,
                     Parse<api::TransitionReferralRequest>(entry));
    ASSIGN_OR_RETURN(api::TransitionReferralResponse answer,
                     hub.TransitionReferral(request));
    return absl::StrCat(
        "moved ", answer.referral_ref(), " to ",
        prevent::policy::v1::ReferralState_Name(answer.state()));
  }
  if (method == kAttestPurgeMethod) {
    ASSIGN_OR_RETURN(auto request, Parse<api::AttestPurgeRequest>(entry));
    ASSIGN_OR_RETURN(api::AttestPurgeResponse answer,
                     hub.AttestBriefingPurge(request));
    return absl::StrCat("attested the purge of ", answer.briefing_id());
  }
  return absl::UnimplementedError(absl::StrCat(
      "this hubctl cannot send a queued ", method,
      "; discard it (hubctl outbox discard ", entry.request_id(), ")"));
}

absl::Status Queue(Outbox& outbox, absl::string_view method,
                   const google::protobuf::Message& request,
                   absl::string_view request_id, absl::string_view summary,
                   absl::Time now) {
  prevent::client::v1::OutboxEntry entry;
  entry.set_request_id(std::string(request_id));
  entry.set_method(std::string(method));
  entry.set_request(request.SerializeAsString());
  entry.mutable_queued_at()->set_seconds(absl::ToUnixSeconds(now));
  entry.set_summary(std::string(summary));
  absl::Status added = outbox.Add(entry);
  if (absl::IsAlreadyExists(added)) return absl::OkStatus();
  return added;
}

api::AttestPurgeRequest AttestationFor(absl::string_view briefing_id) {
  api::AttestPurgeRequest request;
  request.mutable_context()->set_purpose(prevent::policy::v1::CTLP_BRIEFING);
  request.mutable_context()->set_request_id(
      absl::StrCat("attest-", common::Sha256Hex(briefing_id).substr(0, 32)));
  request.set_briefing_id(std::string(briefing_id));
  return request;
}

absl::Status QueueAttestation(Outbox& outbox,
                              const api::AttestPurgeRequest& attestation,
                              absl::Time now) {
  return Queue(outbox, kAttestPurgeMethod, attestation,
               attestation.context().request_id(),
               absl::StrCat("purge attestation for briefing ",
                            attestation.briefing_id()),
               now);
}

absl::Status QueueForSync(const prevent::config::v1::ClientProfile& profile,
                          const common::Clock* clock, absl::string_view method,
                          const google::protobuf::Message& request,
                          absl::string_view request_id,
                          absl::string_view summary,
                          const absl::Status& failure) {
  absl::StatusOr<DeviceStore> device = UnlockDeviceStore(profile, clock);
  absl::Status queued = device.status();
  if (queued.ok()) {
    queued = Queue(*device->outbox, method, request, request_id, summary,
                   clock->Now());
  }
  if (!queued.ok()) {
    absl::Status hinted = WithRetryHint(failure, request_id);
    return absl::Status(
        hinted.code(),
        absl::StrCat(hinted.message(),
                     ". It could not be queued either: ", queued.message()));
  }
  return absl::UnavailableError(absl::StrCat(
      failure.message(), "\nqueued; will send on next sync (hubctl sync). ",
      "Request id ", request_id));
}

}  // namespace hub::client
