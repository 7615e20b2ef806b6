// The auditor's comparison of a data folder's derived data with its replay
// (node/audit/stored_data_check.h, docs/spec/audit.md step 8), through `audit verify --data`'s
// DataFolderSource: the state versions (sv/) that serve ?as_of answers are compared from the
// height the folder keeps them from — a forged, missing or extra version fails naming it, in
// a folder created with versions and in one upgraded from the older layout — and a folder
// without meta/genesis or meta/indexes is refused naming the record, without being changed.
#include <catch2/catch.hpp>

#include <functional>
#include <string>

#include "node/audit/data_folder_source.h"
#include "node/chain_indexes.h"
#include "node/storage/rocks_kv_store.h"
#include "node/store_keys.h"
#include "tests/support/temp_dir.h"
#include "tests/support/audit_certified_chain.h"

using namespace covalue;
using covalue::testing::CertifiedChain;
using covalue::testing::DatasetRegisterTx;
using covalue::testing::KeyFromLabel;
using covalue::testing::Verify;
using covalue::testing::WriteFiveBlockFolder;

namespace {

// sv/<state key> 0x00 <u64be ~height> (docs/spec/storage.md §History, time and state versions).
Bytes VersionKey(std::string_view state_key, uint64_t height) {
  Bytes key = node::keys::Key("sv/", AsBytes(state_key));
  key.push_back(0);
  node::keys::AppendBigEndian(key, ~height, 8);
  return key;
}

// A present version's value: u8 1 ‖ the value.
Bytes Present(std::string_view value) {
  Bytes out(1 + value.size(), 1);
  std::copy(value.begin(), value.end(), out.begin() + 1);
  return out;
}

// Applies `change` to the folder at `path` (opened for writing), audits it with --data's
// source, then puts back the values of `touched` as they were.
Status AuditChanged(const std::string& path, const ledger::Genesis& genesis,
                    const std::vector<Bytes>& touched,
                    const std::function<void(storage::WriteBatch&)>& change) {
  std::vector<std::optional<Bytes>> before;
  {
    auto kv = storage::RocksKvStore::Open(path);
    REQUIRE(kv.ok());
    for (const auto& key : touched) {
      auto value = (*kv)->Get(key);
      REQUIRE(value.ok());
      before.push_back(*value);
    }
    storage::WriteBatch batch;
    change(batch);
    REQUIRE((*kv)->Write(batch, true).ok());
  }
  Status status;
  {
    auto source = audit::DataFolderSource::Open(path, genesis);
    REQUIRE(source.ok());
    status = Verify(**source, genesis).first;
  }
  auto kv = storage::RocksKvStore::Open(path);
  REQUIRE(kv.ok());
  storage::WriteBatch restore;
  for (size_t i = 0; i < touched.size(); ++i) {
    if (before[i]) {
      restore.Put(touched[i], *before[i]);
    } else {
      restore.Delete(touched[i]);
    }
  }
  REQUIRE((*kv)->Write(restore, true).ok());
  return status;
}

audit::AuditReport AuditSound(const std::string& path, const ledger::Genesis& genesis) {
  auto source = audit::DataFolderSource::Open(path, genesis);
  REQUIRE(source.ok());
  auto [status, report] = Verify(**source, genesis);
  INFO(status.ToString());
  REQUIRE(status.ok());
  CHECK(report.stored_data_compared);
  return report;
}

}  // namespace

