#include "node/state_cache.h"

namespace covalue::node {
namespace {

// What one entry counts for against the capacity: its bytes and an estimate of the rest
// (the list node, the index node and its bucket, two heap allocations' headers).
size_t EntryBytes(std::string_view key, size_t value_size) {
  return key.size() + value_size + 160;
}

}  // namespace

StateCache::StateCache(size_t capacity_bytes) : m_capacity_bytes(capacity_bytes) {}

std::optional<Bytes> StateCache::Find(std::string_view key, uint64_t& ticket) {
  if (m_capacity_bytes == 0) return std::nullopt;  // Keep refuses everything
  std::lock_guard lock(m_mutex);
  auto it = m_index.find(key);
  if (it == m_index.end()) {
    ticket = m_commit_edges;
    return std::nullopt;
  }
  m_entries.splice(m_entries.begin(), m_entries, it->second);
  return it->second->value;
}

void StateCache::Keep(std::string_view key, ByteView value, uint64_t ticket) {
  if (EntryBytes(key, value.size()) > m_capacity_bytes) return;  // it would push out all else
  std::lock_guard lock(m_mutex);
  // An odd ticket: read while a commit was being written, so perhaps from before it.
  if (ticket != m_commit_edges || ticket % 2 != 0) return;
  PutLocked(key, value);
  while (m_bytes > m_capacity_bytes) EraseLocked(m_entries.back().key);
}

void StateCache::BeginCommit(const contracts::StateChanges& changes) {
  std::lock_guard lock(m_mutex);
  ++m_commit_edges;
  for (const auto& change : changes) EraseLocked(change.first);
}

void StateCache::EndCommit() {
  std::lock_guard lock(m_mutex);
  ++m_commit_edges;
}

size_t StateCache::bytes() const {
  std::lock_guard lock(m_mutex);
  return m_bytes;
}

void StateCache::PutLocked(std::string_view key, ByteView value) {
  auto it = m_index.find(key);
  if (it != m_index.end()) {  // two readers missed it at once
    Entry& entry = *it->second;
    m_bytes += value.size();
    m_bytes -= entry.value.size();
    entry.value.assign(value.begin(), value.end());
    m_entries.splice(m_entries.begin(), m_entries, it->second);
    return;
  }
  m_entries.push_front(Entry{std::string(key), Bytes(value.begin(), value.end())});
  m_index.emplace(m_entries.front().key, m_entries.begin());
  m_bytes += EntryBytes(key, value.size());
}

void StateCache::EraseLocked(std::string_view key) {
  auto it = m_index.find(key);
  if (it == m_index.end()) return;
  Entries::iterator entry = it->second;
  m_bytes -= EntryBytes(entry->key, entry->value.size());
  m_index.erase(it);  // before the entry: `key` may be a view of the entry's own key
  m_entries.erase(entry);
}

}  // namespace covalue::node
