// History by height and time range with cursor paging, and state "as of" a past height
// (node/chain_indexes.h, node/history_api.h, node/state_as_of.h): at the ChainStore level and
// through the real HTTP server, on a one-validator chain in RocksDB whose blocks are made at
// chosen times (one block a day from 2026-05-01); versioned state surviving a restart; and a
// data folder written before the indexes, upgraded on open.
#include <catch2/catch.hpp>

#include <map>
#include <memory>

#include "common/civil_time.h"
#include "contracts/grants.h"
#include "contracts/ventures.h"
#include "node/chain_indexes.h"
#include "node/storage/memory_kv_store.h"
#include "node/storage/rocks_kv_store.h"
#include "tests/support/api_fixture.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_support.h"

using namespace covalue;
using covalue::testing::ApiServer;
using covalue::testing::KeyFromLabel;
using node::ReadOnlyService;
using ledger::TxKind;

namespace {

int64_t Ms(std::string_view utc) { return *ParseUtcTime(utc); }
// The time of the block made on day `day` (1: 2026-05-01).
int64_t Day(int day) { return Ms("2026-05-01") + (day - 1) * kMillisPerDay; }

// A one-validator chain on RocksDB in a temp folder; Produce makes the next block at a
// given time. Reopen closes and opens the folder again, as a restart does.
class TimedChain {
 public:
  TimedChain() : m_genesis(covalue::testing::TestGenesis()), m_validator(KeyFromLabel("validator")) {
    for (const auto& member : m_genesis.members) m_keys.emplace(member.id, KeyFromLabel(member.id));
    Open();
  }
  ~TimedChain() { Close(); }

  const ledger::Genesis& genesis() const { return m_genesis; }
  node::ChainStore& store() { return *m_store; }
  const std::string& db_path() const { return m_db; }

  void Close() {
    m_store.reset();
    m_kv.reset();
  }
  void Open() {
    auto kv = storage::RocksKvStore::Open(m_db);
    REQUIRE(kv.ok());
    m_kv = std::move(kv).value();
    m_store = std::make_unique<node::ChainStore>(*m_kv);
    REQUIRE(m_store->Initialize(m_genesis).ok());
  }
  void Reopen() {
    Close();
    Open();
  }

  // A `kind` transaction with `body`, signed by `signers` (member ids).
  template <class Body>
  ledger::Transaction Tx(TxKind kind, const Body& body, std::vector<std::string> signers) {
    ledger::Transaction tx;
    tx.chain_id = m_genesis.chain_id;
    tx.kind = kind;
    tx.nonce = ++m_nonce;
    tx.expiry_height = m_store->Head().height + 100;
    tx.body = contracts::EncodeFields(body);
    std::vector<const crypto::KeyPair*> keys;
    for (const auto& signer : signers) {
      keys.push_back(&m_keys.at(signer));
      tx.signers.push_back(keys.back()->public_key());
    }
    REQUIRE(ledger::SignTransaction(tx, keys).ok());
    return tx;
  }
  ledger::Transaction Register(const std::string& dataset, const std::string& owner = "maker") {
    return Tx(TxKind::kDatasetRegister, contracts::DatasetRegisterBody{dataset, Hash32{}, "d"},
              {owner});
  }

  // Makes the next block at `time_ms`; REQUIREs every transaction to succeed.
  ledger::Block Produce(int64_t time_ms, std::vector<ledger::Transaction> txs) {
    covalue::testing::FakeClock clock(time_ms);
    auto producer = covalue::testing::SoloProducer::Create(*m_store, m_genesis, m_validator, clock);
    REQUIRE(producer.ok());
    auto produced = producer->Produce(std::move(txs));
    REQUIRE(produced.ok());
    REQUIRE(produced->rejected.empty());
    for (const auto& result : produced->block.results) {
      INFO(result.message);
      REQUIRE(result.ok());
    }
    REQUIRE(produced->block.header.time_ms == time_ms);
    return produced->block;
  }

