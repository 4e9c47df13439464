#include "client/hub_client.h"

#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/file_util.h"
#include "common/grpc_status.h"
#include "common/status_macros.h"
#include "common/x509_certificate.h"

namespace hub::client {
namespace {

constexpr absl::Duration kCallTimeout = absl::Seconds(15);
// A whole sync: up to SyncService's most changes per pull.
constexpr absl::Duration kPullTimeout = absl::Seconds(120);

void SetDeadline(grpc::ClientContext& context) {
  context.set_deadline(absl::ToChronoTime(absl::Now() + kCallTimeout));
}

}  // namespace

HubClient::HubClient(std::string address,
                     std::shared_ptr<grpc::Channel> channel)
    : address_(std::move(address)),
      channel_(std::move(channel)),
      identity_(prevent::hub::v1::IdentityService::NewStub(channel_)),
      policy_(prevent::hub::v1::PolicyService::NewStub(channel_)),
      audit_(prevent::hub::v1::AuditService::NewStub(channel_)),
      referral_(prevent::hub::v1::ReferralService::NewStub(channel_)),
      deconfliction_(prevent::hub::v1::DeconflictionService::NewStub(channel_)),
      briefing_(prevent::hub::v1::BriefingService::NewStub(channel_)),
      sync_(prevent::hub::v1::SyncService::NewStub(channel_)) {}

absl::StatusOr<std::unique_ptr<HubClient>> HubClient::Create(
    const prevent::config::v1::ClientProfile& profile,
    const common::Clock* clock) {
  ASSIGN_OR_RETURN(std::string cert_pem, common::ReadConfiguredFile(
                                             "cert_file", profile.cert_file()));
  ASSIGN_OR_RETURN(std::string key_pem,
                   common::ReadConfiguredFile("key_file", profile.key_file()));
  ASSIGN_OR_RETURN(std::string ca_pem,
                   common::ReadConfiguredFile("ca_file", profile.ca_file()));

  absl::StatusOr<common::X509Certificate> cert =
      common::X509Certificate::FromPem(cert_pem);
  if (!cert.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("your certificate (", profile.cert_file(),
                     ") cannot be read: ", cert.status().message()));
  }
  if (!cert->MatchesPrivateKey(key_pem).ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("your certificate (", profile.cert_file(), ") and key (",
                     profile.key_file(),
                     ") do not match; install the certificate and key that "
                     "were issued together"));
  }
  absl::StatusOr<common::X509Certificate> ca =
      common::X509Certificate::FromPem(ca_pem);
  if (!ca.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("the partnership CA (", profile.ca_file(),
                     ") cannot be read: ", ca.status().message()));
  }
  if (!cert->VerifySignedBy(*ca).ok()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "your certificate (", profile.cert_file(),
        ") was not issued by the partnership CA in ", profile.ca_file(),
        "; check the profile names the right files"));
  }
  const absl::Time now = clock->Now();
  if (now < cert->not_before()) {
    return absl::UnauthenticatedError(
        absl::StrCat("your certificate is not valid until ",
                     common::FormatUtc(cert->not_before()),
                     "; check this computer's clock, or wait"));
  }
  if (now >= cert->not_after()) {
    return absl::UnauthenticatedError(absl::StrCat(
        "your certificate expired at ", common::FormatUtc(cert->not_after()),
        "; ask your partnership administrator for a new one"));
  }

  grpc::SslCredentialsOptions tls;
  tls.pem_root_certs = ca_pem;
  tls.pem_private_key = key_pem;
  tls.pem_cert_chain = cert_pem;
  std::shared_ptr<grpc::Channel> channel =
      grpc::CreateChannel(profile.hub_address(), grpc::SslCredentials(tls));
  return std::unique_ptr<HubClient>(
      new HubClient(profile.hub_address(), channel));
}

