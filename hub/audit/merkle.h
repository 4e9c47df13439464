// The audit log's Merkle tree, as RFC 6962 §2.1 defines it: leaf and node
// hashing, root hashes, inclusion and consistency proofs and their verifiers,
// the compact range a log appends with, and an in-memory tree. Free functions
// keep no state and are thread-safe; a CompactRange or MemoryTree needs
// external locking when one thread mutates it while others use it.
#ifndef HUB_AUDIT_MERKLE_H_
#define HUB_AUDIT_MERKLE_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace hub::audit {

// A SHA-256 digest: a leaf hash, an interior node hash or a tree root.
using Hash = std::array<uint8_t, 32>;

// SHA-256 of `data`.
Hash Sha256(absl::string_view data);

// The RFC 6962 leaf hash of the entry `leaf`: SHA-256(0x00 || leaf).
Hash LeafHash(absl::string_view leaf);

// The RFC 6962 interior node hash: SHA-256(0x01 || left || right).
Hash NodeHash(const Hash& left, const Hash& right);

// The root of the empty tree, SHA-256("").
Hash EmptyRoot();

// The 32 raw bytes of `h` as a string (for storage and the wire).
std::string HashBytes(const Hash& h);

// Parses the raw bytes written by HashBytes. INVALID_ARGUMENT unless `bytes`
// is exactly 32 bytes long.
absl::StatusOr<Hash> HashFromBytes(absl::string_view bytes);

// `h` as 64 lowercase hex digits, for messages and logs.
std::string HashHex(const Hash& h);

// Read access to the hashes of perfect subtrees: node (level, index) covers
// leaves [index << level, (index + 1) << level); level 0 is the leaf hashes.
// The proof functions below ask only for nodes whose leaves all lie within
// the tree size they are given, so a store need keep only complete nodes.
class NodeReader {
 public:
  virtual ~NodeReader() = default;

  // The hash of node (level, index). An error (for example OUT_OF_RANGE or
  // NOT_FOUND when the node is not stored) is passed on by the callers below.
  virtual absl::StatusOr<Hash> Node(int level, uint64_t index) const = 0;
};

// The root hash of the tree made of the first `size` leaves, read from
// `nodes` with one Node() call per set bit of `size`. EmptyRoot() when size
// is 0. Errors from `nodes` are returned unchanged.
absl::StatusOr<Hash> RootHash(const NodeReader& nodes, uint64_t size);

// The audit path PATH(index, D[size]) of RFC 6962 §2.1.1, in leaf-to-root
// order: the hashes that, with the leaf hash at `index`, recompute the root of
// the first `size` leaves. Makes at most about 2*log2(size) Node() calls.
// INVALID_ARGUMENT if index >= size; errors from `nodes` (such as a size
// larger than the stored tree) are returned unchanged.
absl::StatusOr<std::vector<Hash>> InclusionProof(const NodeReader& nodes,
                                                 uint64_t index, uint64_t size);

// The consistency proof PROOF(old_size, D[new_size]) of RFC 6962 §2.1.2: the
// hashes that show the tree of `old_size` leaves is a prefix of the tree of
// `new_size` leaves. Empty when old_size == new_size or old_size == 0 (no
// Node() calls then). INVALID_ARGUMENT if old_size > new_size; errors from
// `nodes` are returned unchanged.
absl::StatusOr<std::vector<Hash>> ConsistencyProof(const NodeReader& nodes,
                                                   uint64_t old_size,
                                                   uint64_t new_size);

// Checks that `proof` (from InclusionProof) shows the leaf with hash
// `leaf_hash` at `index` is in the tree of `size` leaves whose root is `root`
// (the algorithm of RFC 9162 §2.1.3.2). OK if so; INVALID_ARGUMENT if
// index >= size or the proof has the wrong number of hashes for that index
// and size; DATA_LOSS if the proof leads to a different root.
absl::Status VerifyInclusion(const Hash& leaf_hash, uint64_t index,
                             uint64_t size, const std::vector<Hash>& proof,
                             const Hash& root);

// Checks that `proof` (from ConsistencyProof) shows the tree of `old_size`
// leaves with root `old_root` is a prefix of the tree of `new_size` leaves
// with root `new_root` (the algorithm of RFC 9162 §2.1.4.2). Equal sizes need
// an empty proof and equal roots; size 0 needs an empty proof and the
// EmptyRoot() as its root. OK if consistent; INVALID_ARGUMENT if
// old_size > new_size or the proof has the wrong number of hashes; DATA_LOSS
// if the proof does not lead to `old_root` or to `new_root`.
absl::Status VerifyConsistency(uint64_t old_size, uint64_t new_size,
                               const Hash& old_root, const Hash& new_root,
                               const std::vector<Hash>& proof);

// The right edge of a tree: the roots of the perfect subtrees that make up
// leaves [0, size), largest first, one per set bit of size. A log keeps one to
// append leaves and compute its root in O(log size) without reading the tree.
class CompactRange {
 public:
  // The empty range (size 0).
  CompactRange() = default;

  // The compact range of the first `size` leaves, read from `nodes` with one
  // Node() call per set bit of `size`. Errors from `nodes` are returned
  // unchanged.
  static absl::StatusOr<CompactRange> Load(const NodeReader& nodes,
                                           uint64_t size);

  // Appends a leaf hash. Calls on_node(level, index, hash) for every perfect
  // subtree node this append completes, starting with the leaf itself at level
  // 0, then each parent it completes, bottom up; a store that saves every
  // call has all the nodes the proof functions read.
  void Append(
      const Hash& leaf_hash,
      absl::FunctionRef<void(int level, uint64_t index, const Hash& hash)>
          on_node);

  // The root hash of leaves [0, size()); EmptyRoot() when empty.
  Hash Root() const;

  // The number of leaves appended (or loaded) so far.
  uint64_t size() const { return size_; }

 private:
  uint64_t size_ = 0;
  // Roots of the perfect subtrees covering [0, size_), left to right, so the
  // smallest (the most recently completed) is at the back.
  std::vector<Hash> hashes_;
};

// A whole tree in memory (every level of perfect nodes): for tests and offline
// verification. Memory grows with about two hashes per leaf.
class MemoryTree final : public NodeReader {
 public:
  // Appends the leaf hash `leaf_hash` and the parents it completes.
  void Append(const Hash& leaf_hash);

  // The number of leaves.
  uint64_t size() const;

  // The root hash of the whole tree; EmptyRoot() when empty.
  Hash Root() const;

  // The hash of perfect node (level, index). OUT_OF_RANGE if that node is not
  // complete (some of its leaves have not been appended yet).
  absl::StatusOr<Hash> Node(int level, uint64_t index) const override;

 private:
  // levels_[l][i] is node (l, i); a level holds only complete nodes.
  std::vector<std::vector<Hash>> levels_;
};

}  // namespace hub::audit

#endif  // HUB_AUDIT_MERKLE_H_
