// Mempool: admitted transactions waiting for a block, in arrival order, each once (by id),
// within a count and a byte limit. Transactions here have passed admission, signatures
// included, so block building does not verify them again. Not durable: a transaction
// acknowledged only as "pending" must be resubmitted after a crash (idempotent by id).
// Thread-safe.
#pragma once

#include <cstddef>
#include <deque>
#include <mutex>
#include <map>
#include <vector>

#include "ledger/transaction.h"

namespace covalue::node {

class Mempool {
 public:
  Mempool(size_t max_txs, size_t max_bytes) : m_max_txs(max_txs), m_max_bytes(max_bytes) {}

  enum class AddResult { kAdded, kAlreadyPending };
  // kMempoolFull when a limit would be exceeded.
  Result<AddResult> Add(ledger::Transaction tx, const Hash32& tx_id, size_t encoded_bytes);
  // Up to `max` of the oldest transactions, left in the pool.
  std::vector<ledger::Transaction> Peek(size_t max) const;
  // Drops these ids (committed or rejected in a block).
  void Remove(const std::vector<Hash32>& tx_ids);
  // Drops and returns the ids of transactions that can no longer commit at `next_height`
  // or later (expiry_height < next_height).
  std::vector<Hash32> RemoveExpired(uint64_t next_height);
  bool Contains(const Hash32& tx_id) const;
  // True if exactly this transaction, signatures included, is pending (its signatures were
  // verified when it was admitted).
  bool ContainsExact(const ledger::Transaction& tx, const Hash32& tx_id) const;
  size_t size() const;
  size_t bytes() const;

 private:
  struct Entry {
    Hash32 id;
    ledger::Transaction tx;
    size_t bytes;
  };
  const size_t m_max_txs;
  const size_t m_max_bytes;
  mutable std::mutex m_mutex;
  std::deque<Entry> m_queue;
  std::map<Hash32, std::vector<crypto::Signature>> m_ids;  // pending ids and their signatures
  size_t m_bytes = 0;
};

}  // namespace covalue::node
