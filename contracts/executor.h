// The block executor: turns candidate transactions into a block's contents — admits each
// one against the state as the block has changed it so far, applies its contract, and
// collects results, history entities and the block's sorted state changes. Candidates that
// fail admission are left out (and reported); a contract's rejection is recorded as the
// transaction's result with no state change. Deterministic: the same base state and
// candidates give the same output on every node. Stateless; thread-safe.
#pragma once

#include <functional>
#include <vector>

#include "contracts/admission.h"
#include "contracts/tx_context.h"
#include "ledger/transaction.h"

namespace covalue::contracts {

struct ExecutedTx {
  ledger::Transaction tx;
  Hash32 tx_id{};
  TxOutcome outcome;
};

struct RejectedTx {
  Hash32 tx_id{};
  Status reason;
};

struct BlockExecution {
  std::vector<ExecutedTx> txs;       // in block order
  std::vector<RejectedTx> rejected;  // left out
  StateChanges changes;
};

struct BlockContext {
  std::string_view chain_id;
  uint64_t height = 0;
  int64_t time_ms = 0;
  ledger::ChainParams params;
  // Signatures are checked once per node: a transaction for which this says true (this
  // very transaction, signatures included, was verified when admitted to the mempool) is
  // not verified again. Empty: verify every one.
  std::function<bool(const ledger::Transaction& tx, const Hash32& tx_id)> is_verified;
};

// Fails only on an I/O or corruption error reading the state.
Result<BlockExecution> ExecuteBlock(const LedgerReader& base, const BlockContext& context,
                                    std::vector<ledger::Transaction> candidates);

// Applies one admitted transaction's contract to `state` (dispatch by kind).
TxOutcome ApplyTransaction(const ledger::Transaction& tx, const TxContext& context,
                           StateOverlay& state);

}  // namespace covalue::contracts