absl::Status ExplainHubFailure(absl::string_view address,
                               const grpc::Status& status) {
  const std::string& detail = status.error_message();
  // An overloaded hub refuses a call before doing anything for it: in its
  // own words, or in gRPC's when all the threads of its synchronous
  // streaming calls are busy (docs/operations.md, Overload).
  if (status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED &&
      (detail == common::kHubBusyMessage ||
       detail == "Server Threadpool Exhausted")) {
    return absl::UnavailableError(absl::StrCat(
        "the hub at ", address,
        " is too busy to take the call and did not apply it; try again "
        "shortly"));
  }
  if (status.error_code() != grpc::StatusCode::UNAVAILABLE) {
    return common::FromGrpcStatus(status);
  }
  // The hub answers refusals with a status of its own; a failed handshake
  // reaches us only as UNAVAILABLE with the TLS alert in the message.
  if (absl::StrContains(detail, "CERTIFICATE_VERIFY_FAILED") ||
      absl::StrContains(detail, "certificate verify failed")) {
    return absl::DataLossError(
        absl::StrCat("the hub at ", address,
                     " presented a certificate that the partnership CA did not "
                     "issue; do not "
                     "use it, and tell your partnership administrator"));
  }
  if (absl::StrContains(detail, "alert certificate revoked")) {
    return absl::UnauthenticatedError(
        "the hub refused your certificate: it has been revoked; ask your "
        "partnership administrator for a new one");
  }
  if (absl::StrContains(detail, "alert certificate expired")) {
    return absl::UnauthenticatedError(
        "the hub refused your certificate: it has expired; ask your "
        "partnership "
        "administrator for a new one");
  }
  if (absl::StrContains(detail, "alert")) {
    return absl::UnauthenticatedError(absl::StrCat(
        "the hub refused your certificate during the TLS handshake (", detail,
        "); ask your partnership administrator to check it"));
  }
  return absl::UnavailableError(
      absl::StrCat("cannot reach the hub at ", address, " (", detail,
                   "); check hub_address in your profile and your network"));
}

absl::StatusOr<prevent::hub::v1::WhoAmIResponse> HubClient::WhoAmI(
    const prevent::hub::v1::RequestContext& request_context) {
  grpc::ClientContext context;
  SetDeadline(context);
  prevent::hub::v1::WhoAmIRequest request;
  *request.mutable_context() = request_context;
  prevent::hub::v1::WhoAmIResponse response;
  grpc::Status status = identity_->WhoAmI(&context, request, &response);
  if (!status.ok()) return Explain(status);
  return response;
}

absl::StatusOr<prevent::hub::v1::ExplainResponse> HubClient::ExplainPolicy(
    const prevent::hub::v1::ExplainRequest& request) {
  grpc::ClientContext context;
  SetDeadline(context);
  prevent::hub::v1::ExplainResponse response;
  grpc::Status status = policy_->Explain(&context, request, &response);
  if (!status.ok()) return Explain(status);
  return response;
}

absl::StatusOr<prevent::records::v1::AuditProof> HubClient::GetCheckpoint(
    uint64_t known_tree_size) {
  grpc::ClientContext context;
  SetDeadline(context);
  prevent::hub::v1::GetCheckpointRequest request;
  request.set_known_tree_size(known_tree_size);
  prevent::hub::v1::AuditProofResponse response;
  grpc::Status status = audit_->GetCheckpoint(&context, request, &response);
  if (!status.ok()) return Explain(status);
  return response.proof();
}

absl::StatusOr<prevent::records::v1::AuditProof> HubClient::GetInclusionProof(
    uint64_t index, uint64_t tree_size) {
  grpc::ClientContext context;
  SetDeadline(context);
  prevent::hub::v1::GetInclusionProofRequest request;
  request.set_index(index);
  request.set_tree_size(tree_size);
  prevent::hub::v1::AuditProofResponse response;
  grpc::Status status = audit_->GetInclusionProof(&context, request, &response);
  if (!status.ok()) return Explain(status);
  return response.proof();
}

absl::StatusOr<prevent::records::v1::AuditProof> HubClient::GetConsistencyProof(
    uint64_t first_size, uint64_t second_size) {
  grpc::ClientContext context;
  SetDeadline(context);
  prevent::hub::v1::GetConsistencyProofRequest request;
  request.set_first_size(first_size);
  request.set_second_size(second_size);
  prevent::hub::v1::AuditProofResponse response;
  grpc::Status status =
      audit_->GetConsistencyProof(&context, request, &response);
  if (!status.ok()) return Explain(status);
  return response.proof();
}

