#include "hub/audit/merkle.h"

#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hub::audit {
namespace {

using ::testing::_;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::UnorderedElementsAreArray;

// ---------------------------------------------------------------------------
// Known answers. Every hex value below is copied from a published source, not
// computed by this code:
//   [CT]  google/certificate-transparency cpp/merkletree/merkle_tree_test.cc
//         (kInputs, kSHA256Roots, kSHA256Paths, kSHA256Proofs)
//   [TD]  transparency-dev/merkle (Trillian's Merkle library):
//         testonly/constants.go (LeafInputs, NodeHashes, RootHashes,
//         CompactTrees, EmptyRootHash), proof/verify_test.go
//         (inclusionProofs, consistencyProofs incl. {6, 7}),
//         rfc6962/rfc6962_test.go (leaf hash of "L123456"),
//         proof/proof_test.go (which node IDs a proof is made of).
//   [FIPS] FIPS 180-2 appendix B.1, SHA-256("abc").
// ---------------------------------------------------------------------------

// The eight leaf inputs of the reference tree, hex encoded [CT][TD].
constexpr const char* kLeafInputsHex[8] = {
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
};

// SHA-256("") [CT][TD].
constexpr char kEmptyRootHex[] =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// The root of the tree of the first n leaf inputs, at [n - 1] [CT][TD].
constexpr const char* kRootsHex[8] = {
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

// Every perfect node of the 8-leaf tree, by level then index [TD NodeHashes].
const std::vector<std::vector<std::string>> kNodeHashesHex = {
    {
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
        "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
        "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
        "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
    },
    {
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
    },
    {
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    },
    {
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    },
};

struct InclusionVector {
  uint64_t index;  // 0-based. The sources number leaves from 1.
  uint64_t size;
  std::vector<std::string> proof_hex;
};

// [CT kSHA256Paths][TD inclusionProofs], leaf numbers made 0-based. Their
// {0, 0} entry is an invalid request, tested with the must-fail cases.
const std::vector<InclusionVector> kInclusionVectors = {
    {0, 1, {}},
    {0,
     8,
     {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
    {5,
     8,
     {"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
    {2,
     3,
     {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}},
    {1,
     5,
     {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
};

struct ConsistencyVector {
  uint64_t old_size;
  uint64_t new_size;
  std::vector<std::string> proof_hex;
};

// [CT kSHA256Proofs][TD consistencyProofs].
const std::vector<ConsistencyVector> kConsistencyVectors = {
    {1, 1, {}},
    {1,
     8,
     {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
    {6,
     8,
     {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
    {2,
     5,
     {"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
    {6,
     7,
     {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
};

// ---------------------------------------------------------------------------
// Helpers.
// ---------------------------------------------------------------------------

Hash H(absl::string_view hex) {
  absl::StatusOr<Hash> h = HashFromBytes(absl::HexStringToBytes(hex));
  EXPECT_THAT(h, IsOk()) << hex;
  return h.value_or(Hash{});
}

std::vector<Hash> Hashes(const std::vector<std::string>& hex) {
  std::vector<Hash> out;
  for (const std::string& h : hex) out.push_back(H(h));
  return out;
}

Hash RootForSize(uint64_t size) {
  return size == 0 ? H(kEmptyRootHex) : H(kRootsHex[size - 1]);
}

// The MemoryTree of the first `size` reference leaf inputs.
MemoryTree ReferenceTree(int size = 8) {
  MemoryTree tree;
  for (int i = 0; i < size; ++i) {
    tree.Append(LeafHash(absl::HexStringToBytes(kLeafInputsHex[i])));
  }
  return tree;
}

// Leaf hashes for the property tests.
std::vector<Hash> GeneratedLeaves(int count) {
  std::vector<Hash> leaves;
  for (int i = 0; i < count; ++i) {
    leaves.push_back(LeafHash(absl::StrCat("entry ", i)));
  }
  return leaves;
}

MemoryTree TreeOf(const std::vector<Hash>& leaves) {
  MemoryTree tree;
  for (const Hash& leaf : leaves) tree.Append(leaf);
  return tree;
}

Hash Flipped(Hash h, int byte, uint8_t mask) {
  h[byte] ^= mask;
  return h;
}

// Reference implementations, written straight from the recursive definitions
// of RFC 6962 §2.1 over leaf hashes d[begin, end), to check the iterative code
// against at every small size.

uint64_t LargestPowerOfTwoBelow(uint64_t n) {  // REQUIRES: n >= 2.
  uint64_t k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

Hash RefMth(const std::vector<Hash>& d, uint64_t begin, uint64_t end) {
  const uint64_t n = end - begin;
  if (n == 0) return EmptyRoot();
  if (n == 1) return d[begin];
  const uint64_t k = LargestPowerOfTwoBelow(n);
  return NodeHash(RefMth(d, begin, begin + k), RefMth(d, begin + k, end));
}

// PATH(m, D[begin:end]).
std::vector<Hash> RefPath(const std::vector<Hash>& d, uint64_t m,
                          uint64_t begin, uint64_t end) {
  const uint64_t n = end - begin;
  if (n == 1) return {};
  const uint64_t k = LargestPowerOfTwoBelow(n);
  std::vector<Hash> path;
  if (m < k) {
    path = RefPath(d, m, begin, begin + k);
    path.push_back(RefMth(d, begin + k, end));
  } else {
    path = RefPath(d, m - k, begin + k, end);
    path.push_back(RefMth(d, begin, begin + k));
  }
  return path;
}

// SUBPROOF(m, D[begin:end], b).
std::vector<Hash> RefSubproof(const std::vector<Hash>& d, uint64_t m,
                              uint64_t begin, uint64_t end, bool b) {
  const uint64_t n = end - begin;
  if (m == n) {
    if (b) return {};
    return {RefMth(d, begin, end)};
  }
  const uint64_t k = LargestPowerOfTwoBelow(n);
  std::vector<Hash> proof;
  if (m <= k) {
    proof = RefSubproof(d, m, begin, begin + k, b);
    proof.push_back(RefMth(d, begin + k, end));
  } else {
    proof = RefSubproof(d, m - k, begin + k, end, false);
    proof.push_back(RefMth(d, begin, begin + k));
  }
  return proof;
}

std::vector<Hash> RefProof(const std::vector<Hash>& d, uint64_t m, uint64_t n) {
  if (m == 0 || m == n) return {};
  return RefSubproof(d, m, 0, n, true);
}

// Serves the nodes of `tree` that lie within its first `limit` leaves and
// counts the reads. Proof code must ask only for complete nodes of the tree
// size it is given, so a read past the limit fails the test.
class PrefixReader final : public NodeReader {
 public:
  // `tree` must outlive this reader.
  PrefixReader(const NodeReader* tree, uint64_t limit)
      : tree_(tree), limit_(limit) {}

  absl::StatusOr<Hash> Node(int level, uint64_t index) const override {
    ++reads_;
    if (level < 0 || level > 63 || index >= (limit_ >> level)) {
      ADD_FAILURE() << "read of node (" << level << ", " << index
                    << "), which is not complete in a tree of " << limit_
                    << " leaves";
      return absl::OutOfRangeError("past the limit");
    }
    return tree_->Node(level, index);
  }

  int reads() const { return reads_; }

 private:
  const NodeReader* const tree_;
  const uint64_t limit_;
  mutable int reads_ = 0;
};

// Records which nodes are read, and the hashes returned, in order.
class RecordingReader final : public NodeReader {
 public:
  // `tree` must outlive this reader.
  explicit RecordingReader(const NodeReader* tree) : tree_(tree) {}

  absl::StatusOr<Hash> Node(int level, uint64_t index) const override {
    absl::StatusOr<Hash> hash = tree_->Node(level, index);
    ids_.emplace_back(level, index);
    if (hash.ok()) hashes_.push_back(*hash);
    return hash;
  }

  const std::vector<std::pair<int, uint64_t>>& ids() const { return ids_; }
  const std::vector<Hash>& hashes() const { return hashes_; }

 private:
  const NodeReader* const tree_;
  mutable std::vector<std::pair<int, uint64_t>> ids_;
  mutable std::vector<Hash> hashes_;
};

// A tree of any size up to 2^64 - 1 whose leaves all have the same hash, so
// every perfect node of a level has the same hash too. Proofs of huge trees
// can be made and checked without storing them. Counts reads, and fails the
// test on a read of an incomplete node.
class UniformTree final : public NodeReader {
 public:
  explicit UniformTree(uint64_t size) : size_(size) {
    level_hash_[0] = LeafHash("the same leaf");
    for (int level = 1; level < 64; ++level) {
      level_hash_[level] =
          NodeHash(level_hash_[level - 1], level_hash_[level - 1]);
    }
  }

  absl::StatusOr<Hash> Node(int level, uint64_t index) const override {
    ++reads_;
    if (level < 0 || level > 63 || index >= (size_ >> level)) {
      ADD_FAILURE() << "read of node (" << level << ", " << index
                    << "), which is not complete in a tree of " << size_
                    << " leaves";
      return absl::OutOfRangeError("not complete");
    }
    return level_hash_[level];
  }

  const Hash& leaf_hash() const { return level_hash_[0]; }
  int reads() const { return reads_; }
  void reset_reads() { reads_ = 0; }

 private:
  const uint64_t size_;
  Hash level_hash_[64];
  mutable int reads_ = 0;
};

// Fails every read, as a store that cannot be reached would.
class FailingReader final : public NodeReader {
 public:
  absl::StatusOr<Hash> Node(int, uint64_t) const override {
    return absl::UnavailableError("store is down");
  }
};

int BitLength(uint64_t x) {
  int n = 0;
  for (; x != 0; x >>= 1) ++n;
  return n;
}

// Trillian's (and CT's) ways to spoil a good inclusion proof; each must be
// rejected. The probes are checked by ExpectInclusionProbesFail.
void ExpectInclusionProbesFail(const Hash& leaf_hash, uint64_t index,
                               uint64_t size, const std::vector<Hash>& proof,
                               const Hash& root) {
  struct Probe {
    uint64_t index;
    uint64_t size;
    Hash leaf_hash;
    std::vector<Hash> proof;
    Hash root;
    std::string desc;
  };
  const Hash some_hash =
      H("abacaba000000000000000000000000000000000000000000060061e00123456");
  const Hash zero_hash{};
  auto with_back = [&](const Hash& h) {
    std::vector<Hash> p = proof;
    p.push_back(h);
    return p;
  };
  auto with_front = [&](const Hash& h) {
    std::vector<Hash> p = {h};
    p.insert(p.end(), proof.begin(), proof.end());
    return p;
  };
  std::vector<Probe> probes = {
      {index - 1, size, leaf_hash, proof, root, "index - 1"},
      {index + 1, size, leaf_hash, proof, root, "index + 1"},
      {index ^ 2, size, leaf_hash, proof, root, "index ^ 2"},
      {index, size * 2, leaf_hash, proof, root, "size * 2"},
      {index, size / 2, leaf_hash, proof, root, "size / 2"},
      {index, size, LeafHash("WrongLeaf"), proof, root, "wrong leaf"},
      {index, size, leaf_hash, proof, EmptyRoot(), "empty root"},
      {index, size, leaf_hash, proof, some_hash, "random root"},
      {index, size, leaf_hash, with_back(zero_hash), root, "trailing zeros"},
      {index, size, leaf_hash, with_back(root), root, "trailing root"},
      {index, size, leaf_hash, with_front(zero_hash), root, "leading zeros"},
      {index, size, leaf_hash, with_front(root), root, "leading root"},
  };
  for (size_t i = 0; i < proof.size(); ++i) {
    std::vector<Hash> p = proof;
    p[i] = Flipped(p[i], 0, 8);
    probes.push_back({index, size, leaf_hash, p, root,
                      absl::StrCat("flipped proof[", i, "]")});
  }
  if (!proof.empty()) {
    probes.push_back({index, size, leaf_hash,
                      std::vector<Hash>(proof.begin(), proof.end() - 1), root,
                      "removed last hash"});
  }
  if (proof.size() > 1) {
    std::vector<Hash> p = {proof[0], some_hash};
    p.insert(p.end(), proof.begin() + 1, proof.end());
    probes.push_back({index, size, leaf_hash, p, root, "inserted hash"});
  }
  for (const Probe& p : probes) {
    EXPECT_THAT(VerifyInclusion(p.leaf_hash, p.index, p.size, p.proof, p.root),
                Not(IsOk()))
        << p.desc << " (leaf " << index << ", size " << size << ")";
  }
}

// The same for consistency proofs; only meaningful for a non-empty proof.
void ExpectConsistencyProbesFail(uint64_t old_size, uint64_t new_size,
                                 const Hash& old_root, const Hash& new_root,
                                 const std::vector<Hash>& proof) {
  struct Probe {
    uint64_t old_size;
    uint64_t new_size;
    Hash old_root;
    Hash new_root;
    std::vector<Hash> proof;
    std::string desc;
  };
  const Hash wrong_root = Sha256("WrongRoot");
  const Hash zero_hash{};
  auto with_back = [&](const Hash& h) {
    std::vector<Hash> p = proof;
    p.push_back(h);
    return p;
  };
  auto with_front = [&](const Hash& h) {
    std::vector<Hash> p = {h};
    p.insert(p.end(), proof.begin(), proof.end());
    return p;
  };
  std::vector<Probe> probes = {
      {old_size - 1, new_size, old_root, new_root, proof, "old_size - 1"},
      {old_size + 1, new_size, old_root, new_root, proof, "old_size + 1"},
      {old_size ^ 2, new_size, old_root, new_root, proof, "old_size ^ 2"},
      {old_size, new_size * 2, old_root, new_root, proof, "new_size * 2"},
      {old_size, new_size / 2, old_root, new_root, proof, "new_size / 2"},
      {old_size, new_size, wrong_root, new_root, proof, "wrong old root"},
      {old_size, new_size, old_root, wrong_root, proof, "wrong new root"},
      {old_size, new_size, new_root, old_root, proof, "swapped roots"},
      {old_size, new_size, old_root, new_root, {}, "empty proof"},
      {old_size, new_size, old_root, new_root, with_back(zero_hash),
       "trailing zeros"},
      {old_size, new_size, old_root, new_root, with_back(old_root),
       "trailing old root"},
      {old_size, new_size, old_root, new_root, with_back(new_root),
       "trailing new root"},
      {old_size, new_size, old_root, new_root, with_front(zero_hash),
       "leading zeros"},
      {old_size, new_size, old_root, new_root, with_front(old_root),
       "leading old root"},
      {old_size, new_size, old_root, new_root, with_front(new_root),
       "leading new root"},
      {old_size, new_size, old_root, new_root, with_front(proof[0]),
       "leading proof[0]"},
      {old_size, new_size, old_root, new_root,
       std::vector<Hash>(proof.begin(), proof.end() - 1), "truncated"},
  };
  for (size_t i = 0; i < proof.size(); ++i) {
    std::vector<Hash> p = proof;
    p[i] = Flipped(p[i], 0, 16);
    probes.push_back({old_size, new_size, old_root, new_root, p,
                      absl::StrCat("flipped proof[", i, "]")});
  }
  for (const Probe& p : probes) {
    EXPECT_THAT(VerifyConsistency(p.old_size, p.new_size, p.old_root,
                                  p.new_root, p.proof),
                Not(IsOk()))
        << p.desc << " (sizes " << old_size << " -> " << new_size << ")";
  }
}

// ---------------------------------------------------------------------------
// Hashing.
// ---------------------------------------------------------------------------

TEST(MerkleHashTest, KnownAnswers) {
  EXPECT_EQ(HashHex(Sha256("abc")),  // [FIPS]
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(HashHex(Sha256("")), kEmptyRootHex);
  EXPECT_EQ(EmptyRoot(), H(kEmptyRootHex));
  // [TD rfc6962_test.go]: the empty leaf is not the empty tree.
  EXPECT_EQ(HashHex(LeafHash("")),
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
  EXPECT_EQ(HashHex(LeafHash("L123456")),
            "395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56");
  // Parent of the first two leaves of the reference tree [TD NodeHashes].
  EXPECT_EQ(NodeHash(H(kNodeHashesHex[0][0]), H(kNodeHashesHex[0][1])),
            H(kNodeHashesHex[1][0]));
}

TEST(MerkleHashTest, DomainSeparation) {
  const Hash a = LeafHash("Hello");
  const Hash b = LeafHash("World");
  EXPECT_NE(a, b);
  EXPECT_NE(NodeHash(a, b), NodeHash(b, a));
  // A node is not the leaf hash of its children's concatenation.
  EXPECT_NE(NodeHash(a, b), LeafHash(HashBytes(a) + HashBytes(b)));
  EXPECT_NE(LeafHash(""), EmptyRoot());
}

TEST(MerkleHashTest, BytesAndHex) {
  const Hash h = H(kRootsHex[7]);
  const std::string bytes = HashBytes(h);
  EXPECT_EQ(bytes.size(), 32u);
  EXPECT_EQ(absl::BytesToHexString(bytes), kRootsHex[7]);
  EXPECT_EQ(HashHex(h), kRootsHex[7]);
  absl::StatusOr<Hash> parsed = HashFromBytes(bytes);
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(*parsed, h);

  EXPECT_EQ(HashHex(Hash{}), std::string(64, '0'));
  Hash ab;
  ab.fill(0xAB);
  std::string want;
  for (int i = 0; i < 32; ++i) want += "ab";
  EXPECT_EQ(HashHex(ab), want);
}

TEST(MerkleHashTest, HashFromBytesRejectsWrongLength) {
  for (size_t length : {0, 1, 31, 33, 64}) {
    EXPECT_THAT(HashFromBytes(std::string(length, 'x')),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr(absl::StrCat("not ", length))));
  }
}

// ---------------------------------------------------------------------------
// Known-answer trees and proofs.
// ---------------------------------------------------------------------------

TEST(MerkleVectorTest, RootsOfEverySize) {
  MemoryTree tree;
  CompactRange range;
  EXPECT_EQ(tree.Root(), H(kEmptyRootHex));
  EXPECT_EQ(range.Root(), H(kEmptyRootHex));
  for (int n = 1; n <= 8; ++n) {
    const Hash leaf = LeafHash(absl::HexStringToBytes(kLeafInputsHex[n - 1]));
    tree.Append(leaf);
    range.Append(leaf, [](int, uint64_t, const Hash&) {});
    EXPECT_EQ(tree.size(), static_cast<uint64_t>(n));
    EXPECT_EQ(range.size(), static_cast<uint64_t>(n));
    EXPECT_EQ(HashHex(tree.Root()), kRootsHex[n - 1]) << "size " << n;
    EXPECT_EQ(HashHex(range.Root()), kRootsHex[n - 1]) << "size " << n;
  }
  // Every smaller tree's root, read from the full tree.
  for (uint64_t n = 0; n <= 8; ++n) {
    absl::StatusOr<Hash> root = RootHash(tree, n);
    ASSERT_THAT(root, IsOk());
    EXPECT_EQ(*root, RootForSize(n)) << "size " << n;
  }
}

TEST(MerkleVectorTest, EveryPerfectNode) {
  const MemoryTree tree = ReferenceTree();
  for (size_t level = 0; level < kNodeHashesHex.size(); ++level) {
    for (size_t index = 0; index < kNodeHashesHex[level].size(); ++index) {
      absl::StatusOr<Hash> node = tree.Node(level, index);
      ASSERT_THAT(node, IsOk());
      EXPECT_EQ(HashHex(*node), kNodeHashesHex[level][index])
          << "level " << level << " index " << index;
    }
    EXPECT_THAT(tree.Node(level, kNodeHashesHex[level].size()),
                StatusIs(absl::StatusCode::kOutOfRange, HasSubstr("level")));
  }
  EXPECT_THAT(tree.Node(4, 0), StatusIs(absl::StatusCode::kOutOfRange, _));
  EXPECT_THAT(tree.Node(-1, 0), StatusIs(absl::StatusCode::kOutOfRange, _));
}

TEST(MerkleVectorTest, IncompleteNodesAreOutOfRange) {
  const MemoryTree tree = ReferenceTree(7);
  EXPECT_THAT(tree.Node(0, 6), IsOk());
  EXPECT_THAT(tree.Node(0, 7), StatusIs(absl::StatusCode::kOutOfRange, _));
  EXPECT_THAT(tree.Node(1, 2), IsOk());
  EXPECT_THAT(tree.Node(1, 3), StatusIs(absl::StatusCode::kOutOfRange, _));
  EXPECT_THAT(tree.Node(2, 1), StatusIs(absl::StatusCode::kOutOfRange, _));
  EXPECT_THAT(tree.Node(3, 0), StatusIs(absl::StatusCode::kOutOfRange, _));
}

// [TD CompactTrees]: the perfect subtrees making up each size, largest first.
TEST(MerkleVectorTest, CompactRangeLoadReadsTheRightEdge) {
  const MemoryTree tree = ReferenceTree();
  const std::vector<std::vector<std::pair<int, int>>> edges = {
      {},       {{0, 0}},         {{1, 0}},         {{1, 0}, {0, 2}},
      {{2, 0}}, {{2, 0}, {0, 4}}, {{2, 0}, {1, 2}}, {{2, 0}, {1, 2}, {0, 6}},
      {{3, 0}},
  };
  for (uint64_t size = 0; size <= 8; ++size) {
    RecordingReader reader(&tree);
    absl::StatusOr<CompactRange> range = CompactRange::Load(reader, size);
    ASSERT_THAT(range, IsOk());
    std::vector<Hash> want;
    for (const auto& [level, index] : edges[size]) {
      want.push_back(H(kNodeHashesHex[level][index]));
    }
    EXPECT_EQ(reader.hashes(), want) << "size " << size;
    EXPECT_EQ(range->size(), size);
    EXPECT_EQ(range->Root(), RootForSize(size));
  }
}

TEST(MerkleVectorTest, InclusionProofs) {
  const MemoryTree tree = ReferenceTree();
  for (const InclusionVector& v : kInclusionVectors) {
    SCOPED_TRACE(absl::StrCat("leaf ", v.index, " of ", v.size));
    const std::vector<Hash> want = Hashes(v.proof_hex);
    absl::StatusOr<std::vector<Hash>> proof =
        InclusionProof(tree, v.index, v.size);
    ASSERT_THAT(proof, IsOk());
    EXPECT_EQ(*proof, want);
    const Hash leaf = LeafHash(absl::HexStringToBytes(kLeafInputsHex[v.index]));
    EXPECT_THAT(
        VerifyInclusion(leaf, v.index, v.size, want, RootForSize(v.size)),
        IsOk());
    ExpectInclusionProbesFail(leaf, v.index, v.size, want, RootForSize(v.size));
  }
}

TEST(MerkleVectorTest, ConsistencyProofs) {
  const MemoryTree tree = ReferenceTree();
  for (const ConsistencyVector& v : kConsistencyVectors) {
    SCOPED_TRACE(absl::StrCat("sizes ", v.old_size, " -> ", v.new_size));
    const std::vector<Hash> want = Hashes(v.proof_hex);
    absl::StatusOr<std::vector<Hash>> proof =
        ConsistencyProof(tree, v.old_size, v.new_size);
    ASSERT_THAT(proof, IsOk());
    EXPECT_EQ(*proof, want);
    EXPECT_THAT(
        VerifyConsistency(v.old_size, v.new_size, RootForSize(v.old_size),
                          RootForSize(v.new_size), want),
        IsOk());
    if (!want.empty()) {
      ExpectConsistencyProbesFail(v.old_size, v.new_size,
                                  RootForSize(v.old_size),
                                  RootForSize(v.new_size), want);
    }
  }
}

// [TD proof/proof_test.go TestInclusion, TestConsistency]: which nodes a proof
// is made of. Trillian lists an incomplete right edge as the perfect nodes it
// is combined from, which are what we read, so compare as multisets.
TEST(MerkleVectorTest, ProofsReadTheNodesTrillianDoes) {
  using Ids = std::vector<std::pair<int, uint64_t>>;
  const MemoryTree tree = TreeOf(GeneratedLeaves(100));
  const std::vector<std::tuple<uint64_t, uint64_t, Ids>> inclusion = {
      {1, 0, {}},
      {2, 0, {{0, 1}}},
      {2, 1, {{0, 0}}},
      {3, 1, {{0, 0}, {0, 2}}},
      {7, 0, {{0, 1}, {1, 1}, {0, 6}, {1, 2}}},
      {7, 1, {{0, 0}, {1, 1}, {0, 6}, {1, 2}}},
      {7, 2, {{0, 3}, {1, 0}, {0, 6}, {1, 2}}},
      {7, 3, {{0, 2}, {1, 0}, {0, 6}, {1, 2}}},
      {7, 4, {{0, 5}, {0, 6}, {2, 0}}},
      {7, 5, {{0, 4}, {0, 6}, {2, 0}}},
      {7, 6, {{1, 2}, {2, 0}}},
      {4, 2, {{0, 3}, {1, 0}}},
      {5, 3, {{0, 2}, {1, 0}, {0, 4}}},
      {6, 3, {{0, 2}, {1, 0}, {1, 2}}},
      {6, 4, {{0, 5}, {2, 0}}},
      {15, 10, {{0, 11}, {1, 4}, {0, 14}, {1, 6}, {3, 0}}},
      {31, 24, {{0, 25}, {1, 13}, {0, 30}, {1, 14}, {3, 2}, {4, 0}}},
      {95,
       81,
       {{0, 80}, {1, 41}, {2, 21}, {0, 94}, {1, 46}, {2, 22}, {4, 4}, {6, 0}}},
  };
  for (const auto& [size, index, want] : inclusion) {
    RecordingReader reader(&tree);
    EXPECT_THAT(InclusionProof(reader, index, size), IsOk());
    EXPECT_THAT(reader.ids(), UnorderedElementsAreArray(want))
        << "leaf " << index << " of " << size;
  }
  const std::vector<std::tuple<uint64_t, uint64_t, Ids>> consistency = {
      {1, 2, {{0, 1}}},
      {1, 4, {{0, 1}, {1, 1}}},
      {1, 6, {{0, 1}, {1, 1}, {1, 2}}},
      {2, 3, {{0, 2}}},
      {2, 8, {{1, 1}, {2, 1}}},
      {3, 7, {{0, 2}, {0, 3}, {1, 0}, {0, 6}, {1, 2}}},
      {4, 7, {{0, 6}, {1, 2}}},
      {5, 7, {{0, 4}, {0, 5}, {0, 6}, {2, 0}}},
      {6, 7, {{1, 2}, {0, 6}, {2, 0}}},
      {7, 8, {{0, 6}, {0, 7}, {1, 2}, {2, 0}}},
      {1, 1, {}},
      {8, 8, {}},
      {2, 4, {{1, 1}}},
      {3, 5, {{0, 2}, {0, 3}, {1, 0}, {0, 4}}},
      {3, 6, {{0, 2}, {0, 3}, {1, 0}, {1, 2}}},
      {4, 6, {{1, 2}}},
      {1, 7, {{0, 1}, {1, 1}, {0, 6}, {1, 2}}},
      {10, 15, {{1, 4}, {1, 5}, {0, 14}, {1, 6}, {3, 0}}},
      {24, 31, {{3, 2}, {0, 30}, {1, 14}, {2, 6}, {4, 0}}},
      {81,
       95,
       {{0, 80},
        {0, 81},
        {1, 41},
        {2, 21},
        {0, 94},
        {1, 46},
        {2, 22},
        {4, 4},
        {6, 0}}},
  };
  for (const auto& [old_size, new_size, want] : consistency) {
    RecordingReader reader(&tree);
    EXPECT_THAT(ConsistencyProof(reader, old_size, new_size), IsOk());
    EXPECT_THAT(reader.ids(), UnorderedElementsAreArray(want))
        << "sizes " << old_size << " -> " << new_size;
  }
}

// ---------------------------------------------------------------------------
// Properties at every small size, against the RFC's recursive definitions.
// ---------------------------------------------------------------------------

constexpr int kMaxSize = 70;

TEST(MerklePropertyTest, RootsMatchTheDefinition) {
  const std::vector<Hash> leaves = GeneratedLeaves(kMaxSize);
  const MemoryTree full = TreeOf(leaves);
  MemoryTree tree;
  CompactRange range;
  for (uint64_t size = 0; size <= kMaxSize; ++size) {
    SCOPED_TRACE(absl::StrCat("size ", size));
    const Hash want = RefMth(leaves, 0, size);
    PrefixReader reader(&full, size);
    absl::StatusOr<Hash> root = RootHash(reader, size);
    ASSERT_THAT(root, IsOk());
    EXPECT_EQ(*root, want);
    EXPECT_LE(reader.reads(), BitLength(size));
    EXPECT_EQ(tree.Root(), want);
    EXPECT_EQ(range.Root(), want);
    EXPECT_EQ(range.size(), size);
    if (size < kMaxSize) {
      tree.Append(leaves[size]);
      range.Append(leaves[size], [](int, uint64_t, const Hash&) {});
    }
  }
}

TEST(MerklePropertyTest, InclusionProofsVerifyAtEverySize) {
  const std::vector<Hash> leaves = GeneratedLeaves(kMaxSize);
  const MemoryTree full = TreeOf(leaves);
  for (uint64_t size = 1; size <= kMaxSize; ++size) {
    const Hash root = RefMth(leaves, 0, size);
    for (uint64_t index = 0; index < size; ++index) {
      SCOPED_TRACE(absl::StrCat("leaf ", index, " of ", size));
      PrefixReader reader(&full, size);
      absl::StatusOr<std::vector<Hash>> proof =
          InclusionProof(reader, index, size);
      ASSERT_THAT(proof, IsOk());
      EXPECT_EQ(*proof, RefPath(leaves, index, 0, size));
      EXPECT_LE(reader.reads(), 2 * BitLength(size));
      EXPECT_THAT(VerifyInclusion(leaves[index], index, size, *proof, root),
                  IsOk());
      ExpectInclusionProbesFail(leaves[index], index, size, *proof, root);
    }
  }
}

TEST(MerklePropertyTest, ConsistencyProofsVerifyAtEverySize) {
  const std::vector<Hash> leaves = GeneratedLeaves(kMaxSize);
  const MemoryTree full = TreeOf(leaves);
  for (uint64_t new_size = 0; new_size <= kMaxSize; ++new_size) {
    const Hash new_root = RefMth(leaves, 0, new_size);
    for (uint64_t old_size = 0; old_size <= new_size; ++old_size) {
      SCOPED_TRACE(absl::StrCat("sizes ", old_size, " -> ", new_size));
      const Hash old_root = RefMth(leaves, 0, old_size);
      PrefixReader reader(&full, new_size);
      absl::StatusOr<std::vector<Hash>> proof =
          ConsistencyProof(reader, old_size, new_size);
      ASSERT_THAT(proof, IsOk());
      EXPECT_EQ(*proof, RefProof(leaves, old_size, new_size));
      EXPECT_LE(reader.reads(), 2 * BitLength(new_size) + 1);
      EXPECT_THAT(
          VerifyConsistency(old_size, new_size, old_root, new_root, *proof),
          IsOk());
      if (!proof->empty()) {
        ExpectConsistencyProbesFail(old_size, new_size, old_root, new_root,
                                    *proof);
      }
    }
  }
}

TEST(MerklePropertyTest, OnNodeEmitsExactlyTheTreesNodes) {
  const std::vector<Hash> leaves = GeneratedLeaves(kMaxSize);
  const MemoryTree tree = TreeOf(leaves);
  std::map<std::pair<int, uint64_t>, Hash> emitted;
  CompactRange range;
  for (const Hash& leaf : leaves) {
    int calls = 0;
    int last_level = -1;
    range.Append(leaf, [&](int level, uint64_t index, const Hash& hash) {
      EXPECT_EQ(level, last_level + 1) << "nodes must come bottom up";
      last_level = level;
      ++calls;
      EXPECT_TRUE(emitted.emplace(std::make_pair(level, index), hash).second)
          << "node (" << level << ", " << index << ") emitted twice";
    });
    EXPECT_GE(calls, 1);
  }
  std::map<std::pair<int, uint64_t>, Hash> all;
  for (int level = 0; (uint64_t{kMaxSize} >> level) != 0; ++level) {
    for (uint64_t index = 0; index < (uint64_t{kMaxSize} >> level); ++index) {
      absl::StatusOr<Hash> node = tree.Node(level, index);
      ASSERT_THAT(node, IsOk());
      all.emplace(std::make_pair(level, index), *node);
    }
    EXPECT_THAT(tree.Node(level, uint64_t{kMaxSize} >> level),
                StatusIs(absl::StatusCode::kOutOfRange, _));
  }
  EXPECT_EQ(emitted, all);
}

TEST(MerklePropertyTest, LoadThenAppendContinuesTheTree) {
  const std::vector<Hash> leaves = GeneratedLeaves(kMaxSize);
  const MemoryTree full = TreeOf(leaves);
  for (uint64_t start = 0; start <= kMaxSize; ++start) {
    SCOPED_TRACE(absl::StrCat("loaded at ", start));
    PrefixReader reader(&full, start);
    absl::StatusOr<CompactRange> range = CompactRange::Load(reader, start);
    ASSERT_THAT(range, IsOk());
    EXPECT_LE(reader.reads(), BitLength(start));
    EXPECT_EQ(range->size(), start);
    EXPECT_EQ(range->Root(), RefMth(leaves, 0, start));
    for (uint64_t size = start; size < kMaxSize; ++size) {
      range->Append(
          leaves[size], [&](int level, uint64_t index, const Hash& hash) {
            absl::StatusOr<Hash> want = full.Node(level, index);
            ASSERT_THAT(want, IsOk());
            EXPECT_EQ(hash, *want) << "node (" << level << ", " << index << ")";
          });
      EXPECT_EQ(range->size(), size + 1);
      EXPECT_EQ(range->Root(), RefMth(leaves, 0, size + 1));
    }
  }
}

// Proofs of huge trees: few reads, no overflow at the top of the uint64 range.
TEST(MerklePropertyTest, HugeTreesNeedFewReads) {
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  for (uint64_t size :
       {uint64_t{1000000}, uint64_t{1} << 20, (uint64_t{1} << 32) + 7,
        (uint64_t{1} << 63) + 5, kMax}) {
    UniformTree tree(size);
    absl::StatusOr<Hash> root = RootHash(tree, size);
    ASSERT_THAT(root, IsOk());
    for (uint64_t index :
         {uint64_t{0}, uint64_t{1}, size / 3, size / 2, size - 2, size - 1}) {
      SCOPED_TRACE(absl::StrCat("leaf ", index, " of ", size));
      tree.reset_reads();
      absl::StatusOr<std::vector<Hash>> proof =
          InclusionProof(tree, index, size);
      ASSERT_THAT(proof, IsOk());
      EXPECT_LE(tree.reads(), 2 * BitLength(size));
      EXPECT_THAT(VerifyInclusion(tree.leaf_hash(), index, size, *proof, *root),
                  IsOk());
    }
    for (uint64_t old_size :
         {uint64_t{1}, uint64_t{3}, size / 3, size / 2, size - 1}) {
      SCOPED_TRACE(absl::StrCat("sizes ", old_size, " -> ", size));
      absl::StatusOr<Hash> old_root = RootHash(tree, old_size);
      ASSERT_THAT(old_root, IsOk());
      tree.reset_reads();
      absl::StatusOr<std::vector<Hash>> proof =
          ConsistencyProof(tree, old_size, size);
      ASSERT_THAT(proof, IsOk());
      EXPECT_LE(tree.reads(), 2 * BitLength(size) + 1);
      EXPECT_THAT(VerifyConsistency(old_size, size, *old_root, *root, *proof),
                  IsOk());
    }
    absl::StatusOr<CompactRange> range = CompactRange::Load(tree, size);
    ASSERT_THAT(range, IsOk());
    EXPECT_EQ(range->Root(), *root);
  }
}

// ---------------------------------------------------------------------------
// Must-fail cases, with the error codes callers rely on.
// ---------------------------------------------------------------------------

class MerkleBadProofTest : public ::testing::Test {
 protected:
  const MemoryTree tree_ = ReferenceTree();
  const Hash leaf5_ = LeafHash(absl::HexStringToBytes(kLeafInputsHex[5]));
  const std::vector<Hash> inclusion5of8_ =
      Hashes(kInclusionVectors[2].proof_hex);
  const std::vector<Hash> consistency6to8_ =
      Hashes(kConsistencyVectors[2].proof_hex);
};

TEST_F(MerkleBadProofTest, IndexNotInTree) {
  EXPECT_THAT(VerifyInclusion(leaf5_, 8, 8, inclusion5of8_, RootForSize(8)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("leaf 8 is not in a tree of 8 leaves")));
  EXPECT_THAT(VerifyInclusion(leaf5_, 0, 0, {}, EmptyRoot()),
              StatusIs(absl::StatusCode::kInvalidArgument, _));
  EXPECT_THAT(InclusionProof(tree_, 8, 8),
              StatusIs(absl::StatusCode::kInvalidArgument, _));
  EXPECT_THAT(InclusionProof(tree_, 0, 0),
              StatusIs(absl::StatusCode::kInvalidArgument, _));
  // [TD TestVerifyInclusion]: a leaf hash that is not the root, for invalid
  // positions and for the one-leaf tree.
  const Hash some_hash =
      H("abacaba000000000000000000000000000000000000000000060061e00123456");
  for (const auto& [index, size] : std::vector<std::pair<uint64_t, uint64_t>>{
           {0, 0}, {0, 1}, {1, 0}, {2, 1}}) {
    EXPECT_THAT(VerifyInclusion(some_hash, index, size, {}, EmptyRoot()),
                Not(IsOk()))
        << index << " of " << size;
  }
}

// [TD TestVerifyInclusionSingleEntry]: in a one-leaf tree the root is the leaf
// hash and the proof is empty.
TEST_F(MerkleBadProofTest, SingleEntry) {
  const Hash leaf = LeafHash("data");
  EXPECT_THAT(VerifyInclusion(leaf, 0, 1, {}, leaf), IsOk());
  EXPECT_THAT(VerifyInclusion(leaf, 0, 1, {}, EmptyRoot()),
              StatusIs(absl::StatusCode::kDataLoss, _));
  EXPECT_THAT(VerifyInclusion(EmptyRoot(), 0, 1, {}, leaf),
              StatusIs(absl::StatusCode::kDataLoss, _));
  EXPECT_THAT(VerifyInclusion(leaf, 0, 1, {leaf}, leaf),
              StatusIs(absl::StatusCode::kInvalidArgument, _));
}

TEST_F(MerkleBadProofTest, InclusionProofTampering) {
  const Hash root = RootForSize(8);
  ASSERT_THAT(VerifyInclusion(leaf5_, 5, 8, inclusion5of8_, root), IsOk());

  std::vector<Hash> flipped = inclusion5of8_;
  flipped[1] = Flipped(flipped[1], 31, 1);
  EXPECT_THAT(
      VerifyInclusion(leaf5_, 5, 8, flipped, root),
      StatusIs(absl::StatusCode::kDataLoss, HasSubstr("leads to root")));

  std::vector<Hash> extra = inclusion5of8_;
  extra.push_back(root);
  EXPECT_THAT(VerifyInclusion(leaf5_, 5, 8, extra, root),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("has 4 hashes; it should have 3")));

  std::vector<Hash> missing(inclusion5of8_.begin(), inclusion5of8_.end() - 1);
  EXPECT_THAT(VerifyInclusion(leaf5_, 5, 8, missing, root),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("has 2 hashes; it should have 3")));

  EXPECT_THAT(VerifyInclusion(leaf5_, 5, 8, inclusion5of8_, RootForSize(7)),
              StatusIs(absl::StatusCode::kDataLoss,
                       HasSubstr(absl::StrCat("not to the expected root ",
                                              kRootsHex[6]))));
  EXPECT_THAT(
      VerifyInclusion(LeafHash("WrongLeaf"), 5, 8, inclusion5of8_, root),
      StatusIs(absl::StatusCode::kDataLoss, _));
  // The proof of a neighbour, or for another leaf position.
  EXPECT_THAT(VerifyInclusion(leaf5_, 4, 8, inclusion5of8_, root),
              StatusIs(absl::StatusCode::kDataLoss, _));
}

TEST_F(MerkleBadProofTest, OldSizeLargerThanNewSize) {
  EXPECT_THAT(
      VerifyConsistency(8, 6, RootForSize(8), RootForSize(6), consistency6to8_),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("old tree size 8 is larger than new tree "
                         "size 6")));
  EXPECT_THAT(ConsistencyProof(tree_, 8, 6),
              StatusIs(absl::StatusCode::kInvalidArgument, _));
  EXPECT_THAT(VerifyConsistency(1, 0, RootForSize(1), EmptyRoot(), {}),
              StatusIs(absl::StatusCode::kInvalidArgument, _));
}

TEST_F(MerkleBadProofTest, ConsistencyProofTampering) {
  const Hash old_root = RootForSize(6);
  const Hash new_root = RootForSize(8);
  ASSERT_THAT(VerifyConsistency(6, 8, old_root, new_root, consistency6to8_),
              IsOk());

  // proof[0] is the old tree's last subtree, so both roots go wrong; the old
  // one is reported.
  std::vector<Hash> flipped = consistency6to8_;
  flipped[0] = Flipped(flipped[0], 0, 16);
  EXPECT_THAT(
      VerifyConsistency(6, 8, old_root, new_root, flipped),
      StatusIs(absl::StatusCode::kDataLoss, HasSubstr("leads to old root")));
  // proof[1] lies only in the new tree.
  flipped = consistency6to8_;
  flipped[1] = Flipped(flipped[1], 0, 16);
  EXPECT_THAT(
      VerifyConsistency(6, 8, old_root, new_root, flipped),
      StatusIs(absl::StatusCode::kDataLoss, HasSubstr("leads to new root")));

  std::vector<Hash> extra = consistency6to8_;
  extra.push_back(new_root);
  EXPECT_THAT(VerifyConsistency(6, 8, old_root, new_root, extra),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("has 4 hashes; it should have 3")));
  std::vector<Hash> missing(consistency6to8_.begin(),
                            consistency6to8_.end() - 1);
  EXPECT_THAT(VerifyConsistency(6, 8, old_root, new_root, missing),
              StatusIs(absl::StatusCode::kInvalidArgument, _));
  EXPECT_THAT(VerifyConsistency(6, 8, old_root, new_root, {}),
              StatusIs(absl::StatusCode::kInvalidArgument, _));

  EXPECT_THAT(
      VerifyConsistency(6, 8, RootForSize(5), new_root, consistency6to8_),
      StatusIs(absl::StatusCode::kDataLoss,
               HasSubstr(absl::StrCat("not to the expected old root ",
                                      kRootsHex[4]))));
  EXPECT_THAT(
      VerifyConsistency(6, 8, old_root, RootForSize(7), consistency6to8_),
      StatusIs(absl::StatusCode::kDataLoss,
               HasSubstr(absl::StrCat("not to the expected new root ",
                                      kRootsHex[6]))));
}

// [CT VerifyConsistencyProof][TD TestVerifyConsistency], with one deliberate
// difference: a root claimed for the empty tree must be the empty root.
TEST_F(MerkleBadProofTest, TrivialConsistency) {
  const Hash root1 = RootForSize(1);
  EXPECT_THAT(VerifyConsistency(0, 0, EmptyRoot(), EmptyRoot(), {}), IsOk());
  EXPECT_THAT(VerifyConsistency(0, 1, EmptyRoot(), root1, {}), IsOk());
  EXPECT_THAT(VerifyConsistency(1, 1, root1, root1, {}), IsOk());

  EXPECT_THAT(
      VerifyConsistency(1, 1, root1, RootForSize(2), {}),
      StatusIs(absl::StatusCode::kDataLoss, HasSubstr("different roots")));
  EXPECT_THAT(VerifyConsistency(0, 0, EmptyRoot(), root1, {}),
              StatusIs(absl::StatusCode::kDataLoss, _));
  EXPECT_THAT(VerifyConsistency(0, 5, root1, RootForSize(5), {}),
              StatusIs(absl::StatusCode::kDataLoss,
                       HasSubstr("not the empty-tree hash")));
  // Roots match but the proof is not empty.
  for (const auto& [old_size, new_size] :
       std::vector<std::pair<uint64_t, uint64_t>>{{0, 0}, {0, 1}, {1, 1}}) {
    EXPECT_THAT(VerifyConsistency(old_size, new_size, EmptyRoot(), EmptyRoot(),
                                  {EmptyRoot()}),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr("should be empty")));
  }
  // A non-trivial step with an empty proof.
  EXPECT_THAT(VerifyConsistency(1, 2, root1, RootForSize(2), {}),
              StatusIs(absl::StatusCode::kInvalidArgument, _));
}

// A checkpoint for a larger tree than the store holds: the proof functions
// return the reader's error instead of reading out of bounds or crashing.
TEST_F(MerkleBadProofTest, SizeBeyondTheStoredTree) {
  const MemoryTree five = ReferenceTree(5);
  EXPECT_THAT(RootHash(five, 9), StatusIs(absl::StatusCode::kOutOfRange, _));
  EXPECT_THAT(InclusionProof(five, 2, 9),
              StatusIs(absl::StatusCode::kOutOfRange, _));
  EXPECT_THAT(InclusionProof(five, 7, 9),
              StatusIs(absl::StatusCode::kOutOfRange, _));
  EXPECT_THAT(InclusionProof(five, 4, 6),
              StatusIs(absl::StatusCode::kOutOfRange, _));
  EXPECT_THAT(ConsistencyProof(five, 3, 9),
              StatusIs(absl::StatusCode::kOutOfRange, _));
  EXPECT_THAT(ConsistencyProof(five, 5, 6),
              StatusIs(absl::StatusCode::kOutOfRange, _));
  EXPECT_THAT(ConsistencyProof(five, 7, 9),
              StatusIs(absl::StatusCode::kOutOfRange, _));
  EXPECT_THAT(CompactRange::Load(five, 9),
              StatusIs(absl::StatusCode::kOutOfRange, _));
  EXPECT_THAT(CompactRange::Load(five, 6),
              StatusIs(absl::StatusCode::kOutOfRange, _));
  EXPECT_THAT(CompactRange::Load(five, 5), IsOk());
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  EXPECT_THAT(InclusionProof(five, kMax - 1, kMax),
              StatusIs(absl::StatusCode::kOutOfRange, _));
  EXPECT_THAT(ConsistencyProof(five, 1, kMax),
              StatusIs(absl::StatusCode::kOutOfRange, _));
}

TEST_F(MerkleBadProofTest, ReaderErrorsPassThrough) {
  const FailingReader down;
  const auto unavailable =
      StatusIs(absl::StatusCode::kUnavailable, HasSubstr("store is down"));
  EXPECT_THAT(RootHash(down, 3), unavailable);
  EXPECT_THAT(InclusionProof(down, 1, 3), unavailable);
  EXPECT_THAT(ConsistencyProof(down, 1, 3), unavailable);
  EXPECT_THAT(CompactRange::Load(down, 3), unavailable);
  // Requests that need no reads do not touch the reader.
  EXPECT_THAT(RootHash(down, 0), IsOk());
  EXPECT_THAT(InclusionProof(down, 0, 1), IsOk());  // The empty proof.
  EXPECT_THAT(ConsistencyProof(down, 0, 3), IsOk());
  EXPECT_THAT(ConsistencyProof(down, 3, 3), IsOk());
  EXPECT_THAT(CompactRange::Load(down, 0), IsOk());
}

}  // namespace
}  // namespace hub::audit
