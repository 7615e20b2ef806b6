// BenchChain: builds a large chain of signed transactions directly through ChainStore (no
// consensus, no network) for benchmarks — blocks made with BuildBlock and committed with a
// one-validator commit certificate, exactly as a node commits them. The transactions are a
// data-access mix of dataset.register, grant.issue and usage.record (two signers) spread
// over `members` members, with a few hot entities holding 10^4–10^5 history entries each
// (kHotEntities). Signing runs on every core, one block ahead of execution, so the next
// block is signed while this one executes and commits. Single-threaded API; not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "ledger/genesis.h"
#include "node/chain_store.h"

namespace covalue::bench {

struct BenchChainOptions {
  uint64_t txs = 1'000'000;
  uint32_t block_txs = 2000;
  int64_t block_interval_ms = 60'000;  // one block a minute
  uint32_t members = 100;
  unsigned sign_threads = 0;  // 0: one per core
  uint64_t seed = 1;
};

struct BenchChainStats {
  uint64_t txs = 0;
  uint64_t blocks = 0;
  double seconds = 0;       // wall time of the whole build
  double sign_seconds = 0;  // wall time spent signing (overlapped with execution)
};

// Entities whose history the generator makes long: grant/hot-g1 (about 15% of the usage
// receipts), grant/hot-g2 (5%), dataset/hot-data (both, and the grants on it) and
// member/m000 (its owner).
inline const std::vector<std::string> kHotEntities = {"grant/hot-g1", "grant/hot-g2",
                                                      "dataset/hot-data", "member/m000"};

// Genesis "covalue-bench" at 2026-01-01: members m000.. with deterministic keys, one
// validator, blocks of up to options.block_txs transactions.
ledger::Genesis BenchGenesis(const BenchChainOptions& options);

// Appends blocks to `store` (initialized with BenchGenesis(options), at height 0) until it
// holds options.txs transactions. `progress` is called after each block. Fails if the store
// is not empty or a generated transaction is refused (a generator bug).
Result<BenchChainStats> BuildBenchChain(
    node::ChainStore& store, const ledger::Genesis& genesis, const BenchChainOptions& options,
    const std::function<void(uint64_t height, uint64_t txs)>& progress);

// The time of block `height` of a bench chain.
int64_t BenchBlockTime(const ledger::Genesis& genesis, const BenchChainOptions& options,
                       uint64_t height);

}  // namespace covalue::bench