absl::StatusOr<prevent::hub::v1::AuditQueryResponse> HubClient::QueryAudit(
    const prevent::hub::v1::AuditQueryRequest& request) {
  grpc::ClientContext context;
  SetDeadline(context);
  prevent::hub::v1::AuditQueryResponse response;
  grpc::Status status = audit_->Query(&context, request, &response);
  if (!status.ok()) return Explain(status);
  return response;
}

absl::StatusOr<prevent::hub::v1::SubmitReferralResponse>
HubClient::SubmitReferral(
    const prevent::hub::v1::SubmitReferralRequest& request) {
  grpc::ClientContext context;
  SetDeadline(context);
  prevent::hub::v1::SubmitReferralResponse response;
  grpc::Status status = referral_->Submit(&context, request, &response);
  if (!status.ok()) return Explain(status);
  return response;
}

absl::StatusOr<prevent::hub::v1::GetReferralResponse> HubClient::GetReferral(
    const prevent::hub::v1::GetReferralRequest& request) {
  grpc::ClientContext context;
  SetDeadline(context);
  prevent::hub::v1::GetReferralResponse response;
  grpc::Status status = referral_->Get(&context, request, &response);
  if (!status.ok()) return Explain(status);
  return response;
}

absl::StatusOr<prevent::hub::v1::ListReferralsResponse>
HubClient::ListReferrals(
    const prevent::hub::v1::ListReferralsRequest& request) {
  grpc::ClientContext context;
  SetDeadline(context);
  prevent::hub::v1::ListReferralsResponse response;
  grpc::Status status = referral_->List(&context, request, &response);
  if (!status.ok()) return Explain(status);
  return response;
}

absl::StatusOr<prevent::hub::v1::TransitionReferralResponse>
HubClient::TransitionReferral(
    const prevent::hub::v1::TransitionReferralRequest& request) {
  grpc::ClientContext context;
  SetDeadline(context);
  prevent::hub::v1::TransitionReferralResponse response;
  grpc::Status status = referral_->Transition(&context, request, &response);
  if (!status.ok()) return Explain(status);
  return response;
}

absl::StatusOr<prevent::hub::v1::DeconflictionAnswer> HubClient::Deconflict(
    const prevent::hub::v1::DeconflictionQuery& request) {
  grpc::ClientContext context;
  SetDeadline(context);
  prevent::hub::v1::DeconflictionAnswer response;
  grpc::Status status = deconfliction_->Check(&context, request, &response);
  if (!status.ok()) return Explain(status);
  return response;
}

absl::StatusOr<prevent::hub::v1::RecordOutcomeResponse>
HubClient::RecordDeconflictionOutcome(
    const prevent::hub::v1::RecordOutcomeRequest& request) {
  grpc::ClientContext context;
  SetDeadline(context);
  prevent::hub::v1::RecordOutcomeResponse response;
  grpc::Status status =
      deconfliction_->RecordOutcome(&context, request, &response);
  if (!status.ok()) return Explain(status);
  return response;
}

absl::StatusOr<prevent::hub::v1::GetDeconflictionStatusResponse>
HubClient::GetDeconflictionStatus(
    const prevent::hub::v1::GetDeconflictionStatusRequest& request) {
  grpc::ClientContext context;
  SetDeadline(context);
  prevent::hub::v1::GetDeconflictionStatusResponse response;
  grpc::Status status = deconfliction_->GetStatus(&context, request, &response);
  if (!status.ok()) return Explain(status);
  return response;
}

absl::StatusOr<prevent::hub::v1::PublishBriefingResponse>
HubClient::PublishBriefing(
    const prevent::hub::v1::PublishBriefingRequest& request) {
  grpc::ClientContext context;
  SetDeadline(context);
  prevent::hub::v1::PublishBriefingResponse response;
  grpc::Status status = briefing_->Publish(&context, request, &response);
  if (!status.ok()) return Explain(status);
  return response;
}

