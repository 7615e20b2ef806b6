// BlockProducer: makes, certifies and commits the next block on a one-validator chain
// (n = 1; the BFT engine of consensus/ takes over for n > 1). It executes the candidates,
// appends their (transaction, result) leaves to the Merkle log, fills in the header, signs
// the precommit that forms the commit certificate, and commits it all in one batch.
// Borrows the store, validator key and clock. Not thread-safe: one caller (the chain strand).
#pragma once

#include <vector>

#include "common/clock.h"
#include "consensus/validator_set.h"
#include "ledger/genesis.h"
#include "node/chain_store.h"

namespace covalue::node {

struct ProducedBlock {
  ledger::Block block;
  std::vector<contracts::RejectedTx> rejected;
};

class BlockProducer {
 public:
  // Fails unless `key` is the only validator of `genesis`.
  static Result<BlockProducer> Create(ChainStore& store, const ledger::Genesis& genesis,
                                      const crypto::KeyPair& key, const Clock& clock);

  // Builds and commits the next block from `candidates` (signatures already verified).
  // A block is committed even if every candidate is rejected only when `candidates` is
  // not empty; with nothing admitted, no block is made and `block.header.height` is 0.
  Result<ProducedBlock> Produce(std::vector<ledger::Transaction> candidates);

 private:
  BlockProducer(ChainStore& store, const ledger::Genesis& genesis,
                consensus::ValidatorSet validators, const crypto::KeyPair& key,
                const Clock& clock)
      : m_store(store), m_genesis(genesis), m_validators(std::move(validators)), m_key(key),
        m_clock(clock) {}

  ChainStore& m_store;
  const ledger::Genesis& m_genesis;
  consensus::ValidatorSet m_validators;
  const crypto::KeyPair& m_key;
  const Clock& m_clock;
};

}  // namespace covalue::node
