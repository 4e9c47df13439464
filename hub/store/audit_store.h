// AuditStore keeps the audit log durable: each event as a salted commitment
// with its payload, the Merkle tree's completed nodes and the signed
// checkpoints. It stores bytes and knows nothing of what they mean; hub/audit
// builds the events, the tree and the signatures. Implementations are
// thread-safe, and reads never wait for a write's fsync.
#ifndef HUB_STORE_AUDIT_STORE_H_
#define HUB_STORE_AUDIT_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "hub/store/record_store.h"

namespace hub::store {

// One event of the log.
struct AuditRow {
  uint64_t index = 0;      // its leaf index in the Merkle tree, from 0
  std::string commitment;  // SHA-256(salt || event): what the tree commits to
  std::string salt;        // empty once the payload is erased
  std::string event;       // the serialised event; empty once erased
  // Copied out of the event so the audit queries need not parse every event;
  // cleared with the payload, except the time and operation.
  int64_t time_ms = 0;
  int operation = 0;
  bool allowed = false;
  bool police_domain = false;  // processing under DPA 2018 Part 3
  std::string actor_partner_id;
  // Every partner the event involves (actor, source, recipients).
  std::vector<std::string> partner_ids;
  std::string subject_pseudonym;  // empty if none
  std::string referral_id;        // empty if none

  bool erased() const { return event.empty(); }
};

// A node of the Merkle tree above the leaves: (level, index) covers leaves
// [index << level, (index + 1) << level). Only complete nodes are stored.
struct AuditNode {
  int level = 0;  // >= 1; leaves are the commitments themselves
  uint64_t index = 0;
  std::string hash;  // 32 bytes
};

// A signed checkpoint, as the hub signed it.
struct AuditCheckpointRow {
  uint64_t tree_size = 0;
  int64_t time_ms = 0;
  std::string body;  // the signed note body
  std::string signature;
};

// The audit queries' selections (SPEC §2.6). Times are Unix milliseconds,
// inclusive; results come in log order, at most `limit` of them.
struct AuditSelection {
  enum class Kind {
    kSubject,  // events about `subject_pseudonym` or `referral_id`
    kPartner,  // events involving `partner_id`
    kDenials,  // refused calls
  };
  Kind kind = Kind::kDenials;
  std::string subject_pseudonym;
  std::string referral_id;
  std::string partner_id;
  int64_t since_ms = 0;
  int64_t until_ms = INT64_MAX;
  int limit = 1000;
};

class AuditStore {
 public:
  virtual ~AuditStore() = default;

  // Applies `writes` (the data changes of the calls whose events these are),
  // then appends `rows` (whose indexes continue the log without a gap), the
  // tree nodes they complete and, if not null, a checkpoint, in one durable
  // transaction: all of it or none. UNAVAILABLE if it cannot be written;
  // FAILED_PRECONDITION if the indexes do not continue the log.
  virtual absl::Status AppendAudit(absl::Span<const RecordWrite* const> writes,
                                   absl::Span<const AuditRow> rows,
                                   absl::Span<const AuditNode> nodes,
                                   const AuditCheckpointRow* checkpoint) = 0;

  // The number of events in the log.
  virtual absl::StatusOr<uint64_t> AuditSize() = 0;

  // The commitment of event `index`; NOT_FOUND if there is none.
  virtual absl::StatusOr<std::string> AuditCommitment(uint64_t index) = 0;

  // The hash of node (`level` >= 1, `index`); NOT_FOUND if not stored.
  virtual absl::StatusOr<std::string> AuditNodeHash(int level,
                                                    uint64_t index) = 0;

  // The tree hashes at `nodes` (level, index), read in one transaction:
  // for level 0 the event's commitment, above it the stored node hash.
  // NOT_FOUND if one is missing.
  virtual absl::StatusOr<std::vector<std::string>> AuditTreeHashes(
      absl::Span<const std::pair<int, uint64_t>> nodes) = 0;

  // Calls `row` for each event with index in [begin, end), in order.
  virtual absl::Status ReadAudit(
      uint64_t begin, uint64_t end,
      absl::FunctionRef<void(const AuditRow&)> row) = 0;

  // Calls `node` for every stored tree node, by level then index.
  virtual absl::Status ReadAuditNodes(
      absl::FunctionRef<void(const AuditNode&)> node) = 0;

  // The events `selection` picks.
  virtual absl::StatusOr<std::vector<AuditRow>> SelectAudit(
      const AuditSelection& selection) = 0;

  // The checkpoint with the largest tree size, if any.
  virtual absl::StatusOr<std::optional<AuditCheckpointRow>>
  LatestAuditCheckpoint() = 0;

  // Calls `checkpoint` for each stored checkpoint, by tree size.
  virtual absl::Status ReadAuditCheckpoints(
      absl::FunctionRef<void(const AuditCheckpointRow&)> checkpoint) = 0;

  // Erases event `index`'s payload and salt (and what was copied out of
  // them), keeping its commitment so the tree and every checkpoint still
  // verify. NOT_FOUND if there is no such event.
  virtual absl::Status EraseAuditPayload(uint64_t index) = 0;

  // Writes and syncs nothing of substance, to learn whether writes work
  // again after a failure. UNAVAILABLE while they do not.
  virtual absl::Status ProbeWrite() = 0;
};

}  // namespace hub::store

#endif  // HUB_STORE_AUDIT_STORE_H_
