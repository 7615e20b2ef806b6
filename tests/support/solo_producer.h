// SoloProducer (tests only): makes, certifies and commits the next block of a one-validator
// chain without the consensus engine — BuildBlock, then this validator's own precommit as
// the commit certificate, then one batch. Lets store and contract tests make blocks in one
// call. Borrows the store, validator key and clock. Not thread-safe.
#pragma once

#include <vector>

#include "common/clock.h"
#include "consensus/validator_set.h"
#include "ledger/genesis.h"
#include "node/chain_store.h"

namespace covalue::testing {

struct ProducedBlock {
  ledger::Block block;
  std::vector<contracts::RejectedTx> rejected;
};

class SoloProducer {
 public:
  // Fails unless `key` is the only validator of `genesis`.
  static Result<SoloProducer> Create(node::ChainStore& store, const ledger::Genesis& genesis,
                                      const crypto::KeyPair& key, const Clock& clock);

  // Builds and commits the next block from `candidates` (signatures already verified).
  // A block is committed even if every candidate is rejected only when `candidates` is
  // not empty; with nothing admitted, no block is made and `block.header.height` is 0.
  Result<ProducedBlock> Produce(std::vector<ledger::Transaction> candidates);

 private:
  SoloProducer(node::ChainStore& store, const ledger::Genesis& genesis,
                consensus::ValidatorSet validators, const crypto::KeyPair& key,
                const Clock& clock)
      : m_store(store), m_genesis(genesis), m_validators(std::move(validators)), m_key(key),
        m_clock(clock) {}

  node::ChainStore& m_store;
  const ledger::Genesis& m_genesis;
  consensus::ValidatorSet m_validators;
  const crypto::KeyPair& m_key;
  const Clock& m_clock;
};

}  // namespace covalue::testing
