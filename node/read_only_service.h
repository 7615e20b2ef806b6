// ReadOnlyService: a LedgerService over a ChainStore that takes no transactions — the API's
// reads (BuildLedgerApi) served from a data folder with no consensus, mempool or peers: for
// tools that inspect or serve a chain (bench/history_bench.cpp) and API tests of chains
// built block by block. Submission answers 503 unavailable. It borrows the genesis and the
// store, which must outlive it. Thread-safe (reads only).
#pragma once

#include "node/ledger_service.h"

namespace covalue::node {

class ReadOnlyService final : public LedgerService {
 public:
  // `genesis` must be valid (its validator set is built here; it throws otherwise).
  ReadOnlyService(const ledger::Genesis& genesis, const ChainStore& store)
      : m_genesis(genesis),
        m_validators(std::move(consensus::ValidatorSet::Create(genesis.validators)).value()),
        m_store(store) {}

  const ledger::Genesis& genesis() const override { return m_genesis; }
  const consensus::ValidatorSet& validators() const override { return m_validators; }
  const ChainStore& store() const override { return m_store; }
  size_t mempool_size() const override { return 0; }
  void Submit(ledger::Transaction, bool, std::chrono::milliseconds,
              api::Responder respond) override {
    respond(api::ErrorResponse(
        Status(Code::kUnavailable, "this node serves a chain read-only and takes no transactions")));
  }
  TxStage Stage(const Hash32&, Status*) const override { return TxStage::kUnknown; }
  nlohmann::json NodeStatus() const override { return {{"role", "read-only"}}; }

 private:
  const ledger::Genesis& m_genesis;
  consensus::ValidatorSet m_validators;
  const ChainStore& m_store;
};

}  // namespace covalue::node
