#include "bench/bench_chain.h"

#include <chrono>
#include <cstdio>
#include <future>
#include <random>
#include <thread>
#include <unordered_map>

#include "bench/tx_signing.h"
#include "common/civil_time.h"
#include "contracts/dataset_register.h"
#include "contracts/grants.h"
#include "contracts/usage.h"
#include "crypto/hash.h"
#include "tests/support/solo_producer.h"
#include "tests/support/test_support.h"

namespace covalue::bench {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int64_t kGenesisTime = 1'767'225'600'000;  // 2026-01-01T00:00:00Z
constexpr int64_t kGrantsUntil = 1'798'761'600'000;  // 2027-01-01T00:00:00Z
constexpr uint32_t kInitialDatasetsPerMember = 3;
constexpr uint32_t kMaxGrantsPerPair = 200;  // under contracts::kMaxGrantsPerGrantee

crypto::KeyPair KeyOf(const std::string& label) {
  return std::move(crypto::KeyPair::FromSeed(crypto::Sha256(AsBytes("covalue-bench/" + label))))
      .value();
}

std::string MemberId(uint32_t i) {
  char id[16];
  std::snprintf(id, sizeof id, "m%03u", i);
  return id;
}

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// The generator's model of what the chain holds, so that every transaction it makes is
// valid: datasets with their owners, grants with owner and grantee.
class Generator {
 public:
  Generator(const ledger::Genesis& genesis, const BenchChainOptions& options)
      : m_chain_id(genesis.chain_id), m_members(options.members), m_rng(options.seed) {}

  // The drafts of block `height` at `time_ms`, `count` of them (block 1 registers the
  // initial datasets, block 2 issues the hot grants; then the mix).
  std::vector<Draft> Block(uint64_t height, int64_t time_ms, uint32_t count) {
    m_height = height;
    std::vector<Draft> drafts;
    if (height == 1) {
      drafts.push_back(Register("hot-data", 0));
      for (uint32_t m = 0; m < m_members; ++m) {
        for (uint32_t k = 0; k < kInitialDatasetsPerMember; ++k) {
          drafts.push_back(Register("ds-" + std::to_string(m_datasets.size()), m));
        }
      }
    } else if (height == 2) {
      drafts.push_back(Grant("hot-g1", 0, 1));
      drafts.push_back(Grant("hot-g2", 0, 2));
    }
    std::vector<GrantModel> issued;
    while (drafts.size() < count) {
      uint32_t roll = Uniform(100);
      if (roll < 10 || height == 1) {
        drafts.push_back(Register("ds-" + std::to_string(m_datasets.size()), Uniform(m_members)));
      } else if (roll < 30 || m_grants.empty()) {
        drafts.push_back(NewGrant(issued));
      } else {
        drafts.push_back(Usage(time_ms));
      }
    }
    // Grants issued in this block may be used from the next one.
    m_grants.insert(m_grants.end(), issued.begin(), issued.end());
    return drafts;
  }

 private:
  struct GrantModel {
    std::string id;
    uint32_t owner = 0;
    uint32_t grantee = 0;
  };

  uint32_t Uniform(uint32_t n) { return static_cast<uint32_t>(m_rng() % n); }

  ledger::Transaction Envelope(ledger::TxKind kind, Bytes body) {
    ledger::Transaction tx;
    tx.chain_id = m_chain_id;
    tx.kind = kind;
    tx.nonce = ++m_nonce;
    tx.expiry_height = m_height + 100;
    tx.body = std::move(body);
    return tx;
  }

  Draft Register(const std::string& id, uint32_t owner) {
    m_datasets.push_back({id, owner});
    Hash32 content{};
    for (auto& b : content) b = static_cast<uint8_t>(m_rng());
    return {Envelope(ledger::TxKind::kDatasetRegister,
                     contracts::EncodeFields(contracts::DatasetRegisterBody{id, content, "bench data"})),
            {owner}};
  }

  Draft Grant(const std::string& id, size_t dataset, uint32_t grantee) {
    const auto& [dataset_id, owner] = m_datasets[dataset];
    contracts::GrantIssueBody body{id,          dataset_id,   MemberId(grantee), "",
                                   {"analytics"}, {"read"},     kGenesisTime,      kGrantsUntil,
                                   0,           0};
    if (id.starts_with("hot-")) m_grants.push_back({id, owner, grantee});
    return {Envelope(ledger::TxKind::kGrantIssue, contracts::EncodeFields(body)), {owner}};
  }

  Draft NewGrant(std::vector<GrantModel>& issued) {
    for (;;) {
      size_t dataset = Uniform(static_cast<uint32_t>(m_datasets.size()));
      uint32_t owner = m_datasets[dataset].second;
      uint32_t grantee = Uniform(m_members);
      if (grantee == owner) continue;
      uint16_t& held = m_pairs[dataset * m_members + grantee];
      if (held >= kMaxGrantsPerPair) continue;
      ++held;
      std::string id = "g" + std::to_string(m_grant_seq++);
      issued.push_back({id, owner, grantee});
      return Grant(id, dataset, grantee);
    }
  }

