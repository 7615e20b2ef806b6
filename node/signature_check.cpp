#include "node/signature_check.h"

namespace covalue::node {

std::vector<Status> VerifySignatures(const std::vector<ledger::Transaction>& txs,
                                     const std::vector<bool>& skip, WorkerPool* pool) {
  std::vector<Status> results(txs.size());
  auto verify = [&](size_t i) {
    if (skip.empty() || !skip[i]) results[i] = ledger::VerifyTransactionSignatures(txs[i]);
  };
  if (pool == nullptr) {
    for (size_t i = 0; i < txs.size(); ++i) verify(i);
  } else {
    pool->ParallelFor(txs.size(), verify);
  }
  return results;
}

}  // namespace covalue::node