absl::StatusOr<prevent::hub::v1::PublishBriefingResponse>
HubClient::SupersedeBriefing(
    const prevent::hub::v1::SupersedeBriefingRequest& request) {
  grpc::ClientContext context;
  SetDeadline(context);
  prevent::hub::v1::PublishBriefingResponse response;
  grpc::Status status = briefing_->Supersede(&context, request, &response);
  if (!status.ok()) return Explain(status);
  return response;
}

absl::StatusOr<prevent::hub::v1::WithdrawBriefingResponse>
HubClient::WithdrawBriefing(
    const prevent::hub::v1::WithdrawBriefingRequest& request) {
  grpc::ClientContext context;
  SetDeadline(context);
  prevent::hub::v1::WithdrawBriefingResponse response;
  grpc::Status status = briefing_->Withdraw(&context, request, &response);
  if (!status.ok()) return Explain(status);
  return response;
}

absl::StatusOr<prevent::hub::v1::ListBriefingsResponse>
HubClient::ListBriefings(
    const prevent::hub::v1::ListBriefingsRequest& request) {
  grpc::ClientContext context;
  SetDeadline(context);
  prevent::hub::v1::ListBriefingsResponse response;
  grpc::Status status = briefing_->List(&context, request, &response);
  if (!status.ok()) return Explain(status);
  return response;
}

absl::StatusOr<prevent::hub::v1::AcknowledgeBriefingResponse>
HubClient::AcknowledgeBriefing(
    const prevent::hub::v1::AcknowledgeBriefingRequest& request) {
  grpc::ClientContext context;
  SetDeadline(context);
  prevent::hub::v1::AcknowledgeBriefingResponse response;
  grpc::Status status = briefing_->Acknowledge(&context, request, &response);
  if (!status.ok()) return Explain(status);
  return response;
}

absl::StatusOr<prevent::hub::v1::ReadBriefingResponse> HubClient::ReadBriefing(
    const prevent::hub::v1::ReadBriefingRequest& request) {
  grpc::ClientContext context;
  SetDeadline(context);
  prevent::hub::v1::ReadBriefingResponse response;
  grpc::Status status = briefing_->Read(&context, request, &response);
  if (!status.ok()) return Explain(status);
  return response;
}

absl::StatusOr<prevent::hub::v1::AttestPurgeResponse>
HubClient::AttestBriefingPurge(
    const prevent::hub::v1::AttestPurgeRequest& request) {
  grpc::ClientContext context;
  SetDeadline(context);
  prevent::hub::v1::AttestPurgeResponse response;
  grpc::Status status = briefing_->AttestPurge(&context, request, &response);
  if (!status.ok()) return Explain(status);
  return response;
}

absl::StatusOr<prevent::hub::v1::BriefingDeliveryStatusResponse>
HubClient::BriefingDeliveryStatus(
    const prevent::hub::v1::BriefingDeliveryStatusRequest& request) {
  grpc::ClientContext context;
  SetDeadline(context);
  prevent::hub::v1::BriefingDeliveryStatusResponse response;
  grpc::Status status = briefing_->DeliveryStatus(&context, request, &response);
  if (!status.ok()) return Explain(status);
  return response;
}

absl::Status HubClient::Pull(
    const prevent::hub::v1::PullRequest& request,
    absl::FunctionRef<absl::Status(const prevent::hub::v1::SyncBatch&)> apply) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + kPullTimeout));
  std::unique_ptr<grpc::ClientReader<prevent::hub::v1::SyncBatch>> reader =
      sync_->Pull(&context, request);
  prevent::hub::v1::SyncBatch batch;
  while (reader->Read(&batch)) {
    absl::Status applied = apply(batch);
    if (!applied.ok()) {
      context.TryCancel();
      reader->Finish();  // the stream's own status no longer matters
      return applied;
    }
  }
  grpc::Status status = reader->Finish();
  if (!status.ok()) return Explain(status);
  return absl::OkStatus();
}

}  // namespace hub::client
