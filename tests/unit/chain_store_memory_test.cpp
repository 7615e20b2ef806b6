// What a ChainStore keeps in memory beside its store — the cache of state values, the Merkle
// log's frontier, the lowest height the consensus WAL may hold entries at, the ids of recent
// transactions — stays equal to the store: across commits, a failed write, a reopen, and a
// store missing a node. (Blocks, indexes, proofs and replays: chain_store_test.cpp.)
#include <catch2/catch.hpp>

#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "contracts/member_record.h"
#include "crypto/hash.h"
#include "crypto/merkle.h"
#include "node/chain_store.h"
#include "node/storage/memory_kv_store.h"
#include "node/store_keys.h"
#include "tests/support/test_support.h"

using namespace covalue;

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

// A MemoryKvStore that counts reads of the keys that start with `prefix` ("log/": Merkle log
// nodes).
class ReadCountingStore final : public storage::KvStore {
 public:
  explicit ReadCountingStore(std::string prefix) : m_prefix(std::move(prefix)) {}
  Result<std::optional<Bytes>> Get(ByteView key) const override {
    if (AsString(key).starts_with(m_prefix)) ++reads;
    return m_kv.Get(key);
  }
  Status Write(const storage::WriteBatch& batch, bool sync) override {
    return m_kv.Write(batch, sync);
  }
  Status WriteMoved(storage::WriteBatch&& batch, bool sync) override {
    return m_kv.WriteMoved(std::move(batch), sync);
  }
  std::unique_ptr<storage::KvIterator> NewIterator() const override { return m_kv.NewIterator(); }
  storage::MemoryKvStore& inner() { return m_kv; }
  mutable int reads = 0;

 private:
  const std::string m_prefix;
  storage::MemoryKvStore m_kv;
};

}  // namespace

