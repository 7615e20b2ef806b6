// Verifying many transactions' signatures at once, on every core of a WorkerPool: what a node
// does before replaying a block it did not build (a proposal, a synced block) and what the
// auditor does for every block. Stateless functions.
#pragma once

#include <vector>

#include "common/status.h"
#include "ledger/transaction.h"
#include "node/worker_pool.h"

namespace covalue::node {

// For each of `txs`, Ok or why its signatures do not hold (ledger::VerifyTransactionSignatures);
// Ok without checking for those where skip[i] is true (skip empty: none skipped). On `pool`'s
// threads, or the caller's alone when `pool` is null.
std::vector<Status> VerifySignatures(const std::vector<ledger::Transaction>& txs,
                                     const std::vector<bool>& skip, WorkerPool* pool);

}  // namespace covalue::node
