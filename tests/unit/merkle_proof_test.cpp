// Tests for crypto/merkle.h, inclusion and consistency proofs: the published Certificate
// Transparency paths and proofs, agreement with the RFC 6962 reference for every index and
// size up to 70 and 40, refusal of tampered proofs, and errors for bad arguments and missing
// nodes. (Roots and the writer: merkle_test.cpp.)
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

// ---------------------------------------------------------------------------------------
// Tampering: every variant must be refused. Mirrors the corruptions the CT verifier tests
// apply (wrong index, size*2 and size/2, wrong leaf/root, garbage before/after, truncation,
// flipped bits).
// ---------------------------------------------------------------------------------------

const Hash32 kSomeHash = H("abacaba000000000000000000000000000000000000000000060061e00123456");

std::vector<Hash32> With(std::vector<Hash32> proof, size_t pos, const Hash32& h) {
  proof.insert(proof.begin() + static_cast<std::ptrdiff_t>(pos), h);
  return proof;
}

void CheckInclusionTamperRefused(const Hash32& leaf, uint64_t index, uint64_t size,
                                 const std::vector<Hash32>& proof, const Hash32& root,
                                 bool all_bits) {
  INFO("index " << index << " size " << size);
  REQUIRE(VerifyMerkleInclusion(leaf, index, size, proof, root));

  CHECK_FALSE(VerifyMerkleInclusion(leaf, index - 1, size, proof, root));
  CHECK_FALSE(VerifyMerkleInclusion(leaf, index + 1, size, proof, root));
  CHECK_FALSE(VerifyMerkleInclusion(leaf, index ^ 2, size, proof, root));
  CHECK_FALSE(VerifyMerkleInclusion(leaf, index, size * 2, proof, root));
  CHECK_FALSE(VerifyMerkleInclusion(leaf, index, size / 2, proof, root));
  CHECK_FALSE(VerifyMerkleInclusion(leaf, size, size, proof, root));
  CHECK_FALSE(VerifyMerkleInclusion(leaf, index, 0, proof, root));
  CHECK_FALSE(VerifyMerkleInclusion(kSomeHash, index, size, proof, root));
  CHECK_FALSE(VerifyMerkleInclusion(leaf, index, size, proof, MerkleEmptyRoot()));
  CHECK_FALSE(VerifyMerkleInclusion(leaf, index, size, proof, kSomeHash));

  CHECK_FALSE(VerifyMerkleInclusion(leaf, index, size, With(proof, proof.size(), Hash32{}), root));
  CHECK_FALSE(VerifyMerkleInclusion(leaf, index, size, With(proof, proof.size(), root), root));
  CHECK_FALSE(VerifyMerkleInclusion(leaf, index, size, With(proof, 0, Hash32{}), root));
  CHECK_FALSE(VerifyMerkleInclusion(leaf, index, size, With(proof, 0, root), root));
  if (!proof.empty()) {
    std::vector<Hash32> truncated(proof.begin(), proof.end() - 1);
    CHECK_FALSE(VerifyMerkleInclusion(leaf, index, size, truncated, root));
    std::vector<Hash32> headless(proof.begin() + 1, proof.end());
    CHECK_FALSE(VerifyMerkleInclusion(leaf, index, size, headless, root));
  }
  if (proof.size() > 1) {
    CHECK_FALSE(VerifyMerkleInclusion(leaf, index, size, With(proof, 1, kSomeHash), root));
  }
  for (size_t i = 0; i < proof.size(); ++i) {
    for (int bit = 0; bit < 256; ++bit) {
      if (!all_bits && bit != static_cast<int>((i * 37 + index) % 256)) continue;
      std::vector<Hash32> flipped = proof;
      flipped[i][bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
      INFO("element " << i << " bit " << bit);
      CHECK_FALSE(VerifyMerkleInclusion(leaf, index, size, flipped, root));
    }
  }
}

void CheckConsistencyTamperRefused(uint64_t old_size, uint64_t new_size, const Hash32& old_root,
                                   const Hash32& new_root, const std::vector<Hash32>& proof,
                                   bool all_bits) {
  INFO("old " << old_size << " new " << new_size);
  REQUIRE(VerifyMerkleConsistency(old_size, new_size, old_root, new_root, proof));
  if (proof.empty()) {
    // Equal sizes: only the roots carry information.
    CHECK_FALSE(VerifyMerkleConsistency(old_size, new_size, old_root, kSomeHash, proof));
    CHECK_FALSE(VerifyMerkleConsistency(old_size, new_size, old_root, new_root, {&old_root, 1}));
    return;
  }
  const Hash32 wrong = kSomeHash;
  CHECK_FALSE(VerifyMerkleConsistency(old_size - 1, new_size, old_root, new_root, proof));
  CHECK_FALSE(VerifyMerkleConsistency(old_size + 1, new_size, old_root, new_root, proof));
  CHECK_FALSE(VerifyMerkleConsistency(old_size ^ 2, new_size, old_root, new_root, proof));
  CHECK_FALSE(VerifyMerkleConsistency(old_size, new_size * 2, old_root, new_root, proof));
  CHECK_FALSE(VerifyMerkleConsistency(old_size, new_size / 2, old_root, new_root, proof));
  CHECK_FALSE(VerifyMerkleConsistency(new_size, old_size, new_root, old_root, proof));
  CHECK_FALSE(VerifyMerkleConsistency(0, new_size, old_root, new_root, proof));
  CHECK_FALSE(VerifyMerkleConsistency(old_size, new_size, wrong, new_root, proof));
  CHECK_FALSE(VerifyMerkleConsistency(old_size, new_size, old_root, wrong, proof));
  CHECK_FALSE(VerifyMerkleConsistency(old_size, new_size, new_root, old_root, proof));
  CHECK_FALSE(VerifyMerkleConsistency(old_size, new_size, old_root, new_root, {}));

  auto refused = [&](const std::vector<Hash32>& p) {
    return !VerifyMerkleConsistency(old_size, new_size, old_root, new_root, p);
  };
  CHECK(refused(With(proof, proof.size(), Hash32{})));
  CHECK(refused(With(proof, proof.size(), old_root)));
  CHECK(refused(With(proof, proof.size(), new_root)));
  CHECK(refused(With(proof, proof.size(), proof.back())));
  CHECK(refused(With(proof, 0, Hash32{})));
  CHECK(refused(With(proof, 0, old_root)));
  CHECK(refused(With(proof, 0, new_root)));
  CHECK(refused(With(proof, 0, proof[0])));
  CHECK(refused(std::vector<Hash32>(proof.begin(), proof.end() - 1)));
  CHECK(refused(std::vector<Hash32>(proof.begin() + 1, proof.end())));
  for (size_t i = 0; i < proof.size(); ++i) {
    for (int bit = 0; bit < 256; ++bit) {
      if (!all_bits && bit != static_cast<int>((i * 41 + old_size) % 256)) continue;
      std::vector<Hash32> flipped = proof;
      flipped[i][bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
      INFO("element " << i << " bit " << bit);
      CHECK(refused(flipped));
    }
  }
}

TEST_CASE("merkle: CT reference inclusion paths", "[merkle][vectors]") {
  const std::vector<Hash32> leaves = VectorLeafHashes();
  MemoryMerkleNodes store = BuildStore(leaves);
  for (const InclusionVector& v : kInclusionVectors) {
    INFO("index " << v.index << " size " << v.size);
    const std::vector<Hash32> expected = ToHashes(v.path);
    auto proof = MerkleInclusionProof(store, v.index, v.size);
    REQUIRE(proof.ok());
    CHECK(Hexes(*proof) == Hexes(expected));
    const Hash32 root = H(kRoots[v.size - 1]);
    CheckInclusionTamperRefused(leaves[v.index], v.index, v.size, expected, root, true);
  }
}

TEST_CASE("merkle: CT reference consistency proofs", "[merkle][vectors]") {
  const std::vector<Hash32> leaves = VectorLeafHashes();
  MemoryMerkleNodes store = BuildStore(leaves);
  for (const ConsistencyVector& v : kConsistencyVectors) {
    INFO("old " << v.old_size << " new " << v.new_size);
    const std::vector<Hash32> expected = ToHashes(v.proof);
    auto proof = MerkleConsistencyProof(store, v.old_size, v.new_size);
    REQUIRE(proof.ok());
    CHECK(Hexes(*proof) == Hexes(expected));
    CheckConsistencyTamperRefused(v.old_size, v.new_size, H(kRoots[v.old_size - 1]),
                                  H(kRoots[v.new_size - 1]), expected, true);
  }
}


TEST_CASE("merkle: every inclusion proof verifies, sizes 1..70", "[merkle]") {
  const std::vector<Hash32> leaves = MakeLeafHashes(70);
  MemoryMerkleNodes store = BuildStore(leaves);
  for (uint64_t size = 1; size <= 70; ++size) {
    auto root = MerkleRoot(store, size);
    REQUIRE(root.ok());
    for (uint64_t index = 0; index < size; ++index) {
      INFO("index " << index << " size " << size);
      auto proof = MerkleInclusionProof(store, index, size);
      REQUIRE(proof.ok());
      CHECK(VerifyMerkleInclusion(leaves[index], index, size, *proof, *root));
      if (size <= 40) {
        CHECK(Hexes(*proof) == Hexes(RefPath(index, std::span(leaves).first(size))));
        CheckInclusionTamperRefused(leaves[index], index, size, *proof, *root, false);
      }
    }
  }
}


TEST_CASE("merkle: every consistency proof verifies, sizes 1..40", "[merkle]") {
  const std::vector<Hash32> leaves = MakeLeafHashes(40);
  MemoryMerkleNodes store = BuildStore(leaves);
  std::vector<Hash32> roots(41);
  for (uint64_t n = 1; n <= 40; ++n) {
    auto root = MerkleRoot(store, n);
    REQUIRE(root.ok());
    roots[n] = *root;
  }
  for (uint64_t new_size = 1; new_size <= 40; ++new_size) {
    for (uint64_t old_size = 1; old_size <= new_size; ++old_size) {
      INFO("old " << old_size << " new " << new_size);
      auto proof = MerkleConsistencyProof(store, old_size, new_size);
      REQUIRE(proof.ok());
      CHECK(Hexes(*proof) == Hexes(RefSubproof(old_size, std::span(leaves).first(new_size), true)));
      CheckConsistencyTamperRefused(old_size, new_size, roots[old_size], roots[new_size], *proof,
                                    false);
    }
  }
}


TEST_CASE("merkle: bad arguments and missing nodes are errors, not crashes", "[merkle]") {
  const std::vector<Hash32> leaves = MakeLeafHashes(5);
  MemoryMerkleNodes store = BuildStore(leaves);

  CHECK(MerkleInclusionProof(store, 0, 0).status().code() == Code::kInvalidArgument);
  CHECK(MerkleInclusionProof(store, 5, 5).status().code() == Code::kInvalidArgument);
  CHECK(MerkleInclusionProof(store, UINT64_MAX, 5).status().code() == Code::kInvalidArgument);
  CHECK(MerkleConsistencyProof(store, 0, 5).status().code() == Code::kInvalidArgument);
  CHECK(MerkleConsistencyProof(store, 0, 0).status().code() == Code::kInvalidArgument);
  CHECK(MerkleConsistencyProof(store, 5, 4).status().code() == Code::kInvalidArgument);
  auto same = MerkleConsistencyProof(store, 5, 5);
  REQUIRE(same.ok());
  CHECK(same->empty());

  // Sizes beyond what is stored: the reader's kNotFound comes through.
  CHECK(MerkleRoot(store, 6).status().code() == Code::kNotFound);
  CHECK(MerkleInclusionProof(store, 0, 9).status().code() == Code::kNotFound);
  CHECK(MerkleConsistencyProof(store, 3, 9).status().code() == Code::kNotFound);
  CHECK(MerkleRoot(store, UINT64_MAX).status().code() == Code::kNotFound);

  // A writer whose base lacks the left sibling fails and changes nothing.
  MemoryMerkleNodes empty;
  MerkleLogWriter writer(empty, 1);  // claims one leaf that is not there
  CHECK(writer.Append(leaves[1]).code() == Code::kNotFound);
  CHECK(writer.size() == 1);
  CHECK(writer.new_nodes().empty());
  CHECK_FALSE(writer.GetNode(0, 1).ok());

  // Verifiers refuse degenerate sizes.
  const Hash32 root = MerkleEmptyRoot();
  CHECK_FALSE(VerifyMerkleInclusion(root, 0, 0, {}, root));
  CHECK_FALSE(VerifyMerkleInclusion(root, UINT64_MAX, UINT64_MAX, {}, root));
  CHECK_FALSE(VerifyMerkleConsistency(0, 0, root, root, {}));
  CHECK_FALSE(VerifyMerkleConsistency(0, 1, root, root, {}));
  CHECK_FALSE(VerifyMerkleConsistency(2, 1, root, root, {}));
  CHECK(VerifyMerkleConsistency(1, 1, root, root, {}));
  CHECK_FALSE(VerifyMerkleConsistency(1, 1, root, kSomeHash, {}));
  CHECK_FALSE(VerifyMerkleConsistency(1, 2, root, root, {}));
  // Documented in docs/spec/merkle.md: a proof alone does not pin the tree size; the
  // (size, root) pair must come from a verified header. Leaf 0's path in a 4-leaf tree also
  // verifies as "leaf 0 of 3" against the 4-leaf root.
  {
    MemoryMerkleNodes four = BuildStore(std::span(leaves).first(4));
    auto root4 = MerkleRoot(four, 4);
    auto path = MerkleInclusionProof(four, 0, 4);
    REQUIRE((root4.ok() && path.ok()));
    CHECK(VerifyMerkleInclusion(leaves[0], 0, 3, *path, *root4));
  }
  // A one-leaf tree: the root is the leaf hash and the proof is empty.
  CHECK(VerifyMerkleInclusion(leaves[0], 0, 1, {}, leaves[0]));
  CHECK_FALSE(VerifyMerkleInclusion(leaves[0], 0, 1, {}, leaves[1]));
}

}  // namespace
}  // namespace covalue::crypto
