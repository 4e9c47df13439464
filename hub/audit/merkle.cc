#include "hub/audit/merkle.h"

#include <openssl/evp.h>

#include <algorithm>
#include <initializer_list>
#include <memory>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/sha256.h"
#include "common/status_macros.h"

namespace hub::audit {
namespace {

// The number of bits needed to write x: 0 for 0, 64 when the top bit is set.
int BitLength(uint64_t x) { return x == 0 ? 0 : 64 - __builtin_clzll(x); }

int PopCount(uint64_t x) { return __builtin_popcountll(x); }

// REQUIRES: x != 0.
int TrailingZeros(uint64_t x) { return __builtin_ctzll(x); }

bool IsPowerOfTwo(uint64_t x) { return x != 0 && (x & (x - 1)) == 0; }

// SHA-256 of the concatenation of `parts`. OpenSSL fails here only when it
// cannot allocate, which we treat like any other out-of-memory condition.
Hash Digest(std::initializer_list<absl::string_view> parts) {
  // One context per thread, reused, saves an allocation per hash.
  thread_local std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(
      EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  HUB_CHECK(ctx != nullptr);
  HUB_CHECK(EVP_DigestInit_ex(ctx.get(), common::Sha256Method(), nullptr) == 1);
  for (absl::string_view part : parts) {
    HUB_CHECK(EVP_DigestUpdate(ctx.get(), part.data(), part.size()) == 1);
  }
  Hash out;
  unsigned int length = 0;
  HUB_CHECK(EVP_DigestFinal_ex(ctx.get(), out.data(), &length) == 1);
  HUB_CHECK(length == out.size());
  return out;
}

absl::string_view View(const Hash& h) {
  return absl::string_view(reinterpret_cast<const char*>(h.data()), h.size());
}

// The RFC 6962 MTH of leaves [begin, end), combined from the perfect subtrees
// that make up the range, largest first. Splitting off the largest perfect
// subtree each time is exactly MTH's split at the largest power of two below
// the range size, so the result equals MTH of the range.
// REQUIRES: begin < end, and begin is a multiple of the largest power of two
// not above end - begin (true of every subtree MTH recurses into).
absl::StatusOr<Hash> RangeHash(const NodeReader& nodes, uint64_t begin,
                               uint64_t end) {
  HUB_CHECK(begin < end);
  Hash parts[64];
  int count = 0;
  for (uint64_t pos = begin; pos < end;) {
    const int level = BitLength(end - pos) - 1;
    const uint64_t width = uint64_t{1} << level;
    HUB_CHECK((pos & (width - 1)) == 0);
    ASSIGN_OR_RETURN(parts[count], nodes.Node(level, pos >> level));
    ++count;
    pos += width;
  }
  Hash hash = parts[count - 1];
  for (int i = count - 2; i >= 0; --i) hash = NodeHash(parts[i], hash);
  return hash;
}

// Appends to `proof` the path from node (from_level, leaf >> from_level) to
// the root of the tree of `size` leaves: the inclusion proof of that node.
// REQUIRES: leaf < size, and leaf is a multiple of 2^from_level.
absl::Status AppendPath(const NodeReader& nodes, uint64_t leaf, int from_level,
                        uint64_t size, std::vector<Hash>* proof) {
  // Below level `inner` the path to `leaf` and the path to the last leaf run
  // apart, so siblings there are complete perfect nodes, except the one at
  // level inner - 1: it holds the last leaf and may be an incomplete right
  // edge, which is combined from perfect nodes. From `inner` up, `leaf` is on
  // the right edge: a node there has a (complete) left sibling or none.
  const int inner = BitLength(leaf ^ (size - 1));
  for (int level = from_level; level < inner; ++level) {
    const uint64_t sibling = (leaf >> level) ^ 1;
    Hash hash;
    if (level < inner - 1) {
      ASSIGN_OR_RETURN(hash, nodes.Node(level, sibling));
    } else {
      ASSIGN_OR_RETURN(hash, RangeHash(nodes, sibling << level, size));
    }
    proof->push_back(hash);
  }
  for (int level = std::max(inner, from_level); level < 64; ++level) {
    const uint64_t node = leaf >> level;
    if (node == 0) break;
    if ((node & 1) != 0) {
      ASSIGN_OR_RETURN(Hash hash, nodes.Node(level, node ^ 1));
      proof->push_back(hash);
    }
  }
  return absl::OkStatus();
}

// The number of hashes InclusionProof(index, size) returns.
// REQUIRES: index < size.
size_t InclusionProofLength(uint64_t index, uint64_t size) {
  const int inner = BitLength(index ^ (size - 1));
  return inner + (inner < 64 ? PopCount(index >> inner) : 0);
}

// The number of hashes ConsistencyProof(old_size, new_size) returns.
// REQUIRES: 0 < old_size < new_size.
size_t ConsistencyProofLength(uint64_t old_size, uint64_t new_size) {
  const int level = TrailingZeros(old_size);
  const int inner = BitLength((old_size - 1) ^ (new_size - 1));
  return (IsPowerOfTwo(old_size) ? 0 : 1) + (inner - level) +
         (inner < 64 ? PopCount((old_size - 1) >> inner) : 0);
}

}  // namespace

Hash Sha256(absl::string_view data) { return Digest({data}); }

Hash LeafHash(absl::string_view leaf) {
  static constexpr char kLeafPrefix[1] = {0x00};
  return Digest({absl::string_view(kLeafPrefix, 1), leaf});
}

Hash NodeHash(const Hash& left, const Hash& right) {
  static constexpr char kNodePrefix[1] = {0x01};
  return Digest({absl::string_view(kNodePrefix, 1), View(left), View(right)});
}

Hash EmptyRoot() {
  static const Hash empty = Sha256("");
  return empty;
}

std::string HashBytes(const Hash& h) { return std::string(View(h)); }

absl::StatusOr<Hash> HashFromBytes(absl::string_view bytes) {
  Hash h;
  if (bytes.size() != h.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "a hash is ", h.size(), " bytes long, not ", bytes.size()));
  }
  std::copy(bytes.begin(), bytes.end(), h.begin());
  return h;
}

