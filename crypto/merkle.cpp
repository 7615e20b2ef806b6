#include "crypto/merkle.h"

#include <algorithm>
#include <bit>
#include <limits>
#include <string>

#include "crypto/hash.h"

namespace covalue::crypto {
namespace {

constexpr uint8_t kLeafPrefix = 0x00;
constexpr uint8_t kNodePrefix = 0x01;

std::string NodeName(uint8_t level, uint64_t index) {
  return "(" + std::to_string(level) + ", " + std::to_string(index) + ")";
}

// Hash of a list of adjacent subtree roots, left to right, folded from the right:
// H(p0, H(p1, H(p2, p3))). This is how MTH joins the perfect subtrees of a ragged range.
Hash32 FoldFromRight(const std::vector<Hash32>& pieces) {
  Hash32 acc = pieces.back();
  for (size_t i = pieces.size() - 1; i-- > 0;) acc = MerkleNodeHash(pieces[i], acc);
  return acc;
}

// MTH(D[begin : begin + count]) for count >= 1, where begin is a multiple of the smallest
// power of two >= count. Every range that RFC 6962's MTH, PATH and PROOF recurse into has
// that alignment, so the range splits into the perfect subtrees given by the bits of count,
// largest first, each of which is one stored node.
Result<Hash32> RangeHash(const MerkleNodeReader& nodes, uint64_t begin, uint64_t count) {
  std::vector<Hash32> pieces;
  uint64_t offset = begin;
  for (int level = 63; level >= 0; --level) {
    const uint64_t width = uint64_t{1} << level;
    if ((count & width) == 0) continue;
    COVALUE_ASSIGN_OR_RETURN(Hash32 node,
                             nodes.GetNode(static_cast<uint8_t>(level), offset >> level));
    pieces.push_back(node);
    offset += width;
  }
  return FoldFromRight(pieces);
}

// The largest power of two strictly less than n, for n >= 2: RFC 6962's split point k.
uint64_t SplitPoint(uint64_t n) {
  return std::bit_floor(n - 1);
}

}  // namespace

Hash32 MerkleLeafHash(ByteView leaf) {
  const uint8_t prefix = kLeafPrefix;
  Sha256Hasher hasher;
  hasher.Update(ByteView(&prefix, 1)).Update(leaf);
  return hasher.Finish();
}

Hash32 MerkleNodeHash(const Hash32& left, const Hash32& right) {
  std::array<uint8_t, 1 + 2 * 32> input;  // prefix ‖ left ‖ right, hashed in one call
  input[0] = kNodePrefix;
  std::copy(left.begin(), left.end(), input.begin() + 1);
  std::copy(right.begin(), right.end(), input.begin() + 1 + 32);
  return Sha256(input);
}

Hash32 MerkleEmptyRoot() {
  return Sha256(ByteView());
}

Hash32 MerkleRootOfLeafHashes(std::span<const Hash32> leaf_hashes) {
  if (leaf_hashes.empty()) return MerkleEmptyRoot();
  // A stack of perfect subtree roots, largest (leftmost) at the bottom; appending leaf i
  // merges one stack entry per trailing one bit of i, exactly as MerkleLogWriter does.
  std::vector<Hash32> stack;
  for (uint64_t i = 0; i < leaf_hashes.size(); ++i) {
    Hash32 node = leaf_hashes[i];
    for (uint64_t n = i; n & 1; n >>= 1) {
      node = MerkleNodeHash(stack.back(), node);
      stack.pop_back();
    }
    stack.push_back(node);
  }
  return FoldFromRight(stack);
}

// --- MemoryMerkleNodes ---

void MemoryMerkleNodes::Put(const MerkleNode& node) {
  m_nodes[{node.level, node.index}] = node.hash;
}

void MemoryMerkleNodes::PutAll(std::span<const MerkleNode> nodes) {
  for (const MerkleNode& node : nodes) Put(node);
}

Result<Hash32> MemoryMerkleNodes::GetNode(uint8_t level, uint64_t index) const {
  auto it = m_nodes.find({level, index});
  if (it == m_nodes.end()) {
    return Status(Code::kNotFound, "no merkle node " + NodeName(level, index));
  }
  return it->second;
}

// --- MerkleLogWriter ---

MerkleLogWriter::MerkleLogWriter(const MerkleNodeReader& base, uint64_t size)
    : m_base(base), m_size(size) {}

Status MerkleLogWriter::Append(const Hash32& leaf_hash) {
  if (m_size == std::numeric_limits<uint64_t>::max()) {
    return Status(Code::kInvalidArgument, "merkle log is full");
  }
  // Leaf m_size completes one perfect subtree per trailing one bit of m_size: at each such
  // level the new node is a right child whose left sibling is already stored.
  std::vector<MerkleNode> created;
  created.push_back({0, m_size, leaf_hash});
  Hash32 node = leaf_hash;
  uint64_t index = m_size;
  uint8_t level = 0;
  while (index & 1) {
    COVALUE_ASSIGN_OR_RETURN(Hash32 left, GetNode(level, index - 1));
    node = MerkleNodeHash(left, node);
    index >>= 1;
    ++level;
    created.push_back({level, index, node});
  }
  for (const MerkleNode& n : created) {
    m_overlay[{n.level, n.index}] = n.hash;
    m_new_nodes.push_back(n);
  }
  ++m_size;
  return Status::Ok();
}

Result<Hash32> MerkleLogWriter::Root() const {
  return MerkleRoot(*this, m_size);
}

Result<Hash32> MerkleLogWriter::GetNode(uint8_t level, uint64_t index) const {
  auto it = m_overlay.find({level, index});
  if (it != m_overlay.end()) return it->second;
  return m_base.GetNode(level, index);
}

// --- Roots and proofs ---

Result<Hash32> MerkleRoot(const MerkleNodeReader& nodes, uint64_t size) {
  if (size == 0) return MerkleEmptyRoot();
  return RangeHash(nodes, 0, size);
}

std::vector<MerkleNode> MerkleFrontierPlaces(uint64_t size) {
  std::vector<MerkleNode> places;
  uint64_t covered = 0;
  for (int level = 63; level >= 0; --level) {
    if (!(size >> level & 1)) continue;
    places.push_back({static_cast<uint8_t>(level), covered >> level, Hash32{}});
    covered += uint64_t{1} << level;
  }
  return places;
}

Result<std::vector<MerkleNode>> MerkleFrontier(const MerkleNodeReader& nodes, uint64_t size) {
  std::vector<MerkleNode> frontier = MerkleFrontierPlaces(size);
  for (MerkleNode& node : frontier) {
    COVALUE_ASSIGN_OR_RETURN(node.hash, nodes.GetNode(node.level, node.index));
  }
  return frontier;
}

// PATH(m, D[lo:lo+n]) unrolled: walk from the root towards leaf `index`, recording the
// sibling subtree at each split, then reverse so the list runs leaf-side first. Only the
// first step down to the left can meet a ragged sibling; below it every sibling is one node.
Result<std::vector<Hash32>> MerkleInclusionProof(const MerkleNodeReader& nodes, uint64_t index,
                                                 uint64_t size) {
  if (index >= size) {
    return Status(Code::kInvalidArgument, "inclusion proof for leaf " + std::to_string(index) +
                                              " of a log of size " + std::to_string(size));
  }
  std::vector<Hash32> path;
  uint64_t lo = 0;
  uint64_t n = size;
  uint64_t m = index;  // relative to lo
  while (n > 1) {
    const uint64_t k = SplitPoint(n);
    if (m < k) {
      COVALUE_ASSIGN_OR_RETURN(Hash32 right, RangeHash(nodes, lo + k, n - k));
      path.push_back(right);
      n = k;
    } else {
      COVALUE_ASSIGN_OR_RETURN(Hash32 left, RangeHash(nodes, lo, k));
      path.push_back(left);
      lo += k;
      m -= k;
      n -= k;
    }
  }
  std::reverse(path.begin(), path.end());
  return path;
}

// SUBPROOF(m, D[lo:lo+n], b) unrolled the same way. `b` stays true while the old tree's
// root is the left edge of the current range; once we step right it is false, and the
// range where m == n is itself a node the verifier needs.
Result<std::vector<Hash32>> MerkleConsistencyProof(const MerkleNodeReader& nodes, uint64_t old_size,
                                                   uint64_t new_size) {
  if (old_size == 0 || old_size > new_size) {
    return Status(Code::kInvalidArgument, "consistency proof from size " +
                                              std::to_string(old_size) + " to size " +
                                              std::to_string(new_size));
  }
  std::vector<Hash32> proof;
  uint64_t lo = 0;
  uint64_t n = new_size;
  uint64_t m = old_size;  // relative to lo; 0 < m <= n throughout
  bool old_root_is_range = true;
  while (m != n) {
    const uint64_t k = SplitPoint(n);
    if (m <= k) {
      COVALUE_ASSIGN_OR_RETURN(Hash32 right, RangeHash(nodes, lo + k, n - k));
      proof.push_back(right);
      n = k;
    } else {
      COVALUE_ASSIGN_OR_RETURN(Hash32 left, RangeHash(nodes, lo, k));
      proof.push_back(left);
      lo += k;
      m -= k;
      n -= k;
      old_root_is_range = false;
    }
  }
  if (!old_root_is_range) {
    COVALUE_ASSIGN_OR_RETURN(Hash32 shared, RangeHash(nodes, lo, n));
    proof.push_back(shared);
  }
  std::reverse(proof.begin(), proof.end());
  return proof;
}

// --- Verification (RFC 9162 §2.1.3.2 and §2.1.4.2, step for step) ---
// fn walks the path of the leaf (or of the old tree's last leaf), sn the path of the last
// leaf of the tree; when they meet, fn has no right sibling at that level and the walk
// skips up to the next level where it does.

bool VerifyMerkleInclusion(const Hash32& leaf_hash, uint64_t index, uint64_t size,
                           std::span<const Hash32> proof, const Hash32& root) {
  if (index >= size) return false;
  uint64_t fn = index;
  uint64_t sn = size - 1;
  Hash32 r = leaf_hash;
  for (const Hash32& p : proof) {
    if (sn == 0) return false;  // proof too long
    if ((fn & 1) || fn == sn) {
      r = MerkleNodeHash(p, r);
      while ((fn & 1) == 0 && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      r = MerkleNodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && r == root;  // sn != 0: proof too short
}

bool VerifyMerkleConsistency(uint64_t old_size, uint64_t new_size, const Hash32& old_root,
                             const Hash32& new_root, std::span<const Hash32> proof) {
  if (old_size == 0 || old_size > new_size) return false;
  if (old_size == new_size) return proof.empty() && old_root == new_root;
  if (proof.empty()) return false;

  // When old_size is a power of two the old root is a node of the new tree, and PROOF
  // leaves it out; RFC 9162 prepends it.
  size_t next = 0;
  const Hash32 start = std::has_single_bit(old_size) ? old_root : proof[next++];
  uint64_t fn = old_size - 1;
  uint64_t sn = new_size - 1;
  while (fn & 1) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash32 fr = start;
  Hash32 sr = start;
  for (; next < proof.size(); ++next) {
    const Hash32& c = proof[next];
    if (sn == 0) return false;  // proof too long
    if ((fn & 1) || fn == sn) {
      fr = MerkleNodeHash(c, fr);
      sr = MerkleNodeHash(c, sr);
      while ((fn & 1) == 0 && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      sr = MerkleNodeHash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && fr == old_root && sr == new_root;
}

}  // namespace covalue::crypto