TEST_CASE("the log's frontier is served from memory, across commits and a reopen") {
  ReadCountingStore kv("log/");
  ledger::Genesis genesis = covalue::testing::TestGenesis();
  node::ChainStore store(kv);
  REQUIRE(store.Initialize(genesis).ok());
  std::vector<Hash32> leaves;  // every leaf so far, for a root computed without the store
  // Blocks of 0 to 9 leaves: the frontier grows and collapses at many sizes.
  for (int block_leaves : {1, 0, 3, 4, 9, 2, 7, 1, 1, 5, 8, 6, 0, 3}) {
    kv.reads = 0;
    crypto::MerkleLogWriter log(store, store.Head().log_size);
    for (int i = 0; i < block_leaves; ++i) {
      Hash32 leaf = crypto::MerkleLeafHash(AsBytes("leaf " + std::to_string(leaves.size())));
      leaves.push_back(leaf);
      REQUIRE(log.Append(leaf).ok());
    }
    auto root = log.Root();
    REQUIRE(root.ok());
    CHECK(kv.reads == 0);  // appending and the root read only the frontier
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
  kv.reads = 0;
  node::ChainStore reopened(kv);
  REQUIRE(reopened.Initialize(genesis).ok());
  CHECK(kv.reads == static_cast<int>(crypto::MerkleFrontierPlaces(size).size()));
  kv.reads = 0;
  crypto::MerkleLogWriter log(reopened, size);
  leaves.push_back(crypto::MerkleLeafHash(AsBytes("one more")));
  REQUIRE(log.Append(leaves.back()).ok());
  CHECK(log.Root().value() == crypto::MerkleRootOfLeafHashes(leaves));
  CHECK(kv.reads == 0);
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

namespace {

// The next block after `store`'s head holding `count` dataset registrations by maker (nonces
// from `nonce` on, expiring 3 blocks on: within the lifetime of the test below) with empty
// results, and the execution CommitBlock
// takes with it: the transactions and their ids (nothing else is looked at here).
std::pair<ledger::Block, contracts::BlockExecution> BlockOfTxs(const node::ChainStore& store,
                                                               const ledger::Genesis& genesis,
                                                               int count, uint64_t& nonce) {
  ledger::Block block = NextBlock(store, genesis);
  contracts::BlockExecution execution;
  for (int i = 0; i < count; ++i, ++nonce) {
    ledger::Transaction tx = covalue::testing::DatasetRegisterTx(
        covalue::testing::KeyFromLabel("maker"), "set-" + std::to_string(nonce),
        block.header.height + 3, nonce);
    execution.txs.push_back({tx, ledger::TxId(tx), {}});
    block.txs.push_back(std::move(tx));
    block.results.emplace_back();
  }
  return {std::move(block), std::move(execution)};
}

}  // namespace

TEST_CASE("the replay check answers from the recent ids in memory, and from the store beyond") {
  ReadCountingStore kv("tx/");
  ledger::Genesis genesis = covalue::testing::TestGenesis();
  genesis.params.max_tx_lifetime = 3;
  node::ChainStore store(kv);
  REQUIRE(store.Initialize(genesis).ok());
  auto committed = [&](const node::ChainStore& reader, const Hash32& id, uint64_t earliest) {
    auto answer = reader.IsCommitted(id, earliest);
    REQUIRE(answer.ok());
    return *answer;
  };
  uint64_t nonce = 1;
  std::vector<std::pair<uint64_t, Hash32>> ids;  // (height, id) of every committed transaction
  for (int block = 1; block <= 6; ++block) {
    auto [next, execution] = BlockOfTxs(store, genesis, 2, nonce);
    for (const auto& executed : execution.txs) ids.emplace_back(next.header.height, executed.tx_id);
    REQUIRE(store.CommitBlock(next, execution, {}).ok());
  }
  const Hash32 fresh = crypto::Sha256(AsBytes("never committed"));
  // `reader` answers a fresh id from memory when told it can only have committed at
  // `kept_from` or later, and reads the store when told one height lower; every committed id
  // is found.
  auto answers_from_memory_from = [&](const node::ChainStore& reader, uint64_t kept_from) {
    kv.reads = 0;
    CHECK_FALSE(committed(reader, fresh, kept_from));
    CHECK_FALSE(committed(reader, fresh, 100));
    CHECK(kv.reads == 0);
    CHECK_FALSE(committed(reader, fresh, kept_from - 1));
    CHECK(kv.reads == 1);
    for (const auto& [height, id] : ids) {
      CHECK(committed(reader, id, height));
      CHECK(committed(reader, id, 0));
    }
  };

  // Head 6, lifetime 3: a transaction still admissible can only have committed at height 4
  // or later, so the ids of heights 4-6 are kept.
  answers_from_memory_from(store, 4);

  // Block 7 fails to be written: its ids are not committed; written again, they are.
  auto [seventh, execution] = BlockOfTxs(store, genesis, 2, nonce);
  kv.inner().FailNextWrites(1);
  CHECK(store.CommitBlock(seventh, execution, {}).code() == Code::kIoError);
  for (const auto& executed : execution.txs) CHECK_FALSE(committed(store, executed.tx_id, 7));
  REQUIRE(store.CommitBlock(seventh, execution, {}).ok());
  for (const auto& executed : execution.txs) {
    CHECK(committed(store, executed.tx_id, 7));
    ids.emplace_back(7, executed.tx_id);
  }

  // A restarted node loads the ids of heights 5-7 from the blocks.
  node::ChainStore reopened(kv);
  REQUIRE(reopened.Initialize(genesis).ok());
  answers_from_memory_from(reopened, 5);
  // With room for 3 ids, only height 7's two are loaded (height 6's would make 4).
  node::ChainStore small(kv, node::ChainStore::kStateCacheBytes, 3);
  REQUIRE(small.Initialize(genesis).ok());
  answers_from_memory_from(small, 7);
  // None kept at all: the store answers every time.
  node::ChainStore none(kv, node::ChainStore::kStateCacheBytes, 0);
  REQUIRE(none.Initialize(genesis).ok());
  kv.reads = 0;
  CHECK_FALSE(committed(none, fresh, 7));
  CHECK(kv.reads == 1);
}
