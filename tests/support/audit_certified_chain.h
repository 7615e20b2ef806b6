// Test fixtures shared by the auditor's kit tests (tests/unit/audit_*_test.cpp):
// CertifiedChain — a chain of four genesis validators whose blocks v0 proposes and v0..v2
// certify, committed to any KvStore — BytesSource, a ChainSource over encoded blocks, and
// Verify / NamesBlock, WriteFiveBlockFolder. For tests only; not thread-safe.
#pragma once

#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "contracts/state.h"
#include "node/audit/chain_source.h"
#include "node/audit/chain_verifier.h"
#include "node/block_builder.h"
#include "node/storage/rocks_kv_store.h"
#include "tests/support/test_support.h"

namespace covalue::testing {

// The test genesis with validators v0..v3; blocks proposed by v0 and certified by `signers`.
class CertifiedChain {
 public:
  explicit CertifiedChain(storage::KvStore& kv) : m_store(kv) {
    m_genesis = TestGenesis();
    m_genesis.validators.clear();
    for (int i = 0; i < 4; ++i) {
      m_keys.push_back(KeyFromLabel("v" + std::to_string(i)));
      m_genesis.validators.push_back({"v" + std::to_string(i), m_keys.back().public_key()});
    }
    REQUIRE(m_store.Initialize(m_genesis).ok());
  }
  const ledger::Genesis& genesis() const { return m_genesis; }
  node::ChainStore& store() { return m_store; }

  consensus::CommitCertificate Certify(const ledger::BlockHeader& header,
                                       std::vector<uint32_t> signers = {0, 1, 2}) const {
    consensus::CommitCertificate certificate{header.height, 0, ledger::BlockId(header), {}};
    for (uint32_t i : signers) {
      certificate.signatures.push_back(
          {i, consensus::SignVote(m_keys[i], m_genesis.chain_id, consensus::VoteType::kPrecommit,
                                  header.height, 0, certificate.block_id)});
    }
    return certificate;
  }
  // Builds, certifies and commits the next block; returns it as stored.
  ledger::Block Add(std::vector<ledger::Transaction> txs) {
    m_time += 1000;
    auto built =
        node::BuildBlock(m_store, m_genesis, m_keys[0].public_key(), m_time, std::move(txs), {});
    REQUIRE(built.ok());
    auto certificate = Certify(built->block.header);
    REQUIRE(node::CommitBuiltBlock(m_store, *built, certificate).ok());
    auto stored = m_store.GetBlock(m_store.Head().height);
    REQUIRE((stored.ok() && stored->has_value()));
    return **stored;
  }
  // Five blocks: datasets of maker and analytics, one refused (already exists) in block 3.
  std::vector<ledger::Block> AddFive() {
    std::vector<ledger::Block> blocks;
    const auto maker = KeyFromLabel("maker");
    const auto analytics = KeyFromLabel("analytics");
    blocks.push_back(Add({DatasetRegisterTx(maker, "telemetry", 100, 1)}));
    blocks.push_back(Add({DatasetRegisterTx(analytics, "emissions", 100, 1),
                          DatasetRegisterTx(maker, "presses", 100, 2)}));
    blocks.push_back(Add({DatasetRegisterTx(maker, "telemetry", 100, 3)}));  // already exists
    blocks.push_back(Add({DatasetRegisterTx(analytics, "routes", 100, 2)}));
    blocks.push_back(Add({DatasetRegisterTx(maker, "lines", 100, 4)}));
    return blocks;
  }
  // The block a dishonest quorum could certify on the head without executing `txs`: links,
  // body (transactions root), a result `ok` per transaction, the log root and size over those
  // results and a state root over no changes are all as a node would compute them, and the
  // certificate is valid — only executing the transactions can tell it is wrong. Not
  // committed.
  ledger::Block Forge(std::vector<ledger::Transaction> txs) {
    const node::ChainHead head = m_store.Head();
    ledger::Block block;
    ledger::BlockHeader& header = block.header;
    header.chain_id = m_genesis.chain_id;
    header.height = head.height + 1;
    header.time_ms = head.time_ms + 1000;
    header.previous_id = head.block_id;
    header.proposer = m_keys[0].public_key();
    block.txs = std::move(txs);
    header.txs_root = ledger::TransactionsRoot(block.txs);
    block.results.assign(block.txs.size(), ledger::TxResult{});
    crypto::MerkleLogWriter log(m_store, head.log_size);
    for (uint32_t i = 0; i < block.txs.size(); ++i) {
      REQUIRE(log.Append(crypto::MerkleLeafHash(ledger::EncodeLogLeaf(
                             header.height, i, ledger::TxId(block.txs[i]), block.results[i])))
                  .ok());
    }
    auto root = log.Root();
    REQUIRE(root.ok());
    header.log_root = *root;
    header.log_size = log.size();
    header.state_root = contracts::NextStateRoot(head.state_root, header.height, {});
    block.certificate = Certify(header);
    return block;
  }

 private:
  ledger::Genesis m_genesis;
  std::vector<crypto::KeyPair> m_keys;
  node::ChainStore m_store;
  int64_t m_time = m_genesis.genesis_time_ms;
};

// Blocks held as bytes, as a data folder or a node would hand them over.
class BytesSource final : public audit::ChainSource {
 public:
  explicit BytesSource(const std::vector<ledger::Block>& blocks) {
    for (const auto& b : blocks) m_encoded.push_back(ledger::EncodeBlock(b));
    m_range.last = m_encoded.size();
  }
  std::string Describe() const override { return "test blocks"; }
  const audit::SourceRange& range() const override { return m_range; }
  Result<ledger::Block> ReadBlock(uint64_t height) override {
    return audit::DecodeBlockAt(height, m_encoded.at(height - 1));
  }
  std::vector<Bytes> m_encoded;
  audit::SourceRange m_range;
};

// Verifies `source` from the genesis (or `anchor`); returns the status and the report.
inline std::pair<Status, audit::AuditReport> Verify(
    audit::ChainSource& source, const ledger::Genesis& genesis,
    std::optional<audit::RangeAnchor> anchor = std::nullopt) {
  auto verifier = audit::ChainVerifier::Create(genesis, std::move(anchor));
  REQUIRE(verifier.ok());
  Status status = audit::VerifyChain(source, **verifier);
  return {status, (*verifier)->report()};
}

// A new RocksDB data folder at `path` holding CertifiedChain::AddFive's chain, closed again;
// its genesis.
inline ledger::Genesis WriteFiveBlockFolder(const std::string& path) {
  auto kv = storage::RocksKvStore::Open(path);
  REQUIRE(kv.ok());
  CertifiedChain chain(**kv);
  chain.AddFive();
  return chain.genesis();
}

// The status names block `height` first, as every per-block finding does.
inline bool NamesBlock(const Status& status, uint64_t height) {
  return status.message().rfind("block " + std::to_string(height) + ": ", 0) == 0;
}

}  // namespace covalue::testing
