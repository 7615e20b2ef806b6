// ChainStore + BlockProducer on the in-memory store: genesis initialisation, what one
// committed block holds and proves, atomicity under a failed write, determinism across
// nodes, and an auditor-style replay that reproduces every state root. (What the store keeps
// in memory beside it: chain_store_memory_test.cpp.)
#include <catch2/catch.hpp>

#include "consensus/commit_certificate.h"
#include "contracts/executor.h"
#include "contracts/member_record.h"
#include "crypto/merkle.h"
#include "node/block_builder.h"
#include "tests/support/test_support.h"

using namespace covalue;
using covalue::testing::DatasetRegisterTx;
using covalue::testing::SoloProducer;
using covalue::testing::TestChain;

TEST_CASE("initialising a store writes the genesis state once and recognises it again") {
  storage::MemoryKvStore kv;
  ledger::Genesis genesis = covalue::testing::TestGenesis();
  node::ChainStore store(kv);
  REQUIRE(store.Initialize(genesis).ok());
  node::ChainHead head = store.Head();
  CHECK(head.height == 0);
  CHECK(head.block_id == ledger::GenesisHash(genesis));
  CHECK(head.log_root == crypto::MerkleEmptyRoot());
  auto member = contracts::LoadMember(store, "maker");
  REQUIRE(member.ok());
  REQUIRE(member->has_value());
  CHECK((*member)->keys.front() == covalue::testing::KeyFromLabel("maker").public_key());

  node::ChainStore reopened(kv);
  REQUIRE(reopened.Initialize(genesis).ok());
  CHECK(reopened.Head() == head);

  ledger::Genesis other = genesis;
  other.chain_id = "another-chain";
  node::ChainStore foreign(kv);
  Status status = foreign.Initialize(other);
  CHECK(status.code() == Code::kConflict);
}

TEST_CASE("a produced block commits its transactions, results, proofs and certificate") {
  TestChain chain;
  auto tx1 = DatasetRegisterTx(chain.key("maker"), "telemetry", 10, 1);
  auto tx2 = DatasetRegisterTx(chain.key("analytics"), "emissions", 10, 2);
  node::ChainHead before = chain.store().Head();
  auto produced = chain.Produce({tx1, tx2});
  const ledger::Block& block = produced.block;
  REQUIRE(produced.rejected.empty());
  REQUIRE(block.txs.size() == 2);
  CHECK(block.header.height == 1);
  CHECK(block.header.previous_id == before.block_id);
  CHECK(block.header.log_size == 2);
  CHECK(block.header.txs_root == ledger::TransactionsRoot(block.txs));
  CHECK(block.results[0].ok());
  CHECK(block.results[0].events.at(0).kind == "dataset.registered");

  auto validators = consensus::ValidatorSet::Create(chain.genesis().validators);
  REQUIRE(validators.ok());
  CHECK(consensus::VerifyCommitCertificate(block.certificate, *validators, "covalue-test", 1,
                                           ledger::BlockId(block.header))
            .ok());

  auto stored = chain.store().GetBlock(1);
  REQUIRE(stored.ok());
  REQUIRE(stored->has_value());
  CHECK(**stored == block);
  CHECK(chain.store().Head().state_root == block.header.state_root);
  // As stored: the canonical encoding, certificate included (what a sync answer sends).
  auto stored_bytes = chain.store().GetBlockBytes(1);
  REQUIRE(stored_bytes.ok());
  REQUIRE(stored_bytes->has_value());
  CHECK(**stored_bytes == ledger::EncodeBlock(block));
  CHECK_FALSE(chain.store().GetBlockBytes(2).value().has_value());

  // Each transaction's leaf is provably in the log whose root the header carries.
  for (uint32_t i = 0; i < block.txs.size(); ++i) {
    auto location = chain.store().FindTx(ledger::TxId(block.txs[i]));
    REQUIRE(location.ok());
    REQUIRE(location->has_value());
    CHECK((*location)->height == 1);
    CHECK((*location)->index == i);
    Hash32 leaf = crypto::MerkleLeafHash(
        ledger::EncodeLogLeaf(1, i, ledger::TxId(block.txs[i]), block.results[i]));
    auto proof = crypto::MerkleInclusionProof(chain.store(), i, block.header.log_size);
    REQUIRE(proof.ok());
    CHECK(crypto::VerifyMerkleInclusion(leaf, i, block.header.log_size, *proof,
                                        block.header.log_root));
  }

  auto history = chain.store().History("member/maker", 0, 0, 10);
  REQUIRE(history.ok());
  REQUIRE(history->size() == 1);
  CHECK(history->front().tx_id == ledger::TxId(tx1));
}

