// ChainStore + BlockProducer on the in-memory store: genesis initialisation, what one
// committed block holds and proves, atomicity under a failed write, determinism across
// nodes, and an auditor-style replay that reproduces every state root.
#include <catch2/catch.hpp>

#include "consensus/commit_certificate.h"
#include "contracts/executor.h"
#include "contracts/member_record.h"
#include "crypto/merkle.h"
#include "node/block_builder.h"
#include "node/storage/memory_kv_store.h"
#include "node/store_keys.h"
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

namespace {

// The block that extends `store`'s head by one, empty, a millisecond later; with `log`, its
// header names that log's size and root.
ledger::Block NextBlock(const node::ChainStore& store, const ledger::Genesis& genesis,
                        const crypto::MerkleLogWriter* log = nullptr) {
  ledger::Block block;
  block.header.chain_id = genesis.chain_id;
  block.header.height = store.Head().height + 1;
  block.header.previous_id = store.Head().block_id;
  block.header.time_ms = store.Head().time_ms + 1;
  if (log != nullptr) {
    block.header.log_size = log->size();
    block.header.log_root = log->Root().value();
  }
  return block;
}

}  // namespace

TEST_CASE("a state value read before a commit is not served after it (the state cache)") {
  storage::MemoryKvStore kv;
  ledger::Genesis genesis = covalue::testing::TestGenesis();
  node::ChainStore store(kv);
  REQUIRE(store.Initialize(genesis).ok());
  const std::string key = contracts::MemberStateKey("maker");
  auto read = [&] {
    auto value = store.Get(key);
    REQUIRE(value.ok());
    return *value;
  };
  const std::optional<Bytes> genesis_value = read();
  REQUIRE(genesis_value.has_value());
  CHECK(read() == genesis_value);  // read again: now it is cached

  // Commits straight through CommitBlock: a block that extends the head, and changes.
  auto commit = [&](std::optional<Bytes> value) {
    contracts::BlockExecution execution;
    execution.changes[key] = std::move(value);
    REQUIRE(store.CommitBlock(NextBlock(store, genesis), execution, {}).ok());
  };
  commit(Bytes{1, 2, 3});
  CHECK(read() == std::optional<Bytes>(Bytes{1, 2, 3}));
  commit(std::nullopt);
  CHECK_FALSE(read().has_value());
  commit(*genesis_value);
  CHECK(read() == genesis_value);

  // A second ChainStore on the same store, as a restarted node, reads what was committed.
  node::ChainStore reopened(kv);
  REQUIRE(reopened.Initialize(genesis).ok());
  CHECK(reopened.Get(key).value() == genesis_value);
}

namespace {

// A MemoryKvStore that counts reads of Merkle log nodes (log/ keys).
class LogReadCountingStore final : public storage::KvStore {
 public:
  Result<std::optional<Bytes>> Get(ByteView key) const override {
    if (key.size() >= 4 && std::equal(key.begin(), key.begin() + 4, AsBytes("log/").begin())) {
      ++log_reads;
    }
    return m_kv.Get(key);
  }
  Status Write(const storage::WriteBatch& batch, bool sync) override {
    return m_kv.Write(batch, sync);
  }
  std::unique_ptr<storage::KvIterator> NewIterator() const override { return m_kv.NewIterator(); }
  mutable int log_reads = 0;

 private:
  storage::MemoryKvStore m_kv;
};

}  // namespace

