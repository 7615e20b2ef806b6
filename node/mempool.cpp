#include "node/mempool.h"

#include <algorithm>
#include <set>

namespace covalue::node {

Result<Mempool::AddResult> Mempool::Add(ledger::Transaction tx, const Hash32& tx_id,
                                        size_t encoded_bytes) {
  std::lock_guard<std::mutex> lock(m_mutex);
  if (m_ids.count(tx_id) != 0) return AddResult::kAlreadyPending;
  if (m_queue.size() >= m_max_txs || m_bytes + encoded_bytes > m_max_bytes) {
    return Status(Code::kMempoolFull, "mempool is full (" + std::to_string(m_queue.size()) +
                                          " transactions); retry later");
  }
  m_ids.emplace(tx_id, tx.signatures);
  m_bytes += encoded_bytes;
  m_queue.push_back({tx_id, std::move(tx), encoded_bytes});
  return AddResult::kAdded;
}

std::vector<ledger::Transaction> Mempool::Peek(size_t max) const {
  std::lock_guard<std::mutex> lock(m_mutex);
  std::vector<ledger::Transaction> out;
  out.reserve(std::min(max, m_queue.size()));
  for (const auto& entry : m_queue) {
    if (out.size() >= max) break;
    out.push_back(entry.tx);
  }
  return out;
}

void Mempool::Remove(const std::vector<Hash32>& tx_ids) {
  std::lock_guard<std::mutex> lock(m_mutex);
  std::set<Hash32> gone;
  for (const auto& id : tx_ids) {
    if (m_ids.erase(id) != 0) gone.insert(id);
  }
  if (gone.empty()) return;
  std::erase_if(m_queue, [&](const Entry& entry) {
    if (gone.count(entry.id) == 0) return false;
    m_bytes -= entry.bytes;
    return true;
  });
}

std::vector<Hash32> Mempool::RemoveExpired(uint64_t next_height) {
  std::vector<Hash32> expired;
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    for (const auto& entry : m_queue) {
      if (entry.tx.expiry_height < next_height) expired.push_back(entry.id);
    }
  }
  Remove(expired);
  return expired;
}

bool Mempool::Contains(const Hash32& tx_id) const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_ids.count(tx_id) != 0;
}

bool Mempool::ContainsExact(const ledger::Transaction& tx, const Hash32& tx_id) const {
  std::lock_guard<std::mutex> lock(m_mutex);
  auto it = m_ids.find(tx_id);
  return it != m_ids.end() && it->second == tx.signatures;
}

size_t Mempool::size() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_queue.size();
}

size_t Mempool::bytes() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_bytes;
}

}  // namespace covalue::node