TEST_CASE("later blocks extend the log consistently and history pages by cursor") {
  TestChain chain;
  for (uint64_t i = 0; i < 5; ++i) {
    chain.Produce({DatasetRegisterTx(chain.key("maker"), "set-" + std::to_string(i), 20, i)});
  }
  auto first = chain.store().GetBlock(2);
  auto last = chain.store().GetBlock(5);
  REQUIRE((first.ok() && last.ok() && first->has_value() && last->has_value()));
  const auto& old_header = (*first)->header;
  const auto& new_header = (*last)->header;
  auto proof = crypto::MerkleConsistencyProof(chain.store(), old_header.log_size, new_header.log_size);
  REQUIRE(proof.ok());
  CHECK(crypto::VerifyMerkleConsistency(old_header.log_size, new_header.log_size,
                                        old_header.log_root, new_header.log_root, *proof));

  auto page1 = chain.store().History("member/maker", 0, 0, 3);
  REQUIRE(page1.ok());
  REQUIRE(page1->size() == 3);
  auto page2 = chain.store().History("member/maker", page1->back().height,
                                     page1->back().index + 1, 3);
  REQUIRE(page2.ok());
  REQUIRE(page2->size() == 2);
  CHECK(page2->front().height == 4);
}

TEST_CASE("a failed block write changes nothing and the next attempt commits") {
  TestChain chain;
  node::ChainHead before = chain.store().Head();
  chain.kv().FailNextWrites(1);
  testing::FakeClock clock;
  auto producer = SoloProducer::Create(chain.store(), chain.genesis(),
                                              chain.validator_key(), clock);
  REQUIRE(producer.ok());
  auto tx = DatasetRegisterTx(chain.key("maker"), "telemetry", 10);
  auto failed = producer->Produce({tx});
  CHECK(failed.status().code() == Code::kIoError);
  CHECK(chain.store().Head() == before);
  auto dataset = chain.store().Get(contracts::DatasetStateKey("telemetry"));
  REQUIRE(dataset.ok());
  CHECK_FALSE(dataset->has_value());
  auto retried = producer->Produce({tx});
  REQUIRE(retried.ok());
  CHECK(chain.store().Head().height == 1);
}

TEST_CASE("two nodes applying the same transactions agree byte for byte") {
  TestChain a;
  TestChain b;
  for (uint64_t i = 0; i < 4; ++i) {
    auto tx = DatasetRegisterTx(a.key("maker"), "set-" + std::to_string(i % 3), 20, i);
    auto block_a = a.Produce({tx}).block;
    auto block_b = b.Produce({tx}).block;
    CHECK(ledger::EncodeBlock(block_a) == ledger::EncodeBlock(block_b));
    CHECK(a.store().Head() == b.store().Head());
  }
}

// An auditor's replay: re-execute every stored block on a fresh store from the genesis and
// check each header's state root and log root.
TEST_CASE("replaying the stored blocks from genesis reproduces every root") {
  TestChain chain;
  for (uint64_t i = 0; i < 6; ++i) {
    chain.Produce({DatasetRegisterTx(chain.key("maker"), "set-" + std::to_string(i), 20, i),
                   DatasetRegisterTx(chain.key("analytics"), "set-" + std::to_string(i), 20, i)});
  }
  storage::MemoryKvStore replay_kv;
  node::ChainStore replay(replay_kv);
  REQUIRE(replay.Initialize(chain.genesis()).ok());
  for (uint64_t h = 1; h <= chain.store().Head().height; ++h) {
    auto block = chain.store().GetBlock(h);
    REQUIRE((block.ok() && block->has_value()));
    const ledger::Block& b = **block;
    contracts::BlockContext context{"covalue-test", h, b.header.time_ms, chain.genesis().params,
                                    {}};
    auto execution = contracts::ExecuteBlock(replay, context, b.txs);
    REQUIRE(execution.ok());
    REQUIRE(execution->rejected.empty());
    crypto::MerkleLogWriter log(replay, replay.Head().log_size);
    for (uint32_t i = 0; i < execution->txs.size(); ++i) {
      CHECK(execution->txs[i].outcome.result == b.results[i]);
      REQUIRE(log.Append(crypto::MerkleLeafHash(ledger::EncodeLogLeaf(
                              h, i, execution->txs[i].tx_id, execution->txs[i].outcome.result)))
                  .ok());
    }
    CHECK(contracts::NextStateRoot(replay.Head().state_root, h, execution->changes) ==
          b.header.state_root);
    CHECK(*log.Root() == b.header.log_root);
    REQUIRE(replay.CommitBlock(b, *execution, log.new_nodes()).ok());
  }
  CHECK(replay.Head() == chain.store().Head());
}

