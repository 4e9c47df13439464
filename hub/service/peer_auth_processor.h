// PeerAuthProcessor is the gate every call passes before any handler runs,
// for every service on the server (ours, health and reflection alike): it
// maps the TLS peer to an active principal with PeerIdentity and aborts the
// call with the resulting status otherwise. Thread-safe.
#ifndef HUB_SERVICE_PEER_AUTH_PROCESSOR_H_
#define HUB_SERVICE_PEER_AUTH_PROCESSOR_H_

#include <grpcpp/security/auth_metadata_processor.h>

#include "hub/service/peer_identity.h"

namespace hub::service {

class PeerAuthProcessor final : public grpc::AuthMetadataProcessor {
 public:
  // `identity` must outlive this processor.
  explicit PeerAuthProcessor(const PeerIdentity* identity)
      : identity_(identity) {}

  // The check is in memory and never blocks, so it runs inline.
  bool IsBlocking() const override { return false; }

  grpc::Status Process(const InputMetadata& auth_metadata,
                       grpc::AuthContext* context,
                       OutputMetadata* consumed_auth_metadata,
                       OutputMetadata* response_metadata) override;

 private:
  const PeerIdentity* const identity_;
};

// The peer certificate (PEM) of a TLS connection, or "" if there is none.
std::string PeerCertificatePem(const grpc::AuthContext& context);

}  // namespace hub::service

#endif  // HUB_SERVICE_PEER_AUTH_PROCESSOR_H_
