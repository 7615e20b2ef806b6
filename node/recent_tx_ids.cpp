#include "node/recent_tx_ids.h"

#include <algorithm>

#include "node/store_keys.h"

namespace covalue::node {

namespace {

constexpr size_t kInitialSlots = 1024;

}  // namespace

RecentTxIds::RecentTxIds(uint64_t from, size_t capacity, uint64_t seed)
    : m_capacity(capacity), m_seed(seed), m_from(from), m_slots(kInitialSlots, 0) {}

void RecentTxIds::Reset(uint64_t from) {
  std::lock_guard<std::mutex> lock(m_mutex);
  m_from = from;
  m_count = 0;
  m_slots.assign(kInitialSlots, 0);
  m_heights.clear();
}

uint64_t RecentTxIds::Fingerprint(const Hash32& id) {
  uint64_t fingerprint = keys::ReadBigEndian(id, 0, 8);
  return fingerprint == 0 ? 1 : fingerprint;
}

size_t RecentTxIds::Slot(uint64_t fingerprint) const {
  // SplitMix64's finalizer over the seeded fingerprint: without the seed, where an id lands
  // cannot be known, so ids cannot be chosen to crowd one run of slots.
  uint64_t x = fingerprint ^ m_seed;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return static_cast<size_t>(x) & (m_slots.size() - 1);
}

void RecentTxIds::Insert(uint64_t fingerprint) {
  if ((m_count + 1) * 2 > m_slots.size()) Grow();
  const size_t mask = m_slots.size() - 1;
  size_t i = Slot(fingerprint);
  while (m_slots[i] != 0) i = (i + 1) & mask;
  m_slots[i] = fingerprint;
  ++m_count;
}

bool RecentTxIds::Contains(uint64_t fingerprint) const {
  const size_t mask = m_slots.size() - 1;
  for (size_t i = Slot(fingerprint); m_slots[i] != 0; i = (i + 1) & mask) {
    if (m_slots[i] == fingerprint) return true;
  }
  return false;
}

void RecentTxIds::Erase(uint64_t fingerprint) {
  const size_t mask = m_slots.size() - 1;
  size_t hole = Slot(fingerprint);
  while (m_slots[hole] != fingerprint) {
    if (m_slots[hole] == 0) return;  // not held (cannot happen: each erase matches an insert)
    hole = (hole + 1) & mask;
  }
  // Backward shift: move later entries of the run into the hole when their home slot does
  // not lie after the hole, so that every entry stays reachable from its home slot.
  for (size_t next = (hole + 1) & mask; m_slots[next] != 0; next = (next + 1) & mask) {
    size_t home = Slot(m_slots[next]);
    bool home_after_hole =
        hole <= next ? (hole < home && home <= next) : (hole < home || home <= next);
    if (home_after_hole) continue;
    m_slots[hole] = m_slots[next];
    hole = next;
  }
  m_slots[hole] = 0;
  --m_count;
}

void RecentTxIds::Grow() {
  std::vector<uint64_t> old(m_slots.size() * 2, 0);
  old.swap(m_slots);
  m_count = 0;
  for (uint64_t fingerprint : old) {
    if (fingerprint != 0) Insert(fingerprint);
  }
}

void RecentTxIds::DropOldest() {
  auto& [height, fingerprints] = m_heights.front();
  for (uint64_t fingerprint : fingerprints) Erase(fingerprint);
  m_from = std::max(m_from, height + 1);
  m_heights.pop_front();
}

void RecentTxIds::Add(uint64_t height, std::span<const Hash32> ids) {
  std::lock_guard<std::mutex> lock(m_mutex);
  while (!m_heights.empty() && m_heights.back().first >= height) {
    for (uint64_t fingerprint : m_heights.back().second) Erase(fingerprint);
    m_heights.pop_back();
  }
  if (height < m_from) return;  // below what is kept: the store answers for it
  // Room first, so that the table never holds more than the capacity (nor grows past it).
  while (!m_heights.empty() && m_count + ids.size() > m_capacity) DropOldest();
  if (ids.size() > m_capacity) {
    m_from = std::max(m_from, height + 1);
    return;
  }
  std::vector<uint64_t> fingerprints;
  fingerprints.reserve(ids.size());
  for (const Hash32& id : ids) {
    fingerprints.push_back(Fingerprint(id));
    Insert(fingerprints.back());
  }
  m_heights.emplace_back(height, std::move(fingerprints));
}

void RecentTxIds::DropBelow(uint64_t height) {
  std::lock_guard<std::mutex> lock(m_mutex);
  while (!m_heights.empty() && m_heights.front().first < height) DropOldest();
  m_from = std::max(m_from, height);
}

bool RecentTxIds::CertainlyAbsent(const Hash32& id, uint64_t height) const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return height >= m_from && !Contains(Fingerprint(id));
}

uint64_t RecentTxIds::from() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_from;
}

size_t RecentTxIds::size() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_count;
}

}  // namespace covalue::node