TEST_CASE("the log's frontier is served from memory, across commits and a reopen") {
  LogReadCountingStore kv;
  ledger::Genesis genesis = covalue::testing::TestGenesis();
  node::ChainStore store(kv);
  REQUIRE(store.Initialize(genesis).ok());
  std::vector<Hash32> leaves;  // every leaf so far, for a root computed without the store
  // Blocks of 0 to 9 leaves: the frontier grows and collapses at many sizes.
  for (int block_leaves : {1, 0, 3, 4, 9, 2, 7, 1, 1, 5, 8, 6, 0, 3}) {
    kv.log_reads = 0;
    crypto::MerkleLogWriter log(store, store.Head().log_size);
    for (int i = 0; i < block_leaves; ++i) {
      Hash32 leaf = crypto::MerkleLeafHash(AsBytes("leaf " + std::to_string(leaves.size())));
      leaves.push_back(leaf);
      REQUIRE(log.Append(leaf).ok());
    }
    auto root = log.Root();
    REQUIRE(root.ok());
    CHECK(kv.log_reads == 0);  // appending and the root read only the frontier
    CHECK(*root == crypto::MerkleRootOfLeafHashes(leaves));

    REQUIRE(store.CommitBlock(NextBlock(store, genesis, &log), {}, log.new_nodes()).ok());
  }
  // The frontier in memory is the nodes a log built from the leaves alone has there.
  const uint64_t size = store.Head().log_size;
  REQUIRE(size == leaves.size());
  crypto::MemoryMerkleNodes none;
  crypto::MerkleLogWriter rebuilt(none, 0);
  for (const Hash32& leaf : leaves) REQUIRE(rebuilt.Append(leaf).ok());
  for (const crypto::MerkleNode& place : crypto::MerkleFrontierPlaces(size)) {
    auto from_memory = store.GetNode(place.level, place.index);
    REQUIRE(from_memory.ok());
    CHECK(*from_memory == rebuilt.GetNode(place.level, place.index).value());
  }
  // A restarted node loads the frontier once, then appends without reading the store.
  kv.log_reads = 0;
  node::ChainStore reopened(kv);
  REQUIRE(reopened.Initialize(genesis).ok());
  CHECK(kv.log_reads == static_cast<int>(crypto::MerkleFrontierPlaces(size).size()));
  kv.log_reads = 0;
  crypto::MerkleLogWriter log(reopened, size);
  leaves.push_back(crypto::MerkleLeafHash(AsBytes("one more")));
  REQUIRE(log.Append(leaves.back()).ok());
  CHECK(log.Root().value() == crypto::MerkleRootOfLeafHashes(leaves));
  CHECK(kv.log_reads == 0);
}

TEST_CASE(
    "the consensus WAL is read per height, and a commit deletes it up to its height, leftovers "
    "too") {
  storage::MemoryKvStore kv;
  ledger::Genesis genesis = covalue::testing::TestGenesis();
  auto store = std::make_unique<node::ChainStore>(kv);
  REQUIRE(store->Initialize(genesis).ok());
  auto wal = [&](uint64_t height) {
    auto messages = store->ReadConsensusWal(height);
    REQUIRE(messages.ok());
    std::vector<std::string> out;
    for (const Bytes& m : *messages) out.emplace_back(AsString(m));
    return out;
  };
  auto append = [&](uint64_t height, std::string_view message) {
    REQUIRE(store->AppendConsensusWal(height, AsBytes(message)).ok());
  };
  auto commit = [&] { REQUIRE(store->CommitBlock(NextBlock(*store, genesis), {}, {}).ok()); };
  using Messages = std::vector<std::string>;
  append(1, "a");
  append(2, "c");
  append(1, "b");
  append(3, "d");
  CHECK(wal(1) == Messages{"a", "b"});
  CHECK(wal(2) == Messages{"c"});
  commit();  // height 1
  CHECK(wal(1).empty());
  CHECK(wal(2) == Messages{"c"});
  append(1, "late");  // for a height already committed: deleted by the next commit
  commit();  // height 2
  CHECK(wal(1).empty());
  CHECK(wal(2).empty());
  CHECK(wal(3) == Messages{"d"});
  // A leftover below the head when the node stops; after a restart the next commit
  // deletes it too, and new entries follow the old ones.
  append(2, "stale");
  store = std::make_unique<node::ChainStore>(kv);
  REQUIRE(store->Initialize(genesis).ok());
  CHECK(wal(2) == Messages{"stale"});
  append(3, "e");
  CHECK(wal(3) == Messages{"d", "e"});
  commit();  // height 3
  CHECK(wal(2).empty());
  CHECK(wal(3).empty());
  auto it = kv.NewIterator();
  it->Seek(AsBytes("wal/"));
  CHECK((!it->Valid() || AsString(it->key()).rfind("wal/", 0) != 0));  // none left at all
}