 private:
  covalue::testing::TempDir m_dir;
  std::string m_db = m_dir.Sub("db");
  ledger::Genesis m_genesis;
  crypto::KeyPair m_validator;
  std::map<std::string, crypto::KeyPair> m_keys;
  std::unique_ptr<storage::RocksKvStore> m_kv;
  std::unique_ptr<node::ChainStore> m_store;
  uint64_t m_nonce = 0;
};

// Heights of maker's history: 1, 2, 3, 3, 4, ..., 10 (two registrations on day 3).
void MakeTenDays(TimedChain& chain) {
  for (int day = 1; day <= 10; ++day) {
    std::vector<ledger::Transaction> txs = {chain.Register("d" + std::to_string(day))};
    if (day == 3) txs.push_back(chain.Register("d3b"));
    chain.Produce(Day(day), std::move(txs));
  }
}

// "height.index" of each item of every page of `target` (limit given), following next_cursor.
std::vector<std::string> AllPages(ApiServer& api, const std::string& target, int* pages = nullptr) {
  std::vector<std::string> positions;
  std::string cursor;
  for (int page = 1;; ++page) {
    node::Json json = api.Get(target + (cursor.empty() ? "" : "&cursor=" + cursor));
    for (const auto& item : json["items"]) {
      positions.push_back(std::to_string(item["height"].get<uint64_t>()) + "." +
                          std::to_string(item["index"].get<uint32_t>()));
    }
    if (!json.contains("next_cursor")) {
      if (pages) *pages = page;
      return positions;
    }
    cursor = json["next_cursor"];
  }
}

// The grant `id` as it stood after block `height`; REQUIREs that it existed.
contracts::GrantRecord GrantAsOf(node::ChainStore& store, uint64_t height, std::string_view id = "g1") {
  auto bytes = store.GetAsOf(contracts::GrantStateKey(id), height);
  REQUIRE(bytes.ok());
  REQUIRE(bytes->has_value());
  auto record = contracts::DecodeRecord<contracts::GrantRecord>(**bytes);
  REQUIRE(record.ok());
  return *record;
}

// Every history entry of `entity`; REQUIREs a successful read.
std::vector<node::HistoryEntry> AllHistory(node::ChainStore& store, std::string_view entity) {
  auto entries = store.History(entity, 0, 0, 1000);
  REQUIRE(entries.ok());
  return *entries;
}

contracts::GrantIssueBody GrantTerms(std::string id) {
  return {std::move(id), "telemetry", "analytics", "", {"emissions"}, {"read"},
          Ms("2026-01-01"), Ms("2027-01-01"), 0, 0};
}

}  // namespace

TEST_CASE("the store turns times into heights and reads history within a height range") {
  TimedChain chain;
  MakeTenDays(chain);
  node::ChainStore& store = chain.store();
  CHECK(*store.FirstHeightAtOrAfter(Day(3)) == 3);
  CHECK(*store.FirstHeightAtOrAfter(Day(3) + 1) == 4);
  CHECK(*store.FirstHeightAtOrAfter(Day(3) - 1) == 3);
  CHECK(*store.FirstHeightAtOrAfter(Ms("2020-01-01")) == 1);
  CHECK(*store.FirstHeightAtOrAfter(Day(11)) == 11);  // none yet: the head + 1

  auto range = store.History("member/maker", 3, 0, 100, 5);
  REQUIRE(range.ok());
  REQUIRE(range->size() == 4);
  CHECK(range->at(0).height == 3);
  CHECK(range->at(1).index == 1);
  CHECK(range->at(3).height == 5);
  CHECK(range->at(1).kind == TxKind::kDatasetRegister);
  CHECK(range->at(1).time_ms == Day(3));
  auto block = store.GetBlock(3);
  REQUIRE((block.ok() && *block));
  CHECK(range->at(1).tx_id == ledger::TxId((*block)->txs[1]));
  CHECK(store.History("member/maker", 6, 0, 100, 5)->empty());
}

