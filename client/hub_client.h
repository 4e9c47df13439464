// HubClient is hubctl's connection to the hub over mutual TLS. It checks the
// user's certificate, key and CA locally before any network use, so the most
// common set-up mistakes get a precise message, and turns the hub's answers
// and transport failures into statuses that say what to do. Not thread-safe.
#ifndef HUB_CLIENT_HUB_CLIENT_H_
#define HUB_CLIENT_HUB_CLIENT_H_

#include <grpcpp/channel.h>

#include <memory>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "proto/config.pb.h"
#include "proto/hub.grpc.pb.h"

namespace hub::client {

// Explains a failed call to the hub at `address` in the user's terms:
// UNAVAILABLE when the hub cannot be reached or is too busy to take the
// call (nothing was applied either way, so it is safe to try again),
// DATA_LOSS when the hub's certificate is not from our CA, UNAUTHENTICATED
// when the hub refused our certificate; otherwise the hub's own status.
absl::Status ExplainHubFailure(absl::string_view address,
                               const grpc::Status& status);

class HubClient {
 public:
  // Reads the profile's certificate, key and CA and prepares a channel.
  // `clock` must outlive the client. Returns FAILED_PRECONDITION if a file
  // cannot be read, the key does not match the certificate, or the CA did
  // not issue the certificate; UNAUTHENTICATED if the certificate is expired
  // or not yet valid.
  static absl::StatusOr<std::unique_ptr<HubClient>> Create(
      const prevent::config::v1::ClientProfile& profile,
      const common::Clock* clock);

  // Asks the hub who it takes this user to be.
  absl::StatusOr<prevent::hub::v1::WhoAmIResponse> WhoAmI(
      const prevent::hub::v1::RequestContext& context);

  // Asks the hub to explain a policy decision.
  absl::StatusOr<prevent::hub::v1::ExplainResponse> ExplainPolicy(
      const prevent::hub::v1::ExplainRequest& request);

  // The audit log (AuditService): the latest signed checkpoint with the
  // consistency proof from `known_tree_size`, proofs, and the AQ queries.
  absl::StatusOr<prevent::records::v1::AuditProof> GetCheckpoint(
      uint64_t known_tree_size);
  absl::StatusOr<prevent::records::v1::AuditProof> GetInclusionProof(
      uint64_t index, uint64_t tree_size);
  absl::StatusOr<prevent::records::v1::AuditProof> GetConsistencyProof(
      uint64_t first_size, uint64_t second_size);
  absl::StatusOr<prevent::hub::v1::AuditQueryResponse> QueryAudit(
      const prevent::hub::v1::AuditQueryRequest& request);

  // Referrals (ReferralService): submit one, read one or a list as the
  // policy projects it for the caller and purpose, move one to a new state.
  // Submit and Transition are idempotent by request.context().request_id;
  // after UNAVAILABLE or DEADLINE_EXCEEDED the hub may or may not have acted,
  // so retry with the same id.
  absl::StatusOr<prevent::hub::v1::SubmitReferralResponse> SubmitReferral(
      const prevent::hub::v1::SubmitReferralRequest& request);
  absl::StatusOr<prevent::hub::v1::GetReferralResponse> GetReferral(
      const prevent::hub::v1::GetReferralRequest& request);
  absl::StatusOr<prevent::hub::v1::ListReferralsResponse> ListReferrals(
      const prevent::hub::v1::ListReferralsRequest& request);
  absl::StatusOr<prevent::hub::v1::TransitionReferralResponse>
  TransitionReferral(
      const prevent::hub::v1::TransitionReferralRequest& request);

  // Deconfliction (DeconflictionService): the CT gateway's check and the
  // outcome it records (idempotent by request.context().request_id), and
  // the status the council and the MASH may read.
  absl::StatusOr<prevent::hub::v1::DeconflictionAnswer> Deconflict(
      const prevent::hub::v1::DeconflictionQuery& request);
  absl::StatusOr<prevent::hub::v1::RecordOutcomeResponse>
  RecordDeconflictionOutcome(
      const prevent::hub::v1::RecordOutcomeRequest& request);
  absl::StatusOr<prevent::hub::v1::GetDeconflictionStatusResponse>
  GetDeconflictionStatus(
      const prevent::hub::v1::GetDeconflictionStatusRequest& request);

  // CTLP briefings (BriefingService): the owner publishes (idempotent by
  // request.context().request_id), supersedes and withdraws, and sees
  // delivery (AQ5); a recipient lists, acknowledges, reads and attests the
  // purge of their own copies.
  absl::StatusOr<prevent::hub::v1::PublishBriefingResponse> PublishBriefing(
      const prevent::hub::v1::PublishBriefingRequest& request);
  absl::StatusOr<prevent::hub::v1::PublishBriefingResponse> SupersedeBriefing(
      const prevent::hub::v1::SupersedeBriefingRequest& request);
  absl::StatusOr<prevent::hub::v1::WithdrawBriefingResponse> WithdrawBriefing(
      const prevent::hub::v1::WithdrawBriefingRequest& request);
  absl::StatusOr<prevent::hub::v1::ListBriefingsResponse> ListBriefings(
      const prevent::hub::v1::ListBriefingsRequest& request);
  absl::StatusOr<prevent::hub::v1::AcknowledgeBriefingResponse>
  AcknowledgeBriefing(
      const prevent::hub::v1::AcknowledgeBriefingRequest& request);
  absl::StatusOr<prevent::hub::v1::ReadBriefingResponse> ReadBriefing(
      const prevent::hub::v1::ReadBriefingRequest& request);
  absl::StatusOr<prevent::hub::v1::AttestPurgeResponse> AttestBriefingPurge(
      const prevent::hub::v1::AttestPurgeRequest& request);
  absl::StatusOr<prevent::hub::v1::BriefingDeliveryStatusResponse>
  BriefingDeliveryStatus(
      const prevent::hub::v1::BriefingDeliveryStatusRequest& request);

  // Sync (SyncService): streams the changes to what this user may hold
  // offline, calling `apply` on each batch in order. Stops at the first
  // batch `apply` fails, returning its error; a stream cut off leaves the
  // batches already applied, and a new Pull resumes from them.
  absl::Status Pull(
      const prevent::hub::v1::PullRequest& request,
      absl::FunctionRef<absl::Status(const prevent::hub::v1::SyncBatch&)>
          apply);

 private:
  HubClient(std::string address, std::shared_ptr<grpc::Channel> channel);

  absl::Status Explain(const grpc::Status& status) const {
    return ExplainHubFailure(address_, status);
  }

  const std::string address_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<prevent::hub::v1::IdentityService::Stub> identity_;
  std::unique_ptr<prevent::hub::v1::PolicyService::Stub> policy_;
  std::unique_ptr<prevent::hub::v1::AuditService::Stub> audit_;
  std::unique_ptr<prevent::hub::v1::ReferralService::Stub> referral_;
  std::unique_ptr<prevent::hub::v1::DeconflictionService::Stub> deconfliction_;
  std::unique_ptr<prevent::hub::v1::BriefingService::Stub> briefing_;
  std::unique_ptr<prevent::hub::v1::SyncService::Stub> sync_;
};

}  // namespace hub::client

#endif  // HUB_CLIENT_HUB_CLIENT_H_
