// Verifying many transactions' signatures at once, on every core of a WorkerPool: what a node
// does before replaying a block it did not build (a proposal, a synced block) and what the
// auditor does for every block. VerifySignatures is a stateless function; a VerifiedTxs is a
// plain value (not synchronised: build it on one thread, then read it from any one thread).
#pragma once

#include <functional>
#include <map>
#include <vector>

#include "common/status.h"
#include "ledger/transaction.h"
#include "node/worker_pool.h"

namespace covalue::node {

// Whether a transaction's signatures were verified already (contracts::BlockContext).
using VerifiedPredicate = std::function<bool(const ledger::Transaction& tx, const Hash32& tx_id)>;

// A check that runs beside a block's transaction signatures, as one more item of the same
// pool job: its commit certificate's signatures, which would otherwise be verified alone on
// one core after (or before) them. Must not throw.
using BesideCheck = std::function<void()>;

// For each of `txs`, Ok or why its signatures do not hold (ledger::VerifyTransactionSignatures);
// Ok without checking for those where skip[i] is true (skip empty: none skipped). `beside`, if
// set, runs once among them. On `pool`'s threads, or the caller's alone when `pool` is null.
std::vector<Status> VerifySignatures(const std::vector<ledger::Transaction>& txs,
                                     const std::vector<bool>& skip, WorkerPool* pool,
                                     const BesideCheck& beside = {});

// Which of a list of transactions (a block's) have signatures known to hold: those
// `is_verified` vouches for (a mempool that verified them; may be empty) and those that
// VerifySignatures found to hold. Answers for the very transactions checked — the same id
// and the same signatures — so a replay may take them as verified, and checks the rest
// itself.
class VerifiedTxs {
 public:
  // `beside`: as for VerifySignatures.
  static VerifiedTxs Check(const std::vector<ledger::Transaction>& txs,
                           const VerifiedPredicate& is_verified, WorkerPool* pool,
                           const BesideCheck& beside = {});

  bool Holds(const ledger::Transaction& tx, const Hash32& tx_id) const;
  // Holds, as a predicate; borrows this object, which must outlive its use.
  VerifiedPredicate Predicate() const;

 private:
  // By id, the signature lists that hold (one, unless a list carries one id twice).
  std::map<Hash32, std::vector<std::vector<crypto::Signature>>> m_held;
};

}  // namespace covalue::node
