// Tests for crypto/merkle.h, roots and the writer: the hash primitives, the published
// Certificate Transparency roots, agreement with a recursive reference written from RFC 6962
// §2.1, the frontier, and writer persistence across batches. (Proofs: merkle_proof_test.cpp;
// the vectors and the reference: tests/support/merkle_vectors.h.)
#include "crypto/merkle.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <bit>
#include <string>
#include <vector>

#include "tests/support/merkle_vectors.h"

namespace covalue::crypto {
namespace {

using namespace merkle_testing;

TEST_CASE("merkle: hash primitives match RFC 6962", "[merkle]") {
  CHECK(Hex(MerkleEmptyRoot()) == kEmptyRoot);
  CHECK(Hex(MerkleRootOfLeafHashes({})) == kEmptyRoot);
  // A one-leaf tree's root is its leaf hash, SHA256(0x00 || "").
  CHECK(Hex(MerkleLeafHash({})) == kRoots[0]);
  // The two-leaf root is SHA256(0x01 || leaf0 || leaf1).
  const std::vector<Hash32> leaves = VectorLeafHashes();
  CHECK(Hex(MerkleNodeHash(leaves[0], leaves[1])) == kRoots[1]);
  MemoryMerkleNodes empty;
  auto root = MerkleRoot(empty, 0);
  REQUIRE(root.ok());
  CHECK(Hex(*root) == kEmptyRoot);
}


TEST_CASE("merkle: CT reference roots for sizes 1..8", "[merkle][vectors]") {
  const std::vector<Hash32> leaves = VectorLeafHashes();
  MemoryMerkleNodes base;
  MerkleLogWriter writer(base, 0);
  for (size_t n = 1; n <= 8; ++n) {
    INFO("size " << n);
    REQUIRE(writer.Append(leaves[n - 1]).ok());
    CHECK(writer.size() == n);
    auto root = writer.Root();
    REQUIRE(root.ok());
    CHECK(Hex(*root) == kRoots[n - 1]);
    CHECK(Hex(MerkleRootOfLeafHashes(std::span(leaves).first(n))) == kRoots[n - 1]);
  }
  // Every historical root is still computable from the full store.
  MemoryMerkleNodes store = BuildStore(leaves);
  for (uint64_t n = 1; n <= 8; ++n) {
    auto root = MerkleRoot(store, n);
    REQUIRE(root.ok());
    CHECK(Hex(*root) == kRoots[n - 1]);
  }
}


TEST_CASE("merkle: roots agree with the RFC 6962 reference for sizes 0..70", "[merkle]") {
  const std::vector<Hash32> leaves = MakeLeafHashes(70);
  MemoryMerkleNodes base;
  MerkleLogWriter writer(base, 0);
  for (uint64_t n = 0; n <= 70; ++n) {
    INFO("size " << n);
    if (n > 0) REQUIRE(writer.Append(leaves[n - 1]).ok());
    const Hash32 expected = RefMth(std::span(leaves).first(n));
    CHECK(Hex(MerkleRootOfLeafHashes(std::span(leaves).first(n))) == Hex(expected));
    auto root = writer.Root();
    REQUIRE(root.ok());
    CHECK(Hex(*root) == Hex(expected));
    auto from_nodes = MerkleRoot(writer, n);
    REQUIRE(from_nodes.ok());
    CHECK(Hex(*from_nodes) == Hex(expected));
  }
  // A log of n leaves stores 2n - popcount(n) nodes: n leaves plus one per completed subtree.
  MemoryMerkleNodes store;
  store.PutAll(writer.new_nodes());
  CHECK(store.node_count() == 2 * 70 - std::popcount(uint64_t{70}));
}


TEST_CASE("merkle: the frontier is the perfect subtrees that make up the log, and all a root reads",
          "[merkle]") {
  CHECK(MerkleFrontierPlaces(0).empty());
  // 6 = 4 + 2: leaves [0, 4) at level 2, then [4, 6) at level 1.
  CHECK(MerkleFrontierPlaces(6) == std::vector<MerkleNode>{{2, 0, {}}, {1, 2, {}}});
  CHECK(MerkleFrontierPlaces(7) == std::vector<MerkleNode>{{2, 0, {}}, {1, 2, {}}, {0, 6, {}}});
  CHECK(MerkleFrontierPlaces(uint64_t{1} << 40) == std::vector<MerkleNode>{{40, 0, {}}});
  CHECK(MerkleFrontierPlaces(~uint64_t{0}).size() == 64);

  const std::vector<Hash32> leaves = MakeLeafHashes(70);
  MemoryMerkleNodes all;
  MerkleLogWriter writer(all, 0);
  for (uint64_t n = 1; n <= 70; ++n) {
    INFO("size " << n);
    REQUIRE(writer.Append(leaves[n - 1]).ok());
    auto frontier = MerkleFrontier(writer, n);
    REQUIRE(frontier.ok());
    REQUIRE(frontier->size() == static_cast<size_t>(std::popcount(n)));
    // The frontier alone gives the root, and is enough to append the next leaf.
    MemoryMerkleNodes only;
    only.PutAll(*frontier);
    CHECK(Hex(MerkleRoot(only, n).value()) == Hex(RefMth(std::span(leaves).first(n))));
    if (n < 70) {
      MerkleLogWriter next(only, n);
      REQUIRE(next.Append(leaves[n]).ok());
      CHECK(Hex(next.Root().value()) == Hex(RefMth(std::span(leaves).first(n + 1))));
    }
  }
  MemoryMerkleNodes empty;
  CHECK(MerkleFrontier(empty, 5).status().code() == Code::kNotFound);
}


TEST_CASE("merkle: appending across writers with persistence gives the same roots", "[merkle]") {
  const std::vector<Hash32> leaves = MakeLeafHashes(200);
  const uint64_t batches[] = {1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 57};  // sums to 200
  MemoryMerkleNodes store;
  uint64_t size = 0;
  for (uint64_t batch : batches) {
    MerkleLogWriter writer(store, size);
    for (uint64_t i = 0; i < batch; ++i) {
      REQUIRE(writer.Append(leaves[size + i]).ok());
      auto root = writer.Root();
      REQUIRE(root.ok());
      CHECK(Hex(*root) == Hex(MerkleRootOfLeafHashes(std::span(leaves).first(size + i + 1))));
    }
    // The base is untouched until the caller persists the overlay.
    if (size > 0) {
      auto before = MerkleRoot(store, size);
      REQUIRE(before.ok());
      CHECK(Hex(*before) == Hex(MerkleRootOfLeafHashes(std::span(leaves).first(size))));
    }
    CHECK_FALSE(store.GetNode(0, size).ok());
    store.PutAll(writer.new_nodes());
    size = writer.size();
    auto root = MerkleRoot(store, size);
    REQUIRE(root.ok());
    CHECK(Hex(*root) == Hex(MerkleRootOfLeafHashes(std::span(leaves).first(size))));
  }
  REQUIRE(size == 200);
  CHECK(store.node_count() == 2 * 200 - std::popcount(uint64_t{200}));
  // Proofs from the persisted store still verify across the batch boundaries.
  auto root = MerkleRoot(store, 200);
  REQUIRE(root.ok());
  for (uint64_t index : {0, 1, 63, 64, 127, 128, 199}) {
    auto proof = MerkleInclusionProof(store, index, 200);
    REQUIRE(proof.ok());
    CHECK(VerifyMerkleInclusion(leaves[index], index, 200, *proof, *root));
  }
  for (uint64_t old_size : {1, 2, 7, 64, 100, 128, 199, 200}) {
    auto old_root = MerkleRoot(store, old_size);
    REQUIRE(old_root.ok());
    auto proof = MerkleConsistencyProof(store, old_size, 200);
    REQUIRE(proof.ok());
    CHECK(VerifyMerkleConsistency(old_size, 200, *old_root, *root, *proof));
  }
}


TEST_CASE("merkle: writer records the leaf and every subtree it completes", "[merkle]") {
  const std::vector<Hash32> leaves = MakeLeafHashes(8);
  MemoryMerkleNodes base;
  MerkleLogWriter writer(base, 0);
  for (int i = 0; i < 7; ++i) REQUIRE(writer.Append(leaves[i]).ok());
  const size_t before = writer.new_nodes().size();
  REQUIRE(writer.Append(leaves[7]).ok());  // completes (1,3), (2,1) and (3,0)
  const std::vector<MerkleNode> added(writer.new_nodes().begin() + before,
                                      writer.new_nodes().end());
  REQUIRE(added.size() == 4);
  CHECK((added[0] == MerkleNode{0, 7, leaves[7]}));
  CHECK((added[1].level == 1 && added[1].index == 3));
  CHECK(added[1].hash == MerkleNodeHash(leaves[6], leaves[7]));
  CHECK((added[2].level == 2 && added[2].index == 1));
  CHECK((added[3].level == 3 && added[3].index == 0));
  CHECK(added[3].hash == MerkleRootOfLeafHashes(leaves));
}

}  // namespace
}  // namespace covalue::crypto
