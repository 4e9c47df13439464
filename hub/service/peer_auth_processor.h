// PeerAuthProcessor is the gate every call passes before any handler runs,
// for every service on the server (ours, health and reflection alike): it
// maps the TLS peer to an active principal with PeerIdentity and aborts the
// call with the resulting status otherwise. Calls to the gRPC health and
// reflection services, which have no handler of ours, are also decided here
// by the policy (record class SERVICE); our own handlers decide their calls
// through CallRunner. Thread-safe.
#ifndef HUB_SERVICE_PEER_AUTH_PROCESSOR_H_
#define HUB_SERVICE_PEER_AUTH_PROCESSOR_H_

#include <grpcpp/security/auth_metadata_processor.h>

#include "common/clock.h"
#include "hub/service/peer_identity.h"

namespace hub::service {

class PeerAuthProcessor final : public grpc::AuthMetadataProcessor {
 public:
  // `identity` and `clock` must outlive this processor.
  PeerAuthProcessor(const PeerIdentity* identity, const common::Clock* clock)
      : identity_(identity), clock_(clock) {}

  // The check is in memory and never blocks, so it runs inline.
  bool IsBlocking() const override { return false; }

  grpc::Status Process(const InputMetadata& auth_metadata,
                       grpc::AuthContext* context,
                       OutputMetadata* consumed_auth_metadata,
                       OutputMetadata* response_metadata) override;

 private:
  const PeerIdentity* const identity_;
  const common::Clock* const clock_;
};

// The peer certificate (PEM) of a TLS connection, or "" if there is none.
std::string PeerCertificatePem(const grpc::AuthContext& context);

}  // namespace hub::service

#endif  // HUB_SERVICE_PEER_AUTH_PROCESSOR_H_