TEST_CASE(
    "audit: state versions: a forged, missing or extra sv/ entry fails verify --data naming it") {
  covalue::testing::TempDir dir;
  const std::string path = dir.Sub("db");
  const ledger::Genesis genesis = WriteFiveBlockFolder(path);
  CHECK(AuditSound(path, genesis).state_versions_from == 0);

  // dataset/telemetry was registered in block 1; block 3's second registration was refused.
  const Bytes at_1 = VersionKey("dataset/telemetry", 1);
  Status status =
      AuditChanged(path, genesis, {at_1}, [&](auto& batch) { batch.Put(at_1, Present("forged")); });
  CHECK(status.message() ==
        "stored data: the data folder's sv/dataset/telemetry at height 1 differs from the "
        "replay's");
  status = AuditChanged(path, genesis, {at_1}, [&](auto& batch) { batch.Delete(at_1); });
  CHECK(status.message() ==
        "stored data: the data folder lacks sv/dataset/telemetry at height 1, which the replay "
        "gives");
  // A version that makes ?as_of=3 answer a record no block wrote.
  const Bytes at_3 = VersionKey("dataset/telemetry", 3);
  status =
      AuditChanged(path, genesis, {at_3}, [&](auto& batch) { batch.Put(at_3, Present("forged")); });
  CHECK(status.message() ==
        "stored data: the data folder holds sv/dataset/telemetry at height 3, which the replay "
        "does not give");
  // The genesis state's versions (height 0) are compared too.
  const Bytes member = VersionKey("member/maker", 0);
  status = AuditChanged(path, genesis, {member}, [&](auto& batch) { batch.Delete(member); });
  CHECK(status.message().find("lacks sv/member/maker at height 0") != std::string::npos);
  // meta/indexes may not claim versions from after the head.
  status = AuditChanged(path, genesis, {node::keys::Key("meta/indexes")},
                        [&](auto& batch) { node::indexes::PutIndexMeta(batch, 9); });
  CHECK(status.message().find("state versions start at height 9, after its head 5") !=
        std::string::npos);
  // Differences in several families, compared on different threads: the first family in the
  // order of docs/spec/audit.md step 8 is named, whichever thread gets there first.
  // (The threads take hist/ before st/, and log/ before tx/.)
  const Bytes hist = node::keys::Key("hist/zz-forged");
  const Bytes st = node::keys::Key("st/zz-forged");
  const Bytes log = node::keys::Key("log/zz-forged");
  const Bytes tx = node::keys::Key("tx/zz-forged");
  for (int round = 0; round < 3; ++round) {
    status = AuditChanged(path, genesis, {hist, st, at_3}, [&](auto& batch) {
      batch.Put(hist, AsBytes("x"));
      batch.Put(st, AsBytes("x"));
      batch.Put(at_3, Present("forged"));
    });
    CHECK(status.message() ==
          "stored data: the data folder holds st/zz-forged, which the replay does not give");
    status = AuditChanged(path, genesis, {log, tx}, [&](auto& batch) {
      batch.Put(log, AsBytes("x"));
      batch.Put(tx, AsBytes("x"));
    });
    CHECK(status.message() ==
          "stored data: the data folder holds tx/zz-forged, which the replay does not give");
    // A key family's difference comes before one in meta/indexes, which comes before sv/'s.
    status = AuditChanged(path, genesis, {hist, node::keys::Key("meta/indexes"), at_3},
                          [&](auto& batch) {
                            batch.Put(hist, AsBytes("x"));
                            node::indexes::PutIndexMeta(batch, 9);
                            batch.Put(at_3, Present("forged"));
                          });
    CHECK(status.message() ==
          "stored data: the data folder holds hist/zz-forged, which the replay does not give");
    status = AuditChanged(path, genesis, {node::keys::Key("meta/indexes"), at_3},
                          [&](auto& batch) {
                            node::indexes::PutIndexMeta(batch, 9);
                            batch.Put(at_3, Present("forged"));
                          });
    CHECK(status.message().find("state versions start at height 9, after its head 5") !=
          std::string::npos);
  }
  // Everything put back: sound again.
  AuditSound(path, genesis);
}