TEST_CASE("a failed commit leaves the head, the log frontier and the consensus WAL as they were") {
  storage::MemoryKvStore kv;
  ledger::Genesis genesis = covalue::testing::TestGenesis();
  node::ChainStore store(kv);
  REQUIRE(store.Initialize(genesis).ok());
  // Block 1 with three leaves; its frontier is (1, 0) and (0, 2).
  auto block_with = [&](const crypto::MerkleLogWriter& log) {
    return NextBlock(store, genesis, &log);
  };
  std::vector<Hash32> leaves;
  auto append = [&](crypto::MerkleLogWriter& log, int n) {
    for (int i = 0; i < n; ++i) {
      leaves.push_back(crypto::MerkleLeafHash(AsBytes("leaf " + std::to_string(leaves.size()))));
      REQUIRE(log.Append(leaves.back()).ok());
    }
  };
  crypto::MerkleLogWriter first(store, 0);
  append(first, 3);
  REQUIRE(store.CommitBlock(block_with(first), {}, first.new_nodes()).ok());
  const node::ChainHead head = store.Head();
  REQUIRE(store.AppendConsensusWal(2, AsBytes("vote")).ok());

  // Block 2 (five more leaves) fails to be written: nothing moves.
  crypto::MerkleLogWriter second(store, head.log_size);
  append(second, 5);
  kv.FailNextWrites(1);
  CHECK(store.CommitBlock(block_with(second), {}, second.new_nodes()).code() ==
        Code::kIoError);
  CHECK(store.Head() == head);
  CHECK(store.GetNode(1, 0).value() == crypto::MerkleRootOfLeafHashes(std::span(leaves).first(2)));
  CHECK(store.GetNode(0, 2).value() == leaves[2]);
  CHECK(store.GetNode(2, 0).status().code() == Code::kCorruption);  // block 2's, never stored
  CHECK(store.ReadConsensusWal(2).value().size() == 1);

  // The same block written again commits, and deletes height 2's WAL.
  REQUIRE(store.CommitBlock(block_with(second), {}, second.new_nodes()).ok());
  CHECK(store.Head().log_size == 8);
  CHECK(crypto::MerkleRoot(store, 8).value() == crypto::MerkleRootOfLeafHashes(leaves));
  CHECK(store.ReadConsensusWal(2).value().empty());
}

TEST_CASE("a frontier node missing from the store is reported when it is needed, not at open") {
  storage::MemoryKvStore kv;
  ledger::Genesis genesis = covalue::testing::TestGenesis();
  {
    node::ChainStore store(kv);
    REQUIRE(store.Initialize(genesis).ok());
    crypto::MerkleLogWriter log(store, 0);
    for (int i = 0; i < 6; ++i) {
      REQUIRE(log.Append(crypto::MerkleLeafHash(AsBytes("leaf " + std::to_string(i)))).ok());
    }
    REQUIRE(store.CommitBlock(NextBlock(store, genesis, &log), {}, log.new_nodes()).ok());
  }
  // The frontier of 6 leaves is (2, 0) and (1, 2); (1, 2) is lost.
  Bytes lost = node::keys::Key("log/");
  lost.push_back(1);
  node::keys::AppendBigEndian(lost, 2, 8);
  REQUIRE(kv.Get(lost).value().has_value());  // the key layout is as storage.md says
  storage::WriteBatch damage;
  damage.Delete(lost);
  REQUIRE(kv.Write(damage, true).ok());

  node::ChainStore reopened(kv);
  REQUIRE(reopened.Initialize(genesis).ok());
  CHECK(reopened.GetNode(2, 0).ok());  // the rest of the frontier is kept
  CHECK(reopened.GetNode(1, 2).status().code() == Code::kCorruption);
  crypto::MerkleLogWriter log(reopened, 6);
  // Leaf 6 completes no subtree (6 is even), so appending reads nothing; the root needs (1, 2).
  REQUIRE(log.Append(crypto::MerkleLeafHash(AsBytes("leaf 6"))).ok());
  CHECK(log.Root().status().code() == Code::kCorruption);
}
