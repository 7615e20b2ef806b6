#include "node/signature_check.h"

#include <algorithm>

namespace covalue::node {

std::vector<Status> VerifySignatures(const std::vector<ledger::Transaction>& txs,
                                     const std::vector<bool>& skip, WorkerPool* pool,
                                     const BesideCheck& beside) {
  std::vector<Status> results(txs.size());
  // `beside`, when there is one, is item 0: the longest item is best taken first.
  const size_t first_tx = beside ? 1 : 0;
  const size_t items = txs.size() + first_tx;
  auto verify = [&](size_t item) {
    if (item < first_tx) return beside();
    size_t i = item - first_tx;
    if (skip.empty() || !skip[i]) results[i] = ledger::VerifyTransactionSignatures(txs[i]);
  };
  if (pool == nullptr) {
    for (size_t i = 0; i < items; ++i) verify(i);
  } else {
    pool->ParallelFor(items, verify);
  }
  return results;
}

VerifiedTxs VerifiedTxs::Check(const std::vector<ledger::Transaction>& txs,
                               const VerifiedPredicate& is_verified, WorkerPool* pool,
                               const BesideCheck& beside) {
  std::vector<Hash32> ids(txs.size());
  std::vector<bool> skip(txs.size());
  for (size_t i = 0; i < txs.size(); ++i) {
    ids[i] = ledger::TxId(txs[i]);
    skip[i] = is_verified && is_verified(txs[i], ids[i]);
  }
  std::vector<Status> checked = VerifySignatures(txs, skip, pool, beside);
  VerifiedTxs verified;
  for (size_t i = 0; i < txs.size(); ++i) {
    if (skip[i] || checked[i].ok()) verified.m_held[ids[i]].push_back(txs[i].signatures);
  }
  return verified;
}

bool VerifiedTxs::Holds(const ledger::Transaction& tx, const Hash32& tx_id) const {
  auto it = m_held.find(tx_id);
  return it != m_held.end() &&
         std::find(it->second.begin(), it->second.end(), tx.signatures) != it->second.end();
}

VerifiedPredicate VerifiedTxs::Predicate() const {
  return [this](const ledger::Transaction& tx, const Hash32& tx_id) { return Holds(tx, tx_id); };
}

}  // namespace covalue::node
