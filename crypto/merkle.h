// The append-only Merkle log of RFC 6962 / RFC 9162 (SHA-256): hashes, roots, inclusion and
// consistency proofs built from stored perfect-subtree nodes, and their verifiers.
// Readers own their nodes; MerkleLogWriter borrows its base reader (which must outlive it)
// and owns only its overlay. Free functions are thread-safe; the classes are thread-compatible.
// Spec: docs/spec/merkle.md.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <utility>
#include <vector>

#include "common/bytes.h"
#include "common/status.h"

namespace covalue::crypto {

// SHA256(0x00 || leaf).
Hash32 MerkleLeafHash(ByteView leaf);
// SHA256(0x01 || left || right).
Hash32 MerkleNodeHash(const Hash32& left, const Hash32& right);
// SHA256(""), the root of the empty log.
Hash32 MerkleEmptyRoot();
// MTH over a whole list of leaf hashes, computed in memory (a block's transactions root).
Hash32 MerkleRootOfLeafHashes(std::span<const Hash32> leaf_hashes);

// A stored node: the root of the perfect subtree at `level` covering leaves
// [index << level, (index + 1) << level). Level 0 nodes are leaf hashes.
struct MerkleNode {
  uint8_t level = 0;
  uint64_t index = 0;
  Hash32 hash{};

  bool operator==(const MerkleNode&) const = default;
};

// Where a log's nodes live (RocksDB in the node, a map in tests). Only nodes of complete
// perfect subtrees are ever stored.
class MerkleNodeReader {
 public:
  virtual ~MerkleNodeReader() = default;
  // kNotFound (or kCorruption, for a store that knows it should have it) if missing.
  virtual Result<Hash32> GetNode(uint8_t level, uint64_t index) const = 0;
};

// In-memory node store (tests, and small transient trees).
class MemoryMerkleNodes : public MerkleNodeReader {
 public:
  // Stores `node`, replacing any node at the same (level, index).
  void Put(const MerkleNode& node);
  void PutAll(std::span<const MerkleNode> nodes);
  Result<Hash32> GetNode(uint8_t level, uint64_t index) const override;
  size_t node_count() const { return m_nodes.size(); }

 private:
  std::map<std::pair<uint8_t, uint64_t>, Hash32> m_nodes;
};

// Appends leaves to a log of `size` leaves stored in `base`, keeping the new nodes in an
// overlay until the caller persists them (node/ writes new_nodes() into the same RocksDB
// batch as the block). Reads go to the overlay first, then `base`.
class MerkleLogWriter : public MerkleNodeReader {
 public:
  MerkleLogWriter(const MerkleNodeReader& base, uint64_t size);

  // Stores the leaf node and every perfect subtree it completes. On error nothing changes.
  Status Append(const Hash32& leaf_hash);
  uint64_t size() const { return m_size; }
  Result<Hash32> Root() const;
  // Every node Append created, in creation order (leaf first, then its completed parents).
  const std::vector<MerkleNode>& new_nodes() const { return m_new_nodes; }
  Result<Hash32> GetNode(uint8_t level, uint64_t index) const override;

 private:
  const MerkleNodeReader& m_base;
  uint64_t m_size;
  std::vector<MerkleNode> m_new_nodes;
  std::map<std::pair<uint8_t, uint64_t>, Hash32> m_overlay;
};

// MTH(D[0:size]) in O(log size) reads; the empty root for size 0. A missing node's status
// is passed through from the reader.
Result<Hash32> MerkleRoot(const MerkleNodeReader& nodes, uint64_t size);

// The log's frontier at `size`: where the perfect subtrees whose concatenation is the log of
// `size` leaves lie (one per set bit of `size`), largest (leftmost) first, hashes left zero.
// They are the only stored nodes that MerkleRoot and appending a leaf read.
std::vector<MerkleNode> MerkleFrontierPlaces(uint64_t size);
// The same nodes with their hashes read from `nodes`: what a verifier needs to go on
// appending to the log. A missing node's status is passed through from the reader.
Result<std::vector<MerkleNode>> MerkleFrontier(const MerkleNodeReader& nodes, uint64_t size);

// RFC 6962 PATH(index, D[size]): the audit path, leaf's sibling first. kInvalidArgument
// unless index < size.
Result<std::vector<Hash32>> MerkleInclusionProof(const MerkleNodeReader& nodes, uint64_t index,
                                                 uint64_t size);
// RFC 6962 PROOF(old_size, D[new_size]). kInvalidArgument unless 0 < old_size <= new_size;
// empty when the sizes are equal.
Result<std::vector<Hash32>> MerkleConsistencyProof(const MerkleNodeReader& nodes, uint64_t old_size,
                                                   uint64_t new_size);

// RFC 9162 §2.1.3.2. False on any mismatch, index >= size, or a proof of the wrong length.
bool VerifyMerkleInclusion(const Hash32& leaf_hash, uint64_t index, uint64_t size,
                           std::span<const Hash32> proof, const Hash32& root);
// RFC 9162 §2.1.4.2. Equal sizes verify iff the proof is empty and the roots are equal.
// False for old_size == 0 (nothing to prove; see docs/spec/merkle.md), old_size > new_size,
// any mismatch, or a proof of the wrong length.
bool VerifyMerkleConsistency(uint64_t old_size, uint64_t new_size, const Hash32& old_root,
                             const Hash32& new_root, std::span<const Hash32> proof);

}  // namespace covalue::crypto
