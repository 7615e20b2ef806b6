// Test support: a FakeClock, and TestChain — a one-validator chain on a MemoryKvStore
// with a genesis of known members and keys — plus helpers that build signed transactions.
// For tests only; not thread-safe.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
#include "contracts/dataset_register.h"
#include "tests/support/solo_producer.h"
#include "node/chain_store.h"
#include "node/storage/memory_kv_store.h"

namespace covalue::testing {

class FakeClock final : public Clock {
 public:
  explicit FakeClock(int64_t now_ms = 1'700'000'000'000) : m_now(now_ms) {}
  int64_t NowMillis() const override { return m_now; }
  void Advance(int64_t ms) { m_now += ms; }

 private:
  int64_t m_now;
};

// A deterministic key: the same `label` always gives the same key.
crypto::KeyPair KeyFromLabel(std::string_view label);

// Genesis "covalue-test" with members maker, analytics (role member) and auditor (role
// auditor), each with KeyFromLabel(id), and one validator KeyFromLabel("validator").
ledger::Genesis TestGenesis();

ledger::Transaction DatasetRegisterTx(const crypto::KeyPair& signer, std::string_view dataset_id,
                                      uint64_t expiry_height, uint64_t nonce = 1,
                                      std::string_view chain_id = "covalue-test");

class TestChain {
 public:
  TestChain();
  const ledger::Genesis& genesis() const { return m_genesis; }
  node::ChainStore& store() { return *m_store; }
  storage::MemoryKvStore& kv() { return *m_kv; }
  FakeClock& clock() { return m_clock; }
  const crypto::KeyPair& key(const std::string& member) const { return m_keys.at(member); }
  const crypto::KeyPair& validator_key() const { return m_validator_key; }
  // Produces and commits a block from `txs`; REQUIREs success.
  ProducedBlock Produce(std::vector<ledger::Transaction> txs);

 private:
  ledger::Genesis m_genesis;
  std::map<std::string, crypto::KeyPair> m_keys;
  crypto::KeyPair m_validator_key;
  std::unique_ptr<storage::MemoryKvStore> m_kv;
  std::unique_ptr<node::ChainStore> m_store;
  FakeClock m_clock;
  std::unique_ptr<SoloProducer> m_producer;
};

}  // namespace covalue::testing
