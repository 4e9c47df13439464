#include "hub/service/peer_auth_processor.h"

#include <grpc/grpc_security_constants.h>

#include "common/grpc_status.h"
#include "common/log.h"

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
  absl::StatusOr<AuthenticatedPeer> peer =
      identity_->Authenticate(PeerCertificatePem(*context));
  if (peer.ok()) return grpc::Status::OK;

  // The refused call never reaches a handler, so its log line is written here.
  // The status message names only the caller's own certificate.
  std::string method = "?";
  auto path = auth_metadata.find(":path");
  if (path != auth_metadata.end()) {
    method.assign(path->second.data(), path->second.size());
  }
  common::LogLine(common::Severity::kWarning, "rpc_refused")
      .Add("method", method)
      .Add("status", absl::StatusCodeToString(peer.status().code()))
      .Add("reason", peer.status().message());
  return common::ToGrpcStatus(peer.status());
}

}  // namespace hub::service
