// PeerAuthProcessor is the gate every call passes before any handler runs,
// for every service on the server (ours, health and reflection alike): it
// maps the TLS peer to an active principal with PeerIdentity and aborts the
// call with the resulting status otherwise. Calls to the gRPC health and
// reflection services, which have no handler of ours, are also decided here
// by the policy (record class SERVICE); our own handlers decide their calls
// through CallRunner. Every call it refuses is audited (a LOGIN or
// POLICY_DENY event) before the refusal is returned. Thread-safe.
#ifndef HUB_SERVICE_PEER_AUTH_PROCESSOR_H_
#define HUB_SERVICE_PEER_AUTH_PROCESSOR_H_

#include <grpcpp/security/auth_metadata_processor.h>

#include "common/clock.h"
#include "hub/service/call_auditor.h"
#include "hub/service/peer_identity.h"

namespace hub::service {

class PeerAuthProcessor final : public grpc::AuthMetadataProcessor {
 public:
  // `identity`, `auditor` and `clock` must outlive this processor.
  PeerAuthProcessor(const PeerIdentity* identity, const CallAuditor* auditor,
                    const common::Clock* clock)
      : identity_(identity), auditor_(auditor), clock_(clock) {}

  // The check is in memory, so it runs inline; only a refusal waits, for
  // its audit event to be committed.
  bool IsBlocking() const override { return false; }

  grpc::Status Process(const InputMetadata& auth_metadata,
                       grpc::AuthContext* context,
                       OutputMetadata* consumed_auth_metadata,
                       OutputMetadata* response_metadata) override;

 private:
  const PeerIdentity* const identity_;
  const CallAuditor* const auditor_;
  const common::Clock* const clock_;
};

// The peer certificate (PEM) of a TLS connection, or "" if there is none.
std::string PeerCertificatePem(const grpc::AuthContext& context);

}  // namespace hub::service

#endif  // HUB_SERVICE_PEER_AUTH_PROCESSOR_H_
