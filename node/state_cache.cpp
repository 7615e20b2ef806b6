#include "node/state_cache.h"

namespace covalue::node {
namespace {

// What one entry counts for against the capacity: its bytes and a fixed overhead for the
// list node, the index slot and the two allocations.
size_t EntryBytes(std::string_view key, size_t value_size) {
  return key.size() + value_size + 96;
}

}  // namespace

StateCache::StateCache(size_t capacity_bytes) : m_capacity_bytes(capacity_bytes) {}

std::optional<Bytes> StateCache::Find(std::string_view key, uint64_t& ticket) {
  std::lock_guard lock(m_mutex);
  auto it = m_index.find(key);
  if (it == m_index.end()) {
    ticket = m_commits;
    return std::nullopt;
  }
  m_entries.splice(m_entries.begin(), m_entries, it->second);
  return it->second->value;
}

void StateCache::Keep(std::string_view key, ByteView value, uint64_t ticket) {
  if (EntryBytes(key, value.size()) > m_capacity_bytes) return;  // it would push out all else
  std::lock_guard lock(m_mutex);
  if (ticket != m_commits) return;
  PutLocked(key, value);
  EvictLocked();
}

void StateCache::Forget(const contracts::StateChanges& changes) {
  std::lock_guard lock(m_mutex);
  ++m_commits;
  for (const auto& change : changes) EraseLocked(change.first);
}

size_t StateCache::bytes() const {
  std::lock_guard lock(m_mutex);
  return m_bytes;
}

void StateCache::PutLocked(std::string_view key, ByteView value) {
  auto it = m_index.find(key);
  if (it != m_index.end()) {
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
  m_bytes -= EntryBytes(key, it->second->value.size());
  Entries::iterator entry = it->second;
  m_index.erase(it);
  m_entries.erase(entry);
}

void StateCache::EvictLocked() {
  while (m_bytes > m_capacity_bytes && !m_entries.empty()) {
    const Entry& last = m_entries.back();
    m_bytes -= EntryBytes(last.key, last.value.size());
    m_index.erase(std::string_view(last.key));
    m_entries.pop_back();
  }
}

}  // namespace covalue::node
