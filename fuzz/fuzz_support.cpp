#include "fuzz/fuzz_support.h"

#include <cstdio>
#include <cstdlib>

#include "common/clock.h"
#include "contracts/dataset_register.h"
#include "crypto/hash.h"
#include "tests/support/solo_producer.h"

namespace covalue::fuzz {

void Fail(const char* file, int line, const char* condition, std::string_view what) {
  std::fprintf(stderr, "%s:%d: FUZZ_CHECK(%s) failed: %.*s\n", file, line, condition,
               static_cast<int>(what.size()), what.data());
  std::abort();
}

crypto::KeyPair LabelKey(std::string_view label) {
  return std::move(crypto::KeyPair::FromSeed(crypto::Sha256(AsBytes(label)))).value();
}

const ledger::Genesis& FuzzGenesis() {
  static const ledger::Genesis genesis = [] {
    ledger::Genesis g;
    g.chain_id = "covalue-fuzz";
    g.genesis_time_ms = 1'600'000'000'000;
    g.members = {{"analytics", ledger::kRoleMember, {LabelKey("analytics").public_key()}},
                 {"auditor", ledger::kRoleAuditor, {LabelKey("auditor").public_key()}},
                 {"maker", ledger::kRoleMember, {LabelKey("maker").public_key()}}};
    for (int i = 0; i < 4; ++i) {
      std::string name = "validator-" + std::to_string(i);
      g.validators.push_back({name, LabelKey(name).public_key()});
    }
    return g;
  }();
  return genesis;
}

namespace {

class FixedClock final : public Clock {
 public:
  int64_t NowMillis() const override { return 1'700'000'000'000; }
};

}  // namespace

const FuzzChain& FuzzChain::Get() {
  static const FuzzChain chain;
  return chain;
}

FuzzChain::FuzzChain()
    : m_genesis(FuzzGenesis()),
      m_kv(std::make_unique<storage::MemoryKvStore>()),
      m_store(std::make_unique<node::ChainStore>(*m_kv)) {
  m_genesis.validators.resize(1);  // the producer below is the only validator
  FUZZ_CHECK(m_store->Initialize(m_genesis).ok(), "genesis");
  const crypto::KeyPair validator = LabelKey("validator-0");
  const crypto::KeyPair maker = LabelKey("maker");
  FixedClock clock;
  auto producer = testing::SoloProducer::Create(*m_store, m_genesis, validator, clock);
  FUZZ_CHECK(producer.ok(), producer.status().ToString());

  ledger::Transaction tx;
  tx.chain_id = m_genesis.chain_id;
  tx.kind = ledger::TxKind::kDatasetRegister;
  tx.nonce = 1;
  tx.expiry_height = 100;
  tx.signers = {maker.public_key()};
  tx.body = contracts::EncodeFields(
      contracts::DatasetRegisterBody{"telemetry", crypto::Sha256(AsBytes("telemetry")), "fuzz"});
  FUZZ_CHECK(ledger::SignTransaction(tx, {&maker}).ok(), "sign");
  auto produced = producer->Produce({tx});
  FUZZ_CHECK(produced.ok() && produced->block.header.height == 1, "first block");
}

}  // namespace covalue::fuzz
