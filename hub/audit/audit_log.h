// AuditLog is the hub's append-only record of every call (SPEC §3.13, P14):
// each event is durable before the call's response leaves, committed into a
// Merkle tree (RFC 6962) as a salted commitment, and covered by checkpoints
// the hub signs, so a partner holding an old checkpoint can prove the log was
// never rewritten, while an erased payload leaves the tree intact.
// docs/audit.md explains the design. Implementations are thread-safe.
#ifndef HUB_AUDIT_AUDIT_LOG_H_
#define HUB_AUDIT_AUDIT_LOG_H_

#include <cstdint>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "hub/audit/checkpoint.h"
#include "hub/audit/merkle.h"
#include "hub/store/audit_store.h"
#include "proto/audit.pb.h"

namespace hub::audit {

class AuditLog {
 public:
  virtual ~AuditLog() = default;

  // Commits `event` durably, with `write` (the call's data change, if not
  // null) in the same transaction, and returns the event's index in the
  // log. Blocks until both are on disk. UNAVAILABLE if they cannot be
  // written: then neither is, and the caller must release nothing (fail
  // closed).
  virtual absl::StatusOr<uint64_t> Append(
      const prevent::audit::v1::AuditEvent& event,
      const store::RecordWrite* write) = 0;
  absl::StatusOr<uint64_t> Append(const prevent::audit::v1::AuditEvent& event) {
    return Append(event, nullptr);
  }

  // Append without waiting: queues `event` (and `write`, which must stay
  // valid until `done` runs) and returns at once; `done` receives what
  // Append would have returned once the outcome is known, on a thread of
  // the log's choosing, and must not block. A server completes its calls
  // this way, so a call waiting for durability holds no thread.
  using AppendDone = absl::AnyInvocable<void(absl::StatusOr<uint64_t>) &&>;
  virtual void AppendAsync(const prevent::audit::v1::AuditEvent& event,
                           const store::RecordWrite* write,
                           AppendDone done) = 0;

  // A checkpoint, signed now if need be, that covers every event committed
  // before the call. UNAVAILABLE if it cannot be stored.
  virtual absl::StatusOr<SignedCheckpoint> Checkpoint() = 0;

  // The number of events committed.
  virtual uint64_t size() const = 0;

  // Whether the last write succeeded. The hub reports NOT_SERVING while it
  // has not; the log keeps probing and recovers by itself.
  virtual bool healthy() const = 0;

  // The audit path of event `index` in the tree of the first `tree_size`
  // events. OUT_OF_RANGE if `tree_size` exceeds the log or `index` is not
  // below it.
  virtual absl::StatusOr<std::vector<Hash>> InclusionProof(
      uint64_t index, uint64_t tree_size) = 0;

  // The proof that the tree of `old_size` events is a prefix of the tree of
  // `new_size`. OUT_OF_RANGE unless old_size <= new_size <= size().
  virtual absl::StatusOr<std::vector<Hash>> ConsistencyProof(
      uint64_t old_size, uint64_t new_size) = 0;

  // The stored events `selection` picks, payloads as committed.
  virtual absl::StatusOr<std::vector<store::AuditRow>> Select(
      const store::AuditSelection& selection) = 0;
};

}  // namespace hub::audit

#endif  // HUB_AUDIT_AUDIT_LOG_H_
