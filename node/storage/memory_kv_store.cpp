#include "node/storage/memory_kv_store.h"

#include <algorithm>
#include <utility>

namespace covalue::storage {
namespace {

// Iterates a shared, never-again-mutated map: the snapshot taken by NewIterator.
class MemoryKvIterator final : public KvIterator {
 public:
  using Map = MemoryKvStore::Map;

  explicit MemoryKvIterator(std::shared_ptr<const Map> snapshot)
      : m_snapshot(std::move(snapshot)), m_position(m_snapshot->end()) {}

  void Seek(ByteView key) override {
    m_position = m_snapshot->lower_bound(key);
  }
  bool Valid() const override { return m_position != m_snapshot->end(); }
  void Next() override {
    if (Valid()) ++m_position;
  }
  ByteView key() const override { return m_position->first; }
  ByteView value() const override { return m_position->second; }
  Status status() const override { return Status::Ok(); }

 private:
  std::shared_ptr<const Map> m_snapshot;
  Map::const_iterator m_position;
};

}  // namespace

bool MemoryKvStore::BytewiseLess::operator()(ByteView a, ByteView b) const {
  return CompareBytes(a, b) < 0;
}

MemoryKvStore::MemoryKvStore() : m_data(std::make_shared<Map>()) {}

MemoryKvStore::~MemoryKvStore() = default;

Result<std::optional<Bytes>> MemoryKvStore::Get(ByteView key) const {
  std::lock_guard lock(m_mutex);
  auto it = m_data->find(key);
  if (it == m_data->end()) return std::optional<Bytes>();
  return std::optional<Bytes>(it->second);
}

void MemoryKvStore::DetachLocked() {
  // use_count can only be stale-high here (an iterator being destroyed concurrently),
  // never stale-low: new references are taken only under m_mutex. Worst case: one extra copy.
  if (m_data.use_count() > 1) m_data = std::make_shared<Map>(*m_data);
}

Status MemoryKvStore::Write(const WriteBatch& batch, bool sync) {
  WriteBatch copy = batch;
  return WriteMoved(std::move(copy), sync);
}

Status MemoryKvStore::WriteMoved(WriteBatch&& batch, bool sync) {
  std::vector<WriteBatch::Op> ops = batch.TakeOps();
  std::lock_guard lock(m_mutex);
  if (m_failing_writes > 0) {
    --m_failing_writes;
    return Status(Code::kIoError, "injected write failure (MemoryKvStore::FailNextWrites)");
  }
  DetachLocked();
  std::vector<UndoEntry> undo;
  if (!sync) undo.reserve(ops.size());
  for (WriteBatch::Op& op : ops) {
    // One search serves the lookup and, through the hint, the insertion.
    auto it = m_data->lower_bound(op.key);
    bool found = it != m_data->end() && it->first == op.key;
    if (!sync) {
      undo.push_back(
          UndoEntry{op.key, found ? std::optional<Bytes>(it->second) : std::optional<Bytes>()});
    }
    if (op.kind == WriteBatch::OpKind::kPut) {
      if (found) {
        it->second = std::move(op.value);
      } else {
        m_data->emplace_hint(it, std::move(op.key), std::move(op.value));
      }
    } else if (found) {
      m_data->erase(it);
    }
  }
  if (sync) {
    m_undo.clear();  // this sync makes every earlier write durable as well
  } else {
    m_undo.push_back(std::move(undo));
  }
  return Status::Ok();
}

std::unique_ptr<KvIterator> MemoryKvStore::NewIterator() const {
  std::lock_guard lock(m_mutex);
  return std::make_unique<MemoryKvIterator>(m_data);
}

void MemoryKvStore::DropUnsynced() {
  std::lock_guard lock(m_mutex);
  if (m_undo.empty()) return;
  DetachLocked();
  for (auto write = m_undo.rbegin(); write != m_undo.rend(); ++write) {
    for (auto entry = write->rbegin(); entry != write->rend(); ++entry) {
      if (entry->previous) {
        (*m_data)[entry->key] = std::move(*entry->previous);
      } else {
        m_data->erase(entry->key);
      }
    }
  }
  m_undo.clear();
}

void MemoryKvStore::FailNextWrites(int n) {
  std::lock_guard lock(m_mutex);
  m_failing_writes = std::max(n, 0);
}

size_t MemoryKvStore::UnsyncedWriteCount() const {
  std::lock_guard lock(m_mutex);
  return m_undo.size();
}

}  // namespace covalue::storage