TEST_CASE("history through the API: height and time ranges, cursors across them, kind and time") {
  TimedChain chain;
  MakeTenDays(chain);
  ReadOnlyService service(chain.genesis(), chain.store());
  ApiServer api(service);

  node::Json all = api.Get("/v1/history/member/maker");
  REQUIRE(all["items"].size() == 11);
  CHECK(all["from_height"] == 0);
  CHECK(all["to_height"].is_null());
  CHECK(!all.contains("next_cursor"));
  const node::Json& third = all["items"][3];  // the second registration on day 3
  CHECK(third["height"] == 3);
  CHECK(third["index"] == 1);
  CHECK(third["kind"] == "dataset.register");
  CHECK(third["time_ms"] == Day(3));
  CHECK(third["time"] == "2026-05-03T00:00:00Z");

  SECTION("a height range includes both ends") {
    node::Json json = api.Get("/v1/history/member/maker?from_height=3&to_height=5");
    CHECK(json["items"].size() == 4);
    CHECK(json["from_height"] == 3);
    CHECK(json["to_height"] == 5);
  }
  SECTION("a time range [from_time, to_time) in UTC text or ms gives the same heights") {
    node::Json text = api.Get("/v1/history/member/maker?from_time=2026-05-03&to_time=2026-05-05");
    CHECK(text["items"].size() == 3);  // days 3 (two) and 4; the block at 2026-05-05 is excluded
    CHECK(text["from_height"] == 3);
    CHECK(text["to_height"] == 4);
    node::Json ms = api.Get("/v1/history/member/maker?from_time=" + std::to_string(Day(3)) +
                            "&to_time=" + std::to_string(Day(5)));
    CHECK(ms["items"] == text["items"]);
    node::Json midday =
        api.Get("/v1/history/member/maker?from_time=2026-05-02T12:00:00Z&to_time=2026-05-04T00:00:01Z");
    CHECK(midday["from_height"] == 3);
    CHECK(midday["to_height"] == 4);
    // Height and time bounds together: the intersection.
    node::Json both = api.Get("/v1/history/member/maker?from_time=2026-05-03&to_height=3");
    CHECK(both["items"].size() == 2);
    // A range after the head, or before the first block, is empty.
    CHECK(api.Get("/v1/history/member/maker?from_time=2026-06-01")["items"].empty());
    CHECK(api.Get("/v1/history/member/maker?to_time=2026-05-01")["items"].empty());
  }
  SECTION("cursor pages cover a range exactly once and stop at its end") {
    int pages = 0;
    auto paged = AllPages(api, "/v1/history/member/maker?from_height=2&to_height=8&limit=2", &pages);
    CHECK(paged == std::vector<std::string>{"2.0", "3.0", "3.1", "4.0", "5.0", "6.0", "7.0", "8.0"});
    CHECK(pages == 4);
    auto timed = AllPages(api, "/v1/history/member/maker?from_time=2026-05-03&to_time=2026-05-06&limit=1");
    CHECK(timed == std::vector<std::string>{"3.0", "3.1", "4.0", "5.0"});
    // A cursor before the range starts at the range; one past it gives nothing.
    CHECK(api.Get("/v1/history/member/maker?from_height=4&cursor=1.0")["items"][0]["height"] == 4);
    CHECK(api.Get("/v1/history/member/maker?to_height=4&cursor=5.0")["items"].empty());
    // Mid-block cursor.
    CHECK(api.Get("/v1/history/member/maker?cursor=3.1&limit=1")["items"][0]["index"] == 1);
  }
  SECTION("bad parameters are 400 invalid_argument") {
    for (std::string query :
         {"from_height=5&to_height=4", "from_time=2026-05-05&to_time=2026-05-04", "from_height=x",
          "to_height=-1", "from_time=yesterday", "to_time=2026-13-01", "cursor=3", "cursor=3.x",
          "cursor=1.4294967296", "limit=0", "limit=1001"}) {
      node::Json error = api.Get("/v1/history/member/maker?" + query, 400);
      CHECK(error["code"] == "invalid_argument");
    }
    CHECK(api.Get("/v1/history/block/maker", 400)["code"] == "invalid_argument");
  }
}

