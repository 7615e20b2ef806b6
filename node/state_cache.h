// StateCache: the most recently used committed state values (key → value), so that the hot
// records every transaction reads — signers' keys and member records, datasets, ventures,
// grant indexes — come from memory rather than from a store lookup. ChainStore owns one and
// keeps it equal to the store: the keys a commit changes are dropped once its batch is
// written (the next read fetches the new value), and a value read from the store is kept
// only if no commit came in between (the ticket).
// Bounded by the bytes of the keys and values it holds; least recently used first out.
// Only present values are kept: a key found absent is looked up in the store each time.
// Thread-safe: every method may be called from several threads at once (one mutex).
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/bytes.h"
#include "contracts/state.h"

namespace covalue::node {

class StateCache {
 public:
  // `capacity_bytes` 0: keeps nothing (for a store that is itself in memory).
  explicit StateCache(size_t capacity_bytes);

  // The cached value of `key`, or nullopt when it is not cached: then `ticket` is set, to be
  // passed to Keep with the value read from the store (a value read under an old ticket may
  // predate a commit, and is not kept).
  std::optional<Bytes> Find(std::string_view key, uint64_t& ticket);
  // Keeps `value`, read from the store for `key` after Find gave `ticket`, unless a commit
  // came since.
  void Keep(std::string_view key, ByteView value, uint64_t ticket);
  // Called once a commit's batch is written: drops the keys it changed and turns every
  // earlier ticket stale.
  void Forget(const contracts::StateChanges& changes);

  size_t bytes() const;

 private:
  struct Entry {
    std::string key;
    Bytes value;
  };
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view key) const { return std::hash<std::string_view>{}(key); }
  };
  using Entries = std::list<Entry>;  // most recently used first

  void PutLocked(std::string_view key, ByteView value);
  void EraseLocked(std::string_view key);
  void EvictLocked();

  const size_t m_capacity_bytes;
  mutable std::mutex m_mutex;
  Entries m_entries;
  // Keys are views of the entries' own keys (list nodes do not move).
  std::unordered_map<std::string_view, Entries::iterator, KeyHash, std::equal_to<>> m_index;
  size_t m_bytes = 0;
  uint64_t m_commits = 0;
};

}  // namespace covalue::node
