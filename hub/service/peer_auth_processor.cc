#include "hub/service/peer_auth_processor.h"

#include <grpc/grpc_security_constants.h>

#include <optional>

#include "absl/strings/match.h"
#include "common/grpc_status.h"
#include "common/log.h"
#include "common/x509_certificate.h"
#include "hub/service/call_runner.h"

namespace hub::service {

std::string PeerCertificatePem(const grpc::AuthContext& context) {
  std::vector<grpc::string_ref> pem =
      context.FindPropertyValues(GRPC_X509_PEM_CERT_PROPERTY_NAME);
  if (pem.empty()) return "";
  return std::string(pem.front().data(), pem.front().size());
}

grpc::Status PeerAuthProcessor::Process(const InputMetadata& auth_metadata,
                                        grpc::AuthContext* context,
                                        OutputMetadata*, OutputMetadata*) {
  std::string method = "?";
  auto path = auth_metadata.find(":path");
  if (path != auth_metadata.end()) {
    method.assign(path->second.data(), path->second.size());
  }
  const std::string pem = PeerCertificatePem(*context);
  absl::StatusOr<AuthenticatedPeer> peer = identity_->Authenticate(pem);
  absl::Status status = peer.status();
  const absl::Time now = clock_->Now();
  std::optional<policy::Decision> decision;
  if (peer.ok()) {
    // Our services decide in their handlers, with the resource in hand.
    if (absl::StartsWith(method, "/prevent.hub.v1.")) return grpc::Status::OK;
    policy::Resource service;
    service.record = prevent::policy::v1::SERVICE;
    service.source_partner_id = peer->partner->id();
    service.owner_principal_id = peer->principal->id();
    decision = DecideFor(*peer, prevent::policy::v1::READ, service,
                         prevent::policy::v1::PURPOSE_UNSPECIFIED,
                         /*has_justification=*/false, now);
    // The hub's service endpoints carry no partnership data; allowed calls
    // to them are logged but not audited (docs/decisions/0005).
    if (decision->allowed) return grpc::Status::OK;
    status = absl::PermissionDeniedError(
        "the partnership's policy does not grant your roles the hub's "
        "service information (health, API schema)");
  }

  // Every refusal is audited; one that cannot be is reported as such.
  std::string fingerprint;
  if (!peer.ok()) {
    absl::StatusOr<common::X509Certificate> cert =
        common::X509Certificate::FromPem(pem);
    if (cert.ok()) fingerprint = cert->sha256_hex();
  }
  absl::Status audited =
      auditor_->RecordRefusal(method, fingerprint, peer.ok() ? &*peer : nullptr,
                              decision ? &*decision : nullptr, now, status);
  if (!audited.ok()) status = audited;

  // The refused call never reaches a handler, so its log line is written here.
  // The status message names only the caller's own certificate or roles.
  common::LogLine(common::Severity::kWarning, "rpc_refused")
      .Add("method", method)
      .Add("status", absl::StatusCodeToString(status.code()))
      .Add("reason", status.message());
  return common::ToGrpcStatus(status);
}

}  // namespace hub::service