  // A receipt under hot-g1 (15%), hot-g2 (5%), or another grant picked with a skew towards
  // the oldest (long-lived contracts are used most).
  Draft Usage(int64_t time_ms) {
    uint32_t roll = Uniform(100);
    size_t others = m_grants.size() - 2;
    const GrantModel* grant = &m_grants[roll < 15 || others == 0 ? 0 : 1];
    if (roll >= 20 && others > 0) {
      double x = std::uniform_real_distribution<double>(0, 1)(m_rng);
      grant = &m_grants[2 + static_cast<size_t>(x * x * x * static_cast<double>(others))];
    }
    contracts::UsageRecordBody body;
    body.receipt_id = "r" + std::to_string(m_receipt_seq++);
    body.grant_id = grant->id;
    body.purpose = "analytics";
    body.operation = "read";
    body.quantity = 1 + Uniform(1000);
    body.unit = "rows";
    body.used_at_ms = time_ms - 1000;
    for (auto& b : body.evidence_hash) b = static_cast<uint8_t>(m_rng());
    return {Envelope(ledger::TxKind::kUsageRecord, contracts::EncodeFields(body)),
            {grant->owner, grant->grantee}};
  }

  std::string m_chain_id;
  uint32_t m_members;
  std::mt19937_64 m_rng;
  uint64_t m_height = 0;
  uint64_t m_nonce = 0;
  uint64_t m_grant_seq = 0;
  uint64_t m_receipt_seq = 0;
  std::vector<std::pair<std::string, uint32_t>> m_datasets;  // id, owner
  std::vector<GrantModel> m_grants;                          // hot-g1, hot-g2, then g0, g1, …
  std::unordered_map<size_t, uint16_t> m_pairs;              // grants per (dataset, grantee)
};

}  // namespace

ledger::Genesis BenchGenesis(const BenchChainOptions& options) {
  ledger::Genesis genesis;
  genesis.chain_id = "covalue-bench";
  genesis.genesis_time_ms = kGenesisTime;
  for (uint32_t m = 0; m < options.members; ++m) {
    genesis.members.push_back({MemberId(m), ledger::kRoleMember, {KeyOf(MemberId(m)).public_key()}});
  }
  genesis.validators = {{"validator", KeyOf("validator").public_key()}};
  genesis.params.max_block_txs = std::max<uint32_t>(options.block_txs, 1 + options.members * kInitialDatasetsPerMember);
  return genesis;
}

int64_t BenchBlockTime(const ledger::Genesis& genesis, const BenchChainOptions& options,
                       uint64_t height) {
  return genesis.genesis_time_ms + static_cast<int64_t>(height) * options.block_interval_ms;
}

Result<BenchChainStats> BuildBenchChain(
    node::ChainStore& store, const ledger::Genesis& genesis, const BenchChainOptions& options,
    const std::function<void(uint64_t height, uint64_t txs)>& progress) {
  if (store.Head().height != 0) return Status(Code::kFailedPrecondition, "the store is not empty");
  unsigned threads = options.sign_threads ? options.sign_threads
                                          : std::max(1u, std::thread::hardware_concurrency());
  std::vector<crypto::KeyPair> keys;
  for (uint32_t m = 0; m < options.members; ++m) keys.push_back(KeyOf(MemberId(m)));
  const crypto::KeyPair validator = KeyOf("validator");
  // Blocks are made as a one-validator network makes them (BuildBlock, the validator's
  // precommit as the certificate, one batch), with signatures taken as verified (the
  // mempool verifies them before a block is built), at the clock's time.
  testing::FakeClock clock(genesis.genesis_time_ms);
  COVALUE_ASSIGN_OR_RETURN(testing::SoloProducer producer,
                           testing::SoloProducer::Create(store, genesis, validator, clock));
  Generator generator(genesis, options);
  BenchChainStats stats;
  Clock::time_point start = Clock::now();
  Clock::duration signing{};

  // Block h + 1 is generated and signed while block h executes and commits.
  auto prepare = [&](uint64_t height) {
    return std::async(std::launch::async, [&, height] {
      auto drafts = generator.Block(height, BenchBlockTime(genesis, options, height),
                                    options.block_txs);
      Clock::time_point begin = Clock::now();
      auto txs = SignDrafts(std::move(drafts), keys, threads);
      signing += Clock::now() - begin;
      return txs;
    });
  };
  uint64_t height = 1;
  auto next = prepare(height);
  while (stats.txs < options.txs) {
    COVALUE_ASSIGN_OR_RETURN(std::vector<ledger::Transaction> txs, next.get());
    size_t room = static_cast<size_t>(options.txs - stats.txs);
    if (txs.size() > room) txs.resize(room);  // the last block: exactly options.txs in all
    if (stats.txs + txs.size() < options.txs) next = prepare(height + 1);
    size_t count = txs.size();
    clock.Advance(BenchBlockTime(genesis, options, height) - clock.NowMillis());
    COVALUE_ASSIGN_OR_RETURN(testing::ProducedBlock produced, producer.Produce(std::move(txs)));
    if (!produced.rejected.empty() || produced.block.txs.size() != count) {
      return Status(Code::kInternal, "block " + std::to_string(height) + " left out " +
                                         (produced.rejected.empty()
                                              ? std::string("transactions over its limits")
                                              : produced.rejected.front().reason.ToString()));
    }
    for (const auto& result : produced.block.results) {
      if (!result.ok()) {
        return Status(Code::kInternal, "block " + std::to_string(height) + ": a transaction failed: " +
                                           result.message);
      }
    }
    stats.txs += count;
    stats.blocks = height;
    if (progress) progress(height, stats.txs);
    ++height;
  }
  stats.seconds = Seconds(Clock::now() - start);
  stats.sign_seconds = Seconds(signing);
  return stats;
}

}  // namespace covalue::bench