TEST_CASE("a body that is not the one its header names is refused, results are recomputed") {
  TestChain proposer;
  TestChain validator;
  auto tx = DatasetRegisterTx(proposer.key("maker"), "telemetry", 10);
  ledger::Block block = proposer.Produce({tx}).block;
  node::VerifiedPredicate verify_all;

  SECTION("the honest body replays") {
    CHECK(ledger::CheckBlockBody(block).ok());
    CHECK(node::ReplayBlock(validator.store(), validator.genesis(), block, verify_all).ok());
  }
  SECTION("a changed signature changes the transactions root: malformed, not a state error") {
    block.txs[0].signatures[0][3] ^= 1;
    CHECK(ledger::CheckBlockBody(block).code() == Code::kMalformed);
    CHECK(node::ReplayBlock(validator.store(), validator.genesis(), block, verify_all)
              .status()
              .code() == Code::kMalformed);
  }
  SECTION("forged results are replaced by the validator's own") {
    block.results[0].message = "forged";
    auto replayed = node::ReplayBlock(validator.store(), validator.genesis(), block, verify_all);
    REQUIRE(replayed.ok());
    CHECK(replayed->block.results[0].message.empty());
    CHECK(replayed->block.results[0] == proposer.store().GetBlock(1).value()->results[0]);
  }
  SECTION("a block time too far ahead of the local clock is refused") {
    auto replayed = node::ReplayBlock(validator.store(), validator.genesis(), block, verify_all,
                                      block.header.time_ms - 1);
    CHECK(replayed.status().code() == Code::kInvalidArgument);
  }
}

// Block sync commits a run of certified blocks and syncs only the last: a power loss keeps a
// prefix of whole blocks — all up to the last synced write, which made the earlier ones
// durable too — and the store goes on from there.
TEST_CASE("blocks committed without sync are lost whole on power loss, up to the last synced one") {
  TestChain source;
  std::vector<ledger::Block> blocks;
  for (uint64_t i = 1; i <= 4; ++i) {
    auto tx = DatasetRegisterTx(source.key("maker"), "set-" + std::to_string(i), 20, i);
    blocks.push_back(source.Produce({tx}).block);
  }
  storage::MemoryKvStore kv;
  {
    node::ChainStore store(kv);
    REQUIRE(store.Initialize(source.genesis()).ok());
    for (size_t i = 0; i < blocks.size(); ++i) {
      auto built = node::ReplayBlock(store, source.genesis(), blocks[i], {});
      REQUIRE(built.ok());
      bool sync = i == 1;  // blocks 1, 3 and 4 unsynced
      REQUIRE(node::CommitBuiltBlock(store, *built, blocks[i].certificate, sync).ok());
    }
    CHECK(store.Head().height == 4);
  }
  kv.DropUnsynced();
  node::ChainStore reopened(kv);
  REQUIRE(reopened.Initialize(source.genesis()).ok());
  CHECK(reopened.Head().height == 2);
  CHECK(reopened.Head().block_id == ledger::BlockId(blocks[1].header));
  auto lost = reopened.GetBlock(3);
  REQUIRE(lost.ok());
  CHECK_FALSE(lost->has_value());
  auto dataset = reopened.Get(contracts::DatasetStateKey("set-3"));
  REQUIRE(dataset.ok());
  CHECK_FALSE(dataset->has_value());
  for (size_t i = 2; i < blocks.size(); ++i) {
    auto built = node::ReplayBlock(reopened, source.genesis(), blocks[i], {});
    REQUIRE(built.ok());
    REQUIRE(node::CommitBuiltBlock(reopened, *built, blocks[i].certificate).ok());
  }
  CHECK(reopened.Head() == source.store().Head());
}
