// AuditService serves the audit log to partners: signed checkpoints and
// Merkle proofs (standing rule: every principal, since they hold no personal
// data) and the audit queries AQ1-AQ3 (for the roles the agreement grants
// each query). Police-domain events reach auditors without the
// POLICE_AUDITOR role only as counts. Every call is itself audited by
// CallRunner. Thread-safe.
#ifndef HUB_SERVICE_AUDIT_SERVICE_H_
#define HUB_SERVICE_AUDIT_SERVICE_H_

#include "hub/audit/audit_log.h"
#include "hub/audit/pseudonymizer.h"
#include "hub/service/call_runner.h"
#include "proto/hub.grpc.pb.h"

namespace hub::service {

// The log's latest signed checkpoint and, for known_tree_size > 0, the proof
// that the tree of that size (from a checkpoint the caller holds) is a
// prefix of it. OUT_OF_RANGE, saying the log was rolled back or forked, if
// known_tree_size is larger than the log.
absl::StatusOr<prevent::records::v1::AuditProof> CheckpointProof(
    audit::AuditLog& log, uint64_t known_tree_size);

class AuditService final
    : public prevent::hub::v1::AuditService::CallbackService {
 public:
  // All must outlive the service.
  AuditService(const CallRunner* runner, audit::AuditLog* log,
               const audit::Pseudonymizer* pseudonymizer)
      : runner_(runner), log_(log), pseudonymizer_(pseudonymizer) {}

  grpc::ServerUnaryReactor* GetCheckpoint(
      grpc::CallbackServerContext* context,
      const prevent::hub::v1::GetCheckpointRequest* request,
      prevent::hub::v1::AuditProofResponse* response) override;
  grpc::ServerUnaryReactor* GetInclusionProof(
      grpc::CallbackServerContext* context,
      const prevent::hub::v1::GetInclusionProofRequest* request,
      prevent::hub::v1::AuditProofResponse* response) override;
  grpc::ServerUnaryReactor* GetConsistencyProof(
      grpc::CallbackServerContext* context,
      const prevent::hub::v1::GetConsistencyProofRequest* request,
      prevent::hub::v1::AuditProofResponse* response) override;
  grpc::ServerUnaryReactor* Query(
      grpc::CallbackServerContext* context,
      const prevent::hub::v1::AuditQueryRequest* request,
      prevent::hub::v1::AuditQueryResponse* response) override;

 private:
  const CallRunner* const runner_;
  audit::AuditLog* const log_;
  const audit::Pseudonymizer* const pseudonymizer_;
};

}  // namespace hub::service

#endif  // HUB_SERVICE_AUDIT_SERVICE_H_