TEST_CASE("state as of a past height: grants, ventures, datasets, members and the access check") {
  TimedChain chain;
  chain.Produce(Day(1), {chain.Register("telemetry")});                                   // 1
  chain.Produce(Day(2), {chain.Tx(TxKind::kGrantIssue, GrantTerms("g1"), {"maker"})});    // 2
  chain.Produce(Day(3), {chain.Tx(TxKind::kGrantRevoke,
                                  contracts::GrantRevokeBody{"g1", "ended"}, {"maker"})});  // 3
  contracts::VentureCreateBody venture{"v1", {"maker", "analytics"}, "EUR",
                                       contracts::PeriodLength::kQuarter,
                                       *contracts::ParsePeriod("2026-Q2"), "maker"};
  chain.Produce(Day(4), {chain.Tx(TxKind::kVentureCreate, venture, {"maker"})});          // 4
  contracts::Formula formula;
  formula.kind = contracts::FormulaKind::kFixed;
  formula.fixed_shares = {{"maker", 6000}, {"analytics", 4000}};
  chain.Produce(Day(5), {chain.Tx(TxKind::kFormulaPropose,
                                  contracts::FormulaProposeBody{"v1", 1, venture.first_period, formula},
                                  {"maker", "analytics"})});                                           // 5

  SECTION("at the store") {
    node::ChainStore& store = chain.store();
    CHECK(!store.GetAsOf("grant/g1", 1)->has_value());
    CHECK(!GrantAsOf(store, 2).revoked);
    CHECK(GrantAsOf(store, 4).revoked);
    CHECK(GrantAsOf(store, 4).revoked_height == 3);
    CHECK(*store.GetAsOf("grant/g1", 5) == *store.Get("grant/g1"));
    CHECK(store.GetAsOf("member/maker", 0)->has_value());  // the genesis state is height 0
    CHECK(store.GetAsOf("grant/g1", 6).status().code() == Code::kInvalidArgument);
    CHECK(store.state_versions_from() == 0);
  }
  SECTION("through the API") {
    ReadOnlyService service(chain.genesis(), chain.store());
    ApiServer api(service);
    node::Json missing = api.Get("/v1/grants/g1?as_of=1", 404);
    CHECK(missing["code"] == "not_found");
    CHECK(missing["message"] == "no grant 'g1' as of height 1");
    CHECK(api.Get("/v1/grants/g1?as_of=2")["revoked"] == false);
    CHECK(api.Get("/v1/grants/g1?as_of=3")["revoked"] == true);
    CHECK(api.Get("/v1/grants/g1")["revoked"] == true);

    CHECK(api.Get("/v1/ventures/v1?as_of=3", 404)["code"] == "not_found");
    CHECK(api.Get("/v1/ventures/v1?as_of=4")["formula_versions"] == 0);
    CHECK(api.Get("/v1/ventures/v1?as_of=5")["formula_versions"] == 1);
    CHECK(api.Get("/v1/ventures/v1/formulas/1?as_of=4", 404)["code"] == "not_found");
    CHECK(api.Get("/v1/ventures/v1/formulas/1?as_of=5")["venture_id"] == "v1");
    CHECK(api.Get("/v1/ventures/v1/periods/2026-Q2?as_of=4")["formula_in_force"].is_null());
    CHECK(api.Get("/v1/ventures/v1/periods/2026-Q2?as_of=5")["formula_in_force"] == 1);
    api.Get("/v1/datasets/telemetry?as_of=0", 404);
    CHECK(api.Get("/v1/datasets/telemetry?as_of=1")["owner"] == "maker");
    CHECK(api.Get("/v1/members/maker?as_of=0")["roles"][0] == "member");

    // The access check as of block 2 is judged at block 2's time, before the revocation.
    std::string access = "/v1/access?party=analytics&dataset=telemetry&purpose=emissions";
    node::Json then = api.Get(access + "&as_of=2");
    CHECK(then["allowed"] == true);
    CHECK(then["time_ms"] == Day(2));
    node::Json now = api.Get(access);
    CHECK(now["allowed"] == false);
    CHECK(now["code"] == "revoked");
    CHECK(api.Get(access + "&time=" + std::to_string(Day(2)))["allowed"] == true);

    for (std::string target : {"/v1/grants/g1?as_of=6", "/v1/grants/g1?as_of=x",
                               "/v1/grants/g1?as_of=-1", "/v1/ventures/v1?as_of=99"}) {
      CHECK(api.Get(target, 400)["code"] == "invalid_argument");
    }
  }
}

TEST_CASE("versioned state, history and block times survive a restart") {
  TimedChain chain;
  chain.Produce(Day(1), {chain.Register("telemetry")});
  chain.Produce(Day(2), {chain.Tx(TxKind::kGrantIssue, GrantTerms("g1"), {"maker"})});
  chain.Reopen();
  chain.Produce(Day(3), {chain.Tx(TxKind::kGrantRevoke, contracts::GrantRevokeBody{"g1", "x"},
                                  {"maker"})});
  chain.Reopen();
  node::ChainStore& store = chain.store();
  CHECK(store.state_versions_from() == 0);
  CHECK(!GrantAsOf(store, 2).revoked);
  CHECK(GrantAsOf(store, 3).revoked);
  CHECK(*store.FirstHeightAtOrAfter(Day(2)) == 2);
  auto history = AllHistory(store, "grant/g1");
  REQUIRE(history.size() == 2);
  CHECK(history[1].kind == TxKind::kGrantRevoke);
  CHECK(history[1].time_ms == Day(3));
}

