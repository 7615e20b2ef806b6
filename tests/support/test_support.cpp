#include "tests/support/test_support.h"

#include <catch2/catch.hpp>

#include "crypto/hash.h"

namespace covalue::testing {

crypto::KeyPair KeyFromLabel(std::string_view label) {
  Hash32 seed = crypto::Sha256(AsBytes(label));
  return std::move(crypto::KeyPair::FromSeed(seed)).value();
}

ledger::Genesis TestGenesis() {
  ledger::Genesis g;
  g.chain_id = "covalue-test";
  g.genesis_time_ms = 1'600'000'000'000;
  g.members = {{"analytics", ledger::kRoleMember, {KeyFromLabel("analytics").public_key()}},
               {"auditor", ledger::kRoleAuditor, {KeyFromLabel("auditor").public_key()}},
               {"maker", ledger::kRoleMember, {KeyFromLabel("maker").public_key()}}};
  g.validators = {{"validator", KeyFromLabel("validator").public_key()}};
  return g;
}

ledger::Transaction DatasetRegisterTx(const crypto::KeyPair& signer, std::string_view dataset_id,
                                      uint64_t expiry_height, uint64_t nonce,
                                      std::string_view chain_id) {
  ledger::Transaction tx;
  tx.chain_id = std::string(chain_id);
  tx.kind = ledger::TxKind::kDatasetRegister;
  tx.nonce = nonce;
  tx.expiry_height = expiry_height;
  tx.signers = {signer.public_key()};
  contracts::DatasetRegisterBody body{std::string(dataset_id),
                                      crypto::Sha256(AsBytes(dataset_id)), "test dataset"};
  tx.body = contracts::EncodeDatasetRegisterBody(body);
  REQUIRE(ledger::SignTransaction(tx, {&signer}).ok());
  return tx;
}

TestChain::TestChain()
    : m_genesis(TestGenesis()),
      m_validator_key(KeyFromLabel("validator")),
      m_kv(std::make_unique<storage::MemoryKvStore>()),
      m_store(std::make_unique<node::ChainStore>(*m_kv)) {
  for (const auto& m : m_genesis.members) m_keys.emplace(m.id, KeyFromLabel(m.id));
  REQUIRE(m_store->Initialize(m_genesis).ok());
  auto producer = SoloProducer::Create(*m_store, m_genesis, m_validator_key, m_clock);
  REQUIRE(producer.ok());
  m_producer = std::make_unique<SoloProducer>(std::move(producer).value());
}

ProducedBlock TestChain::Produce(std::vector<ledger::Transaction> txs) {
  m_clock.Advance(1000);
  auto produced = m_producer->Produce(std::move(txs));
  REQUIRE(produced.ok());
  return std::move(produced).value();
}

}  // namespace covalue::testing
