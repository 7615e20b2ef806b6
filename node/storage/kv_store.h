// KvStore: the storage seam. An ordered byte-key/byte-value store with atomic batched
// writes and snapshot iterators; RocksKvStore is the real one, MemoryKvStore the fake.
// Thread-safety: Get, NewIterator, Write and WriteMoved may be called from several threads at
// once.
// A KvIterator belongs to one thread and must be destroyed before its store.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "common/bytes.h"
#include "common/status.h"

namespace covalue::storage {

// An ordered list of puts and deletes, applied all together or not at all by
// KvStore::Write (or WriteMoved). Later operations on the same key win. A value type; not
// thread-safe.
class WriteBatch {
 public:
  enum class OpKind : uint8_t { kPut = 0, kDelete = 1 };
  struct Op {
    OpKind kind;
    Bytes key;
    Bytes value;  // empty for kDelete
  };

  void Put(ByteView key, ByteView value) {
    m_ops.push_back(
        Op{OpKind::kPut, Bytes(key.begin(), key.end()), Bytes(value.begin(), value.end())});
  }
  // The same, taking over a key and value built for the batch (an encoded block) uncopied.
  void Put(Bytes&& key, Bytes&& value) {
    m_ops.push_back(Op{OpKind::kPut, std::move(key), std::move(value)});
  }
  void Delete(ByteView key) {
    m_ops.push_back(Op{OpKind::kDelete, Bytes(key.begin(), key.end()), Bytes()});
  }
  void Clear() { m_ops.clear(); }

  size_t size() const { return m_ops.size(); }
  bool empty() const { return m_ops.empty(); }
  const std::vector<Op>& ops() const { return m_ops; }
  // The operations, moved out: the batch is empty afterwards.
  std::vector<Op> TakeOps() { return std::exchange(m_ops, {}); }

 private:
  std::vector<Op> m_ops;
};

// Walks the keys of a snapshot in bytewise (memcmp, shorter-prefix-first) order.
// key() and value() are valid only while Valid() and until the next Seek/Next.
// If the walk stops early because of an error, Valid() turns false and status() says why.
class KvIterator {
 public:
  virtual ~KvIterator() = default;
  // Positions at the first key >= `key` (an empty key: the first key).
  virtual void Seek(ByteView key) = 0;
  virtual bool Valid() const = 0;
  virtual void Next() = 0;
  virtual ByteView key() const = 0;
  virtual ByteView value() const = 0;
  virtual Status status() const = 0;

  void SeekToFirst() { Seek(ByteView()); }
};

class KvStore {
 public:
  virtual ~KvStore() = default;

  // The value stored under `key`, or nullopt if there is none. Errors only on I/O
  // failure or corruption.
  virtual Result<std::optional<Bytes>> Get(ByteView key) const = 0;
  // Applies `batch` atomically: after a crash either all of it or none of it is visible.
  // With `sync`, the batch (and every earlier write) is durable before this returns.
  virtual Status Write(const WriteBatch& batch, bool sync) = 0;
  // Write, for a batch its caller no longer needs: a store that keeps values in memory may
  // take the keys and values over instead of copying them. `batch` is left unspecified
  // (empty or as it was). The default is Write.
  virtual Status WriteMoved(WriteBatch&& batch, bool sync) { return Write(batch, sync); }
  // An iterator over a consistent snapshot taken now; later writes are not seen.
  // It starts unpositioned: call Seek or SeekToFirst first.
  virtual std::unique_ptr<KvIterator> NewIterator() const = 0;
};

}  // namespace covalue::storage