TEST_CASE("a data folder written before the indexes is upgraded once, as_of below it is refused") {
  TimedChain chain;
  chain.Produce(Day(1), {chain.Register("telemetry")});
  chain.Produce(Day(2), {chain.Tx(TxKind::kGrantIssue, GrantTerms("g1"), {"maker"})});
  chain.Produce(Day(3), {chain.Register("weather")});
  chain.Close();
  {
    // Make it the folder an older node wrote: no meta/indexes, time/ or sv/ entries, and
    // history values holding the tx id only.
    auto kv = storage::RocksKvStore::Open(chain.db_path());
    REQUIRE(kv.ok());
    storage::WriteBatch batch;
    auto it = (*kv)->NewIterator();
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      std::string_view key = AsString(it->key());
      if (key == "meta/indexes" || key.starts_with("time/") || key.starts_with("sv/")) {
        batch.Delete(it->key());
      } else if (key.starts_with("hist/")) {
        batch.Put(it->key(), it->value().first(32));
      }
    }
    it.reset();
    REQUIRE((*kv)->Write(batch, true).ok());
  }
  chain.Open();
  node::ChainStore& store = chain.store();
  CHECK(store.state_versions_from() == 3);
  CHECK(store.GetAsOf("grant/g1", 2).status().code() == Code::kFailedPrecondition);
  CHECK(*store.GetAsOf("grant/g1", 3) == *store.Get("grant/g1"));
  CHECK(*store.FirstHeightAtOrAfter(Day(2)) == 2);
  auto history = AllHistory(store, "member/maker");
  REQUIRE(history.size() == 3);
  CHECK(history[1].kind == TxKind::kGrantIssue);
  CHECK(history[1].time_ms == Day(2));

  // Blocks after the upgrade are versioned as usual; the upgrade does not run again.
  chain.Produce(Day(4), {chain.Tx(TxKind::kGrantRevoke, contracts::GrantRevokeBody{"g1", "x"},
                                  {"maker"})});
  chain.Reopen();
  CHECK(chain.store().state_versions_from() == 3);
  ReadOnlyService service(chain.genesis(), chain.store());
  ApiServer api(service);
  node::Json refused = api.Get("/v1/grants/g1?as_of=2", 409);
  CHECK(refused["code"] == "failed_precondition");
  CHECK(api.Get("/v1/grants/g1?as_of=3")["revoked"] == false);
  CHECK(api.Get("/v1/grants/g1?as_of=4")["revoked"] == true);
  CHECK(api.Get("/v1/history/grant/g1?from_time=2026-05-04")["items"][0]["kind"] == "grant.revoke");
}

TEST_CASE("state versions: the greatest height at or below, deletions, neighbouring keys") {
  storage::MemoryKvStore kv;
  storage::WriteBatch batch;
  node::indexes::AddStateVersions(batch, 1, {{"k", Bytes{1}}, {"j", Bytes{9}}, {"k2", Bytes{8}}});
  node::indexes::AddStateVersions(batch, 3, {{"k", std::nullopt}});
  node::indexes::AddStateVersions(batch, 5, {{"k", Bytes{2}}, {"k2", std::nullopt}});
  REQUIRE(kv.Write(batch, true).ok());
  auto at = [&](std::string_view key, uint64_t height) {
    auto value = node::indexes::ReadStateAsOf(kv, key, height);
    REQUIRE(value.ok());
    return *value;
  };
  CHECK(!at("k", 0));
  CHECK(at("k", 1) == Bytes{1});
  CHECK(at("k", 2) == Bytes{1});
  CHECK(!at("k", 3));
  CHECK(!at("k", 4));
  CHECK(at("k", 5) == Bytes{2});
  CHECK(at("k", UINT64_MAX) == Bytes{2});
  CHECK(at("j", 7) == Bytes{9});
  CHECK(at("k2", 4) == Bytes{8});
  CHECK(!at("k2", 5));
  CHECK(!at("absent", 5));
}
