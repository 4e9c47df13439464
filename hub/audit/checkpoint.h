// Signed checkpoints: the hub's signed statement of the audit log's size and
// root hash at a time. Anyone holding the hub's audit public key can check a
// checkpoint, then use Merkle proofs (merkle.h) to check that an entry is in
// the log it describes, or that a later checkpoint extends it.
//
// The signed text is a C2SP tlog-checkpoint note body
// (https://c2sp.org/tlog-checkpoint): three lines
//
//   <origin>\n
//   <tree size, decimal>\n
//   <root hash, standard base64 with padding>\n
//
// followed by one extension line, "time <unix milliseconds>\n". For example,
// the empty log (whose root is SHA-256 of nothing):
//
//   prevent-hub/store-1
//   0
//   47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=
//   time 1700000000123
//
// Every value has exactly one encoding (no leading zeros, signs or spaces;
// canonical base64), so CheckpointBody(*ParseCheckpointBody(b)) == b for
// every body the parser accepts. All functions are stateless and thread-safe.
#ifndef HUB_AUDIT_CHECKPOINT_H_
#define HUB_AUDIT_CHECKPOINT_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/ed25519.h"
#include "hub/audit/merkle.h"

namespace hub::audit {

// A statement, by the hub, of the log's size and root at a time.
struct Checkpoint {
  // Names the log, e.g. "prevent-hub/<store instance id>". Non-empty, no
  // newline (see ValidateCheckpointOrigin).
  std::string origin;
  // The number of entries in the log.
  uint64_t tree_size = 0;
  // The Merkle root of those entries (RootHash of tree_size leaves).
  Hash root{};
  // When the hub made the statement. Written as whole Unix milliseconds, so
  // any finer part is dropped (rounded down) by CheckpointBody.
  absl::Time time;
};

bool operator==(const Checkpoint& a, const Checkpoint& b);
inline bool operator!=(const Checkpoint& a, const Checkpoint& b) {
  return !(a == b);
}

// OK if `origin` can name a log in a checkpoint: non-empty and without a
// newline. Otherwise INVALID_ARGUMENT saying which. Check configured origins
// with this before making checkpoints from them.
absl::Status ValidateCheckpointOrigin(absl::string_view origin);

// The note body of `c`, in the format above. `c.origin` must pass
// ValidateCheckpointOrigin (a programmer error otherwise: the process aborts
// rather than sign an ambiguous statement).
std::string CheckpointBody(const Checkpoint& c);

// Parses exactly the format above. On failure returns INVALID_ARGUMENT
// naming the line (1-4, or the first extra one) and what is wrong with it.
absl::StatusOr<Checkpoint> ParseCheckpointBody(absl::string_view body);

// A checkpoint body with the hub's Ed25519 signature over it.
struct SignedCheckpoint {
  std::string body;       // CheckpointBody(...), byte-exact as signed
  std::string signature;  // Ed25519 over body, 64 bytes
};

// Signs CheckpointBody(c) with `key`. Same precondition on `c.origin` as
// CheckpointBody.
SignedCheckpoint SignCheckpoint(const Checkpoint& c,
                                const common::Ed25519PrivateKey& key);

// Checks the signature on `signed_checkpoint` with `key`, then parses the
// body. Returns the checkpoint if both succeed; DATA_LOSS ("the checkpoint's
// signature does not verify with the hub's audit key <KeyId>") if the
// signature does not verify, whatever the body holds; INVALID_ARGUMENT (from
// ParseCheckpointBody) if the signature verifies but the body is malformed.
absl::StatusOr<Checkpoint> VerifyCheckpoint(
    const SignedCheckpoint& signed_checkpoint,
    const common::Ed25519PublicKey& key);

}  // namespace hub::audit

#endif  // HUB_AUDIT_CHECKPOINT_H_
