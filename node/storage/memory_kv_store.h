// MemoryKvStore: the in-memory KvStore for tests and the simulator, with crash simulation
// (DropUnsynced loses what was not written with sync) and fault injection (FailNextWrites).
// Thread-safe: every method may be called from several threads at once (one mutex).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "node/storage/kv_store.h"

namespace covalue::storage {

class MemoryKvStore final : public KvStore {
 public:
  // Bytewise order (CompareBytes), as KvIterator walks. Transparent, so a
  // lookup takes the caller's ByteView without copying it into a key.
  struct BytewiseLess {
    using is_transparent = void;
    bool operator()(ByteView a, ByteView b) const;
  };
  using Map = std::map<Bytes, Bytes, BytewiseLess>;

  MemoryKvStore();
  ~MemoryKvStore() override;
  MemoryKvStore(const MemoryKvStore&) = delete;
  MemoryKvStore& operator=(const MemoryKvStore&) = delete;

  Result<std::optional<Bytes>> Get(ByteView key) const override;
  // Write is WriteMoved of a copy of the batch.
  Status Write(const WriteBatch& batch, bool sync) override;
  // Keeps the batch's keys and values themselves (no copy): what the auditor's replay, which
  // writes every block's whole batch into memory, wants.
  Status WriteMoved(WriteBatch&& batch, bool sync) override;
  std::unique_ptr<KvIterator> NewIterator() const override;

  // Models a crash: undoes every Write since the last Write with sync=true (a synced
  // Write makes everything before it durable too, like a WAL fsync). Open iterators keep
  // their snapshots.
  void DropUnsynced();
  // The next `n` calls to Write or WriteMoved fail with kIoError and change nothing.
  void FailNextWrites(int n);

  // Number of successful Writes that DropUnsynced would undo.
  size_t UnsyncedWriteCount() const;

 private:
  // The previous value (nullopt: absent) of one key touched by an unsynced Write.
  struct UndoEntry {
    Bytes key;
    std::optional<Bytes> previous;
  };

  // Makes m_data safe to mutate: copies it if an iterator still shares it.
  void DetachLocked();

  mutable std::mutex m_mutex;
  // Copy-on-write: iterators hold a reference to the map they were made from.
  std::shared_ptr<Map> m_data;
  // One list per unsynced Write, oldest first; undone newest first by DropUnsynced.
  std::vector<std::vector<UndoEntry>> m_undo;
  int m_failing_writes = 0;
};

}  // namespace covalue::storage
