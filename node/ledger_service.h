// LedgerService: what the node offers its API — the chain to read and a way to submit
// transactions. Node implements it; node/ledger_api.h turns it into HTTP routes, so the
// API is testable without a running producer. Implementations are thread-safe.
#pragma once

#include <chrono>
#include <optional>

#include <nlohmann/json.hpp>

#include "consensus/validator_set.h"
#include "ledger/genesis.h"
#include "node/api/http_server.h"
#include "node/chain_store.h"
#include "node/commit_feed.h"

namespace covalue::node {

enum class TxStage { kUnknown, kPending, kRejected };

class LedgerService {
 public:
  virtual ~LedgerService() = default;
  virtual const ledger::Genesis& genesis() const = 0;
  virtual const consensus::ValidatorSet& validators() const = 0;
  virtual const ChainStore& store() const = 0;
  virtual size_t mempool_size() const = 0;
  // Admits `tx` (or refuses it with its reason) and answers through `respond`: at once with
  // "pending", or, with `wait`, when it commits, is left out of a block, or `timeout` passes.
  virtual void Submit(ledger::Transaction tx, bool wait, std::chrono::milliseconds timeout,
                      api::Responder respond) = 0;
  // Where a transaction that is not committed stands; `reason` is set for kRejected.
  virtual TxStage Stage(const Hash32& tx_id, Status* reason) const = 0;
  // This node's own view: role, consensus position, peer links and their counters.
  virtual nlohmann::json NodeStatus() const = 0;
  // Every block as it commits, for the event stream; nullptr if this service has none.
  virtual CommitFeed* commit_feed() { return nullptr; }
};

}  // namespace covalue::node