std::string HashHex(const Hash& h) { return absl::BytesToHexString(View(h)); }

absl::StatusOr<Hash> RootHash(const NodeReader& nodes, uint64_t size) {
  if (size == 0) return EmptyRoot();
  return RangeHash(nodes, 0, size);
}

absl::StatusOr<std::vector<Hash>> InclusionProof(const NodeReader& nodes,
                                                 uint64_t index,
                                                 uint64_t size) {
  if (index >= size) {
    return absl::InvalidArgumentError(
        absl::StrCat("leaf ", index, " is not in a tree of ", size, " leaves"));
  }
  std::vector<Hash> proof;
  proof.reserve(InclusionProofLength(index, size));
  RETURN_IF_ERROR(AppendPath(nodes, index, 0, size, &proof));
  return proof;
}

absl::StatusOr<std::vector<Hash>> ConsistencyProof(const NodeReader& nodes,
                                                   uint64_t old_size,
                                                   uint64_t new_size) {
  if (old_size > new_size) {
    return absl::InvalidArgumentError(
        absl::StrCat("old tree size ", old_size,
                     " is larger than new tree size ", new_size));
  }
  std::vector<Hash> proof;
  if (old_size == new_size || old_size == 0) return proof;
  proof.reserve(ConsistencyProofLength(old_size, new_size));
  // Node (level, index) is the last perfect subtree of the old tree, ending at
  // old_size. The proof is its inclusion proof in the new tree, led by the
  // node itself unless it is the whole old tree, whose root the verifier has.
  const int level = TrailingZeros(old_size);
  const uint64_t index = (old_size - 1) >> level;
  if (index != 0) {
    ASSIGN_OR_RETURN(Hash hash, nodes.Node(level, index));
    proof.push_back(hash);
  }
  RETURN_IF_ERROR(AppendPath(nodes, index << level, level, new_size, &proof));
  return proof;
}

