// StateCache: the most recently used committed state values (key → value), so that the hot
// records every transaction reads — signers' keys and member records, datasets, ventures,
// grant indexes — come from memory rather than from a store lookup. ChainStore owns one and
// keeps it equal to the store around each commit: BeginCommit drops the keys the commit
// changes before its batch is written, EndCommit follows the write, and a value read from
// the store is kept only if it was read with no commit under way and none since (the
// ticket). So once a commit's batch is visible in the store, no reader gets a value the
// batch changed from the cache.
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
  // `capacity_bytes` 0: keeps nothing, and Find answers without taking the lock.
  explicit StateCache(size_t capacity_bytes);

  // The cached value of `key`, or nullopt when it is not cached: then `ticket` is set, to be
  // passed to Keep with the value read from the store.
  std::optional<Bytes> Find(std::string_view key, uint64_t& ticket);
  // Keeps `value`, read from the store for `key` after Find gave `ticket`, unless a commit
  // was under way then or has begun since.
  void Keep(std::string_view key, ByteView value, uint64_t ticket);
  // Around the one writer's commit: BeginCommit before its batch is written (drops the keys
  // it changes), EndCommit once the write has returned, whether it succeeded or not.
  void BeginCommit(const contracts::StateChanges& changes);
  void EndCommit();

  size_t bytes() const;

 private:
  struct Entry {
    std::string key;
    Bytes value;
  };
  using Entries = std::list<Entry>;  // most recently used first

  void PutLocked(std::string_view key, ByteView value);
  void EraseLocked(std::string_view key);

  const size_t m_capacity_bytes;
  mutable std::mutex m_mutex;
  Entries m_entries;
  // Keys are views of the entries' own keys (list nodes do not move).
  std::unordered_map<std::string_view, Entries::iterator> m_index;
  size_t m_bytes = 0;
  // Incremented as each commit begins and again as it ends: odd while one is under way.
  uint64_t m_commit_edges = 0;
};

}  // namespace covalue::node
