// VerifyStoredLog checks a whole stored audit log, offline, against the
// hub's audit public key and any checkpoints partners hold: that nothing was
// flipped, deleted, reordered, inserted, truncated or rewritten. It is the
// engine of `hubd audit verify` and of the tamper tests (TESTING.md §3.9).
#ifndef HUB_AUDIT_LOG_VERIFIER_H_
#define HUB_AUDIT_LOG_VERIFIER_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "common/ed25519.h"
#include "hub/audit/checkpoint.h"
#include "hub/store/audit_store.h"

namespace hub::audit {

struct LogReport {
  uint64_t events = 0;
  uint64_t erased = 0;       // payloads erased; their commitments verified
  uint64_t nodes = 0;        // stored tree nodes checked
  uint64_t checkpoints = 0;  // stored checkpoints checked
  uint64_t held = 0;         // partners' checkpoints checked
  // Events after the last checkpoint (signed within the next interval).
  uint64_t unsigned_tail = 0;
};

// Verifies, and returns the report or DATA_LOSS naming the first problem:
//  - the events' indexes run from 0 without a gap;
//  - every payload, with its salt, hashes to its stored commitment, and the
//    columns the queries select on are what the payload gives;
//  - every stored tree node is the node the commitments give;
//  - every stored checkpoint and every `held` one is signed by `key`, for no
//    more events than the log holds (else it was truncated or rolled back),
//    with the root the commitments give at its size (else it was rewritten,
//    or the hub showed a fork).
// UNAVAILABLE if the store cannot be read.
absl::StatusOr<LogReport> VerifyStoredLog(
    store::AuditStore& store, const common::Ed25519PublicKey& key,
    absl::Span<const SignedCheckpoint> held);

}  // namespace hub::audit

#endif  // HUB_AUDIT_LOG_VERIFIER_H_
