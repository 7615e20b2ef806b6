// RecentTxIds: which transactions committed at the recent heights, kept in memory so that the
// replay check of admission (docs/spec/signing.md §Replay protection) can answer "not
// committed" — nearly every time — without a store lookup. ChainStore owns one.
//
// It holds a 64-bit fingerprint of each transaction id committed at a height ≥ from(), in a
// hash table (linear probing, the slot mixed with a per-process random seed, so that ids
// chosen to land in one run of slots cannot lengthen its probes: only ids with the same
// fingerprint, a 64-bit collision, share a slot), and per height the fingerprints it added.
// It answers only "certainly not committed" (no such fingerprint) or "maybe": distinct ids
// may share a fingerprint, so a "maybe" must be confirmed in the store. Each added id has its
// own entry, even one whose fingerprint is already there, so removing one height's ids never
// removes another's.
//
// Bounded: heights are dropped oldest first to make room for a new one past `capacity` ids
// (about 24 bytes each: the table is at most half full, 16 bytes per id, and 8 more in the
// list of its height), or when the caller prunes them (ChainStore: below the lowest height a
// transaction still admissible can have committed at); from() rises with them.
// Thread-safe: every method may be called from several threads at once (one mutex).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <span>
#include <utility>
#include <vector>

#include "common/bytes.h"
#include "crypto/random.h"

namespace covalue::node {

class RecentTxIds {
 public:
  // Complete for heights ≥ `from` (nothing recorded yet); at most `capacity` ids kept.
  // `seed`: where fingerprints land in the table (random unless a test fixes it).
  RecentTxIds(uint64_t from, size_t capacity, uint64_t seed = crypto::RandomU64());

  // Forgets every id: complete for heights ≥ `from` again.
  void Reset(uint64_t from);

  // Records the ids committed at `height`, which must be above every height recorded except
  // one being recorded again (a commit that failed and is retried): its ids, and any above
  // it, are replaced. Heights below from() are not recorded; a height of more ids than the
  // capacity is not either, and from() moves past it.
  void Add(uint64_t height, std::span<const Hash32> ids);
  // Forgets the heights below `height`: from() becomes at least `height`.
  void DropBelow(uint64_t height);

  // True if every id committed at a height ≥ `height` is recorded (height ≥ from()) and none
  // of them has this id's fingerprint: then a transaction with this id that can only have
  // committed at `height` or later has not committed. False means "look in the store".
  bool CertainlyAbsent(const Hash32& id, uint64_t height) const;

  uint64_t from() const;
  size_t size() const;
  size_t capacity() const { return m_capacity; }

 private:
  static uint64_t Fingerprint(const Hash32& id);
  size_t Slot(uint64_t fingerprint) const;
  void Insert(uint64_t fingerprint);
  void Erase(uint64_t fingerprint);
  bool Contains(uint64_t fingerprint) const;
  void Grow();
  // Drops the oldest height recorded and raises m_from past it.
  void DropOldest();

  const size_t m_capacity;
  const uint64_t m_seed;
  mutable std::mutex m_mutex;
  uint64_t m_from;
  size_t m_count = 0;
  std::vector<uint64_t> m_slots;  // 0: empty (fingerprints are never 0); size a power of two
  std::deque<std::pair<uint64_t, std::vector<uint64_t>>> m_heights;  // height → fingerprints
};

}  // namespace covalue::node