absl::Status VerifyInclusion(const Hash& leaf_hash, uint64_t index,
                             uint64_t size, const std::vector<Hash>& proof,
                             const Hash& root) {
  if (index >= size) {
    return absl::InvalidArgumentError(
        absl::StrCat("leaf ", index, " is not in a tree of ", size, " leaves"));
  }
  const size_t want = InclusionProofLength(index, size);
  if (proof.size() != want) {
    return absl::InvalidArgumentError(absl::StrCat(
        "inclusion proof for leaf ", index, " in a tree of ", size,
        " leaves has ", proof.size(), " hashes; it should have ", want));
  }
  // RFC 9162 §2.1.3.2: fn walks up from the leaf, sn from the last leaf.
  uint64_t fn = index;
  uint64_t sn = size - 1;
  Hash r = leaf_hash;
  for (const Hash& p : proof) {
    if (sn == 0) {  // Unreachable after the length check; kept as in the RFC.
      return absl::InvalidArgumentError("inclusion proof is too long");
    }
    if ((fn & 1) != 0 || fn == sn) {
      r = NodeHash(p, r);
      while ((fn & 1) == 0 && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      r = NodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0)
    return absl::InvalidArgumentError("inclusion proof is too short");
  if (r != root) {
    return absl::DataLossError(
        absl::StrCat("inclusion proof for leaf ", index, " in a tree of ", size,
                     " leaves leads to root ", HashHex(r),
                     ", not to the expected root ", HashHex(root)));
  }
  return absl::OkStatus();
}

absl::Status VerifyConsistency(uint64_t old_size, uint64_t new_size,
                               const Hash& old_root, const Hash& new_root,
                               const std::vector<Hash>& proof) {
  if (old_size > new_size) {
    return absl::InvalidArgumentError(
        absl::StrCat("old tree size ", old_size,
                     " is larger than new tree size ", new_size));
  }
  if (old_size == new_size || old_size == 0) {
    if (!proof.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "consistency proof from ", old_size, " to ", new_size,
          " leaves should be empty but has ", proof.size(), " hashes"));
    }
    // Any tree extends the empty tree, but a root claimed for it must be the
    // empty root, or a checkpoint of size 0 could carry any hash.
    if (old_size == 0 && old_root != EmptyRoot()) {
      return absl::DataLossError(
          absl::StrCat("old root ", HashHex(old_root),
                       " of an empty tree is not the empty-tree hash ",
                       HashHex(EmptyRoot())));
    }
    if (old_size == new_size && old_root != new_root) {
      return absl::DataLossError(absl::StrCat(
          "two trees of ", old_size, " leaves have different roots: old ",
          HashHex(old_root), ", new ", HashHex(new_root)));
    }
    return absl::OkStatus();
  }
  const size_t want = ConsistencyProofLength(old_size, new_size);
  if (proof.size() != want) {
    return absl::InvalidArgumentError(absl::StrCat(
        "consistency proof from ", old_size, " to ", new_size, " leaves has ",
        proof.size(), " hashes; it should have ", want));
  }
  // RFC 9162 §2.1.4.2. When old_size is a power of two the old root is the
  // first node of the path; the RFC prepends it to the proof, we start from it.
  size_t next = 0;
  Hash fr = IsPowerOfTwo(old_size) ? old_root : proof[next++];
  Hash sr = fr;
  uint64_t fn = old_size - 1;
  uint64_t sn = new_size - 1;
  while ((fn & 1) != 0) {
    fn >>= 1;
    sn >>= 1;
  }
  for (; next < proof.size(); ++next) {
    const Hash& c = proof[next];
    if (sn == 0) {  // Unreachable after the length check; kept as in the RFC.
      return absl::InvalidArgumentError("consistency proof is too long");
    }
    if ((fn & 1) != 0 || fn == sn) {
      fr = NodeHash(c, fr);
      sr = NodeHash(c, sr);
      while ((fn & 1) == 0 && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      sr = NodeHash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) {
    return absl::InvalidArgumentError("consistency proof is too short");
  }
  if (fr != old_root) {
    return absl::DataLossError(
        absl::StrCat("consistency proof from ", old_size, " to ", new_size,
                     " leaves leads to old root ", HashHex(fr),
                     ", not to the expected old root ", HashHex(old_root)));
  }
  if (sr != new_root) {
    return absl::DataLossError(
        absl::StrCat("consistency proof from ", old_size, " to ", new_size,
                     " leaves leads to new root ", HashHex(sr),
                     ", not to the expected new root ", HashHex(new_root)));
  }
  return absl::OkStatus();
}

absl::StatusOr<CompactRange> CompactRange::Load(const NodeReader& nodes,
                                                uint64_t size) {
  CompactRange range;
  range.hashes_.reserve(PopCount(size));
  uint64_t pos = 0;
  for (int level = 63; level >= 0; --level) {
    if (((size >> level) & 1) == 0) continue;
    ASSIGN_OR_RETURN(Hash hash, nodes.Node(level, pos >> level));
    range.hashes_.push_back(hash);
    pos += uint64_t{1} << level;
  }
  range.size_ = size;
  return range;
}

void CompactRange::Append(
    const Hash& leaf_hash,
    absl::FunctionRef<void(int level, uint64_t index, const Hash& hash)>
        on_node) {
  on_node(0, size_, leaf_hash);
  // Each set low bit of the index is a complete left sibling at the back of
  // hashes_ waiting for this node: merge them bottom up, like a binary carry.
  Hash hash = leaf_hash;
  uint64_t index = size_;
  int level = 0;
  while ((index & 1) != 0) {
    hash = NodeHash(hashes_.back(), hash);
    hashes_.pop_back();
    index >>= 1;
    ++level;
    on_node(level, index, hash);
  }
  hashes_.push_back(hash);
  ++size_;
}

Hash CompactRange::Root() const {
  if (hashes_.empty()) return EmptyRoot();
  Hash hash = hashes_.back();
  for (size_t i = hashes_.size() - 1; i-- > 0;) {
    hash = NodeHash(hashes_[i], hash);
  }
  return hash;
}

void MemoryTree::Append(const Hash& leaf_hash) {
  if (levels_.empty()) levels_.emplace_back();
  levels_[0].push_back(leaf_hash);
  for (size_t level = 0; levels_[level].size() % 2 == 0; ++level) {
    if (level + 1 == levels_.size()) levels_.emplace_back();
    const std::vector<Hash>& row = levels_[level];
    levels_[level + 1].push_back(NodeHash(row[row.size() - 2], row.back()));
  }
}

uint64_t MemoryTree::size() const {
  return levels_.empty() ? 0 : levels_[0].size();
}

Hash MemoryTree::Root() const {
  absl::StatusOr<Hash> root = RootHash(*this, size());
  HUB_CHECK(root.ok());  // Every node RootHash reads is complete.
  return *root;
}

absl::StatusOr<Hash> MemoryTree::Node(int level, uint64_t index) const {
  if (level < 0 || static_cast<size_t>(level) >= levels_.size() ||
      index >= levels_[level].size()) {
    return absl::OutOfRangeError(
        absl::StrCat("Merkle node at level ", level, ", index ", index,
                     " is not complete in a tree of ", size(), " leaves"));
  }
  return levels_[level][index];
}

}  // namespace hub::audit
