#include "bench/tx_signing.h"

#include <algorithm>
#include <atomic>
#include <thread>

namespace covalue::bench {

Result<std::vector<ledger::Transaction>> SignDrafts(std::vector<Draft> drafts,
                                                    const std::vector<crypto::KeyPair>& keys,
                                                    unsigned threads) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  std::atomic<size_t> failed{drafts.size()};  // index of a draft that could not be signed
  auto sign_range = [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
      std::vector<const crypto::KeyPair*> signers;
      drafts[i].tx.signers.clear();
      for (uint32_t m : drafts[i].signers) {
        signers.push_back(&keys[m]);
        drafts[i].tx.signers.push_back(keys[m].public_key());
      }
      if (!ledger::SignTransaction(drafts[i].tx, signers).ok()) failed = i;
    }
  };
  std::vector<std::thread> workers;
  size_t per = std::max<size_t>(1, (drafts.size() + threads - 1) / threads);
  for (size_t begin = 0; begin < drafts.size(); begin += per) {
    workers.emplace_back(sign_range, begin, std::min(drafts.size(), begin + per));
  }
  for (auto& worker : workers) worker.join();
  if (failed != drafts.size()) {
    return Status(Code::kInvalidArgument,
                  "draft " + std::to_string(failed.load()) + " cannot be signed");
  }
  std::vector<ledger::Transaction> txs;
  txs.reserve(drafts.size());
  for (auto& draft : drafts) txs.push_back(std::move(draft.tx));
  return txs;
}

}  // namespace covalue::bench
