// Tests for crypto/merkle.h: the published Certificate Transparency vectors, agreement with a
// recursive reference written from RFC 6962 §2.1, writer persistence across batches, and
// refusal of tampered proofs.
#include "crypto/merkle.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <bit>
#include <string>
#include <vector>

namespace covalue::crypto {
namespace {

// Hex literals below are fixed test data; a typo throws (bad_variant_access) and fails loudly.
Hash32 H(std::string_view hex) {
  return Hash32FromHex(hex).value();
}

std::string Hex(const Hash32& h) {
  return ToHex(h);
}

std::vector<std::string> Hexes(std::span<const Hash32> hashes) {
  std::vector<std::string> out;
  for (const Hash32& h : hashes) out.push_back(ToHex(h));
  return out;
}

// ---------------------------------------------------------------------------------------
// Known-answer vectors. Transcribed from google/certificate-transparency,
// cpp/merkletree/merkle_tree_test.cc (kInputs, kSHA256Roots, kSHA256Paths, kSHA256Proofs),
// the same data as transparency-dev/merkle proof/verify_test.go, which adds the (6, 7)
// consistency proof. Those files number leaves from 1; the indices below are 0-based.
// ---------------------------------------------------------------------------------------

constexpr std::string_view kEmptyRoot =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

constexpr std::string_view kLeafData[8] = {
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
};

// Root of the tree over the first n leaves, n = 1..8.
constexpr std::string_view kRoots[8] = {
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

struct InclusionVector {
  uint64_t index;
  uint64_t size;
  std::vector<std::string_view> path;
};

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
    {2, 3, {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}},
    {1,
     5,
     {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
};

struct ConsistencyVector {
  uint64_t old_size;
  uint64_t new_size;
  std::vector<std::string_view> proof;
};

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

std::vector<Hash32> VectorLeafHashes() {
  std::vector<Hash32> out;
  for (std::string_view hex : kLeafData) {
    auto data = FromHex(hex);
    REQUIRE(data.ok());
    out.push_back(MerkleLeafHash(*data));
  }
  return out;
}

std::vector<Hash32> ToHashes(const std::vector<std::string_view>& hexes) {
  std::vector<Hash32> out;
  for (std::string_view hex : hexes) out.push_back(H(hex));
  return out;
}

// Leaf hashes for generated trees.
std::vector<Hash32> MakeLeafHashes(uint64_t count) {
  std::vector<Hash32> out;
  for (uint64_t i = 0; i < count; ++i) {
    const uint8_t data[3] = {static_cast<uint8_t>(i), static_cast<uint8_t>(i >> 8), 0x5a};
    out.push_back(MerkleLeafHash(data));
  }
  return out;
}

// A node store holding the log of `leaves`, built by one writer.
MemoryMerkleNodes BuildStore(std::span<const Hash32> leaves) {
  MemoryMerkleNodes base;
  MerkleLogWriter writer(base, 0);
  for (const Hash32& leaf : leaves) REQUIRE(writer.Append(leaf).ok());
  MemoryMerkleNodes store;
  store.PutAll(writer.new_nodes());
  return store;
}

// ---------------------------------------------------------------------------------------
// Reference MTH, PATH and PROOF, straight from the recursive definitions in RFC 6962 §2.1,
// over an in-memory list of leaf hashes.
// ---------------------------------------------------------------------------------------

uint64_t RefSplit(uint64_t n) {
  uint64_t k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

Hash32 RefMth(std::span<const Hash32> d) {
  if (d.empty()) return MerkleEmptyRoot();
  if (d.size() == 1) return d[0];
  const uint64_t k = RefSplit(d.size());
  return MerkleNodeHash(RefMth(d.subspan(0, k)), RefMth(d.subspan(k)));
}

std::vector<Hash32> RefPath(uint64_t m, std::span<const Hash32> d) {
  if (d.size() <= 1) return {};
  const uint64_t k = RefSplit(d.size());
  std::vector<Hash32> out;
  if (m < k) {
    out = RefPath(m, d.subspan(0, k));
    out.push_back(RefMth(d.subspan(k)));
  } else {
    out = RefPath(m - k, d.subspan(k));
    out.push_back(RefMth(d.subspan(0, k)));
  }
  return out;
}

std::vector<Hash32> RefSubproof(uint64_t m, std::span<const Hash32> d, bool b) {
  if (m == d.size()) {
    if (b) return {};
    return {RefMth(d)};
  }
  const uint64_t k = RefSplit(d.size());
  std::vector<Hash32> out;
  if (m <= k) {
    out = RefSubproof(m, d.subspan(0, k), b);
    out.push_back(RefMth(d.subspan(k)));
  } else {
    out = RefSubproof(m - k, d.subspan(k), false);
    out.push_back(RefMth(d.subspan(0, k)));
  }
  return out;
}

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

// ---------------------------------------------------------------------------------------

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