TEST_CASE(
    "audit: state versions of a folder upgraded from the older layout are compared from there") {
  covalue::testing::TempDir dir;
  const std::string path = dir.Sub("db");
  ledger::Genesis genesis;
  {
    auto kv = storage::RocksKvStore::Open(path);
    REQUIRE(kv.ok());
    CertifiedChain chain(**kv);
    const auto maker = KeyFromLabel("maker");
    chain.Add({DatasetRegisterTx(maker, "telemetry", 100, 1)});
    chain.Add({DatasetRegisterTx(maker, "presses", 100, 2)});
    chain.Add({DatasetRegisterTx(maker, "lines", 100, 3)});
    // As a folder written before versioned state: no sv/ and no meta/indexes; then the
    // node's one-time upgrade at its head (3), and two more blocks.
    storage::WriteBatch older;
    auto it = (*kv)->NewIterator();
    const Bytes prefix = node::keys::Key("sv/");
    for (it->Seek(prefix); it->Valid() && node::keys::HasPrefix(it->key(), prefix); it->Next()) {
      older.Delete(it->key());
    }
    it.reset();
    older.Delete(node::keys::Key("meta/indexes"));
    REQUIRE((*kv)->Write(older, true).ok());
    REQUIRE(node::indexes::UpgradeFolder(**kv, 3).ok());
    chain.Add({DatasetRegisterTx(maker, "routes", 100, 4)});
    chain.Add({DatasetRegisterTx(maker, "telemetry", 100, 5)});  // refused: no change
    genesis = chain.genesis();
  }
  CHECK(AuditSound(path, genesis).state_versions_from == 3);

  // At height 3 the folder holds the state as it stood then, not the versions before it: a
  // version below the upgrade is not the replay's, nor is a missing key of the state at 3.
  const Bytes at_1 = VersionKey("dataset/telemetry", 1);
  Status status =
      AuditChanged(path, genesis, {at_1}, [&](auto& batch) { batch.Put(at_1, Present("x")); });
  CHECK(status.message() ==
        "stored data: the data folder holds sv/dataset/telemetry at height 1, which the replay "
        "does not give");
  const Bytes at_3 = VersionKey("dataset/telemetry", 3);
  status = AuditChanged(path, genesis, {at_3}, [&](auto& batch) { batch.Delete(at_3); });
  CHECK(status.message() ==
        "stored data: the data folder lacks sv/dataset/telemetry at height 3, which the replay "
        "gives");
  const Bytes at_4 = VersionKey("dataset/routes", 4);
  status =
      AuditChanged(path, genesis, {at_4}, [&](auto& batch) { batch.Put(at_4, Present("forged")); });
  CHECK(status.message() ==
        "stored data: the data folder's sv/dataset/routes at height 4 differs from the replay's");
  AuditSound(path, genesis);
}

TEST_CASE(
    "audit: a folder without meta/genesis or meta/indexes is refused naming it, and not changed") {
  covalue::testing::TempDir dir;
  const std::string path = dir.Sub("db");
  const ledger::Genesis genesis = WriteFiveBlockFolder(path);
  auto without = [&](std::string_view record) {
    {
      auto kv = storage::RocksKvStore::Open(path);
      REQUIRE(kv.ok());
      storage::WriteBatch batch;
      batch.Delete(node::keys::Key(record));
      REQUIRE((*kv)->Write(batch, true).ok());
    }
    Status opened = audit::DataFolderSource::Open(path, genesis).status();
    auto kv = storage::RocksKvStore::Open(path);
    REQUIRE(kv.ok());
    auto still = (*kv)->Get(node::keys::Key(record));
    REQUIRE(still.ok());
    CHECK(!still->has_value());  // the auditor wrote nothing
    return opened;
  };
  Status indexes = without("meta/indexes");
  INFO(indexes.ToString());
  CHECK(indexes.code() == Code::kFailedPrecondition);
  CHECK(indexes.message().find("predates the index layout") != std::string::npos);
  CHECK(indexes.message().find("meta/indexes") != std::string::npos);
  CHECK(indexes.message().find("audit verify --node") != std::string::npos);
  CHECK(indexes.message().find("start") == std::string::npos);  // never "start its node"
  Status genesis_missing = without("meta/genesis");
  INFO(genesis_missing.ToString());
  CHECK(genesis_missing.code() == Code::kCorruption);
  CHECK(genesis_missing.message().find("no meta/genesis record") != std::string::npos);
}
