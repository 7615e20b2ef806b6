// Test data and a model for the Merkle log tests (merkle_test.cpp, merkle_proof_test.cpp):
// the published Certificate Transparency known-answer vectors, a recursive reference of MTH,
// PATH and PROOF written from RFC 6962 §2.1, and helpers that build leaves and node stores.
#pragma once

#include <catch2/catch.hpp>

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/merkle.h"

namespace covalue::crypto::merkle_testing {

// Hex literals below are fixed test data; a typo throws (bad_variant_access) and fails loudly.
inline Hash32 H(std::string_view hex) {
  return Hash32FromHex(hex).value();
}

inline std::string Hex(const Hash32& h) {
  return ToHex(h);
}

inline std::vector<std::string> Hexes(std::span<const Hash32> hashes) {
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

inline constexpr std::string_view kEmptyRoot =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

inline constexpr std::string_view kLeafData[8] = {
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
inline constexpr std::string_view kRoots[8] = {
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

inline const std::vector<InclusionVector> kInclusionVectors = {
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

inline const std::vector<ConsistencyVector> kConsistencyVectors = {
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

inline std::vector<Hash32> VectorLeafHashes() {
  std::vector<Hash32> out;
  for (std::string_view hex : kLeafData) {
    auto data = FromHex(hex);
    REQUIRE(data.ok());
    out.push_back(MerkleLeafHash(*data));
  }
  return out;
}

inline std::vector<Hash32> ToHashes(const std::vector<std::string_view>& hexes) {
  std::vector<Hash32> out;
  for (std::string_view hex : hexes) out.push_back(H(hex));
  return out;
}

// Leaf hashes for generated trees.
inline std::vector<Hash32> MakeLeafHashes(uint64_t count) {
  std::vector<Hash32> out;
  for (uint64_t i = 0; i < count; ++i) {
    const uint8_t data[3] = {static_cast<uint8_t>(i), static_cast<uint8_t>(i >> 8), 0x5a};
    out.push_back(MerkleLeafHash(data));
  }
  return out;
}

// A node store holding the log of `leaves`, built by one writer.
inline MemoryMerkleNodes BuildStore(std::span<const Hash32> leaves) {
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

inline uint64_t RefSplit(uint64_t n) {
  uint64_t k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

inline Hash32 RefMth(std::span<const Hash32> d) {
  if (d.empty()) return MerkleEmptyRoot();
  if (d.size() == 1) return d[0];
  const uint64_t k = RefSplit(d.size());
  return MerkleNodeHash(RefMth(d.subspan(0, k)), RefMth(d.subspan(k)));
}

inline std::vector<Hash32> RefPath(uint64_t m, std::span<const Hash32> d) {
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

inline std::vector<Hash32> RefSubproof(uint64_t m, std::span<const Hash32> d, bool b) {
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

}  // namespace covalue::crypto::merkle_testing
