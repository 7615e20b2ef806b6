// The event stream (GET /v1/events, server-sent events) and its pages (GET /v1/events/page),
// through the real HTTP server: cursors and filters as pure functions; then over a TestChain
// whose commit feed the test drives by hand, so that every order of "committed to the store"
// and "announced by the feed" around a connecting stream is tried; then through a real Node:
// replay from a cursor, live follow, filters, resume with Last-Event-ID, heartbeats, and
// clients connecting while blocks commit. Waits are bounded by generous deadlines only.
#include <catch2/catch.hpp>

#include <set>
#include <thread>

#include "common/civil_time.h"
#include "contracts/fields.h"
#include "crypto/hash.h"
#include "contracts/period.h"
#include "contracts/ventures.h"
#include "node/events_api.h"
#include "node/ledger_api.h"
#include "node/read_only_service.h"
#include "tests/support/http_test_server.h"
#include "tests/support/running_node.h"
#include "tests/support/stream_client.h"
#include "tests/support/test_support.h"

using namespace covalue;
using covalue::testing::ServerSentEvent;
using covalue::testing::StreamClient;
using node::EventPosition;
using node::Json;

namespace {

constexpr uint32_t kAll = EventPosition::kAll;

Json Data(const ServerSentEvent& event) {
  auto json = node::ParseJson(event.data, "event data");
  REQUIRE(json.ok());
  return *json;
}

// The next event of `client`, which must come.
Json Next(StreamClient& client) {
  auto event = client.NextEvent();
  REQUIRE(event.has_value());
  Json data = Data(*event);
  CHECK(event->id == data["id"]);
  CHECK(event->event == data["kind"]);
  return data;
}

ledger::Event Ev(std::string kind, std::vector<std::pair<std::string, std::string>> attributes) {
  return {std::move(kind), std::move(attributes)};
}

// A LedgerService over a TestChain with a commit feed the test publishes to by hand.
class FeedService final : public node::LedgerService {
 public:
  explicit FeedService(covalue::testing::TestChain& chain) : m_inner(chain.genesis(), chain.store()) {}
  const ledger::Genesis& genesis() const override { return m_inner.genesis(); }
  const consensus::ValidatorSet& validators() const override { return m_inner.validators(); }
  const node::ChainStore& store() const override { return m_inner.store(); }
  size_t mempool_size() const override { return 0; }
  void Submit(ledger::Transaction tx, bool wait, std::chrono::milliseconds timeout,
              api::Responder respond) override {
    m_inner.Submit(std::move(tx), wait, timeout, std::move(respond));
  }
  node::TxStage Stage(const Hash32& id, Status* reason) const override {
    return m_inner.Stage(id, reason);
  }
  nlohmann::json NodeStatus() const override { return m_inner.NodeStatus(); }
  node::CommitFeed* commit_feed() override { return &m_feed; }
  node::CommitFeed& feed() { return m_feed; }

 private:
  node::ReadOnlyService m_inner;
  node::CommitFeed m_feed;
};

// Blocks of one dataset registration each, by maker, on a TestChain.
struct ChainFixture {
  explicit ChainFixture(api::HttpServerOptions options = {})
      : server(node::BuildLedgerApi(service), std::move(options)) {}

  covalue::testing::TestChain chain;
  FeedService service{chain};
  covalue::testing::TestServer server;
  uint64_t nonce = 0;

  // GET `target`; REQUIREs `status` and a JSON body.
  Json Get(const std::string& target, int status = 200) {
    auto response = server.Call("GET", target);
    REQUIRE(response.ok());
    INFO(target << " -> " << response->body);
    REQUIRE(response->status == status);
    return covalue::testing::RunningNode::Json(*response);
  }

  ledger::Block Register(const std::vector<std::string>& datasets) {
    std::vector<ledger::Transaction> txs;
    for (const auto& id : datasets) {
      txs.push_back(covalue::testing::DatasetRegisterTx(chain.key("maker"), id,
                                                        chain.store().Head().height + 50, ++nonce));
    }
    return chain.Produce(std::move(txs)).block;
  }
  uint16_t port() const { return server.port(); }
};

}  // namespace

TEST_CASE("Event cursors parse and format", "[events]") {
  using node::FormatEventCursor;
  using node::ParseEventCursor;
  CHECK(*ParseEventCursor("0", 9) == EventPosition{0, kAll, kAll});
  CHECK(*ParseEventCursor("12", 9) == EventPosition{12, kAll, kAll});
  CHECK(*ParseEventCursor("12.3", 9) == EventPosition{12, 3, kAll});
  CHECK(*ParseEventCursor("12.3.4", 9) == EventPosition{12, 3, 4});
  CHECK(*ParseEventCursor("head", 9) == EventPosition{9, kAll, kAll});
  CHECK(*ParseEventCursor("0.5.1", 9) == EventPosition{0, kAll, kAll});  // before everything
  for (const char* text : {"12", "12.3", "12.3.4", "0"}) {
    CHECK(FormatEventCursor(*ParseEventCursor(text, 9)) == text);
  }
  for (const char* bad : {"", ".", "1.", ".1", "1..2", "1.2.3.4", "-1", "+1", "x", "1.x",
                          "18446744073709551615", "1.4294967296", "HEAD", " 1"}) {
    INFO(bad);
    CHECK(ParseEventCursor(bad, 9).status().code() == Code::kInvalidArgument);
  }
  CHECK(node::FirstHeightAfter({0, kAll, kAll}) == 1);
  CHECK(node::FirstHeightAfter({7, kAll, kAll}) == 8);
  CHECK(node::FirstHeightAfter({7, 2, kAll}) == 7);
}

TEST_CASE("CollectEvents numbers events, gives each its scope, and filters", "[events]") {
  ledger::Block block;
  block.header.height = 7;
  block.header.time_ms = 1'790'000'000'000;
  block.txs.resize(2);
  block.txs[1].nonce = 2;
  block.results.resize(2);
  block.results[0].events = {
      Ev("settlement.completed", {{"venture", "v1"}, {"period", "2026-Q3"}, {"payouts", "1"}}),
      Ev("settlement.line", {{"member", "analytics"}, {"total", "5"}, {"payer", "maker"}})};
  block.results[1].events = {Ev("member.approved", {{"proposal", "p1"}, {"by", "telco,maker"}})};

  auto ids = [&](const EventPosition& after, const node::EventFilter& filter) {
    std::vector<std::string> out;
    for (const Json& e : node::CollectEvents(block, after, filter)) out.push_back(e["id"]);
    return out;
  };
  auto filter = [](std::map<std::string, std::string> query) {
    auto parsed = node::ParseEventFilter(query);
    REQUIRE(parsed.ok());
    return *parsed;
  };
  std::vector<Json> all = node::CollectEvents(block, {0, kAll, kAll}, {});
  REQUIRE(all.size() == 3);
  CHECK(all[1]["id"] == "7.0.1");
  CHECK(all[1]["height"] == 7);
  CHECK(all[1]["index"] == 0);
  CHECK(all[1]["event_index"] == 1);
  CHECK(all[1]["tx_id"] == ToHex(ledger::TxId(block.txs[0])));
  CHECK(all[1]["kind"] == "settlement.line");
  CHECK(all[1]["attributes"] == Json({{"member", "analytics"}, {"total", "5"}, {"payer", "maker"}}));
  // The line names no venture or period: it takes its transaction's.
  CHECK(all[1]["scope"] == Json({{"venture", "v1"}, {"period", "2026-Q3"}}));
  CHECK(all[1]["time_ms"] == 1'790'000'000'000);
  CHECK(all[1]["time"] == FormatUtcTime(1'790'000'000'000));
  CHECK(all[2]["scope"] == Json::object());
  CHECK(all[2]["tx_id"] == ToHex(ledger::TxId(block.txs[1])));

  CHECK(ids({7, 0, 0}, {}) == std::vector<std::string>{"7.0.1", "7.1.0"});
  CHECK(ids({7, 0, kAll}, {}) == std::vector<std::string>{"7.1.0"});
  CHECK(ids({7, kAll, kAll}, {}).empty());
  CHECK(ids({6, kAll, kAll}, {}).size() == 3);
  CHECK(ids({0, kAll, kAll}, filter({{"kind", "settlement.line"}})) ==
        std::vector<std::string>{"7.0.1"});
  CHECK(ids({0, kAll, kAll}, filter({{"kind", "settlement."}})).size() == 2);
  CHECK(ids({0, kAll, kAll}, filter({{"kind", "settlement"}})).empty());  // neither kind nor prefix
  CHECK(ids({0, kAll, kAll}, filter({{"kind", "payout.,member.approved"}})) ==
        std::vector<std::string>{"7.1.0"});
  CHECK(ids({0, kAll, kAll}, filter({{"venture", "v1"}})).size() == 2);
  CHECK(ids({0, kAll, kAll}, filter({{"venture", "v2"}})).empty());
  // Parties: payer and member of the line; one of a list in `by`; not `proposal`.
  CHECK(ids({0, kAll, kAll}, filter({{"party", "maker"}})) ==
        std::vector<std::string>{"7.0.1", "7.1.0"});
  CHECK(ids({0, kAll, kAll}, filter({{"party", "analytics"}})) == std::vector<std::string>{"7.0.1"});
  CHECK(ids({0, kAll, kAll}, filter({{"party", "telco"}})) == std::vector<std::string>{"7.1.0"});
  CHECK(ids({0, kAll, kAll}, filter({{"party", "p1"}})).empty());
  CHECK(ids({0, kAll, kAll}, filter({{"party", "maker"}, {"kind", "member."}})) ==
        std::vector<std::string>{"7.1.0"});

  for (std::map<std::string, std::string> bad :
       {std::map<std::string, std::string>{{"kind", ""}}, {{"kind", "Payout"}}, {{"kind", ","}},
        {{"venture", "a b"}}, {{"party", ""}}}) {
    CHECK(node::ParseEventFilter(bad).status().code() == Code::kInvalidArgument);
  }
  CHECK(filter({{"party", "maker,"}}).parties == std::vector<std::string>{"maker"});
  CHECK(node::FormatServerSentEvent(all[2]) ==
        "id: 7.1.0\nevent: member.approved\ndata: " + all[2].dump() + "\n\n");
}

TEST_CASE("Event pages: limits, next_cursor inside a block, filters, refusals", "[events]") {
  ChainFixture f;
  f.Register({"d1", "d2", "d3"});  // height 1: three events
  f.Register({"d4"});              // height 2
  Json page = f.Get("/v1/events/page?limit=2");
  REQUIRE(page["events"].size() == 2);
  CHECK(page["events"][0]["id"] == "1.0.0");
  CHECK(page["events"][1]["id"] == "1.1.0");
  CHECK(page["events"][1]["attributes"]["dataset"] == "d2");
  CHECK(page["next_cursor"] == "1.1.0");
  CHECK(page["head"] == 2);
  page = f.Get("/v1/events/page?limit=2&cursor=1.1.0");
  REQUIRE(page["events"].size() == 2);
  CHECK(page["events"][0]["id"] == "1.2.0");
  CHECK(page["events"][1]["id"] == "2.0.0");
  CHECK(page["next_cursor"] == "2");
  page = f.Get("/v1/events/page?cursor=2");
  CHECK(page["events"].empty());
  CHECK(page["next_cursor"] == "2");  // caught up: poll again with the same cursor
  page = f.Get("/v1/events/page?cursor=head");
  CHECK(page["next_cursor"] == "2");
  page = f.Get("/v1/events/page?kind=grant.");
  CHECK(page["events"].empty());
  CHECK(page["next_cursor"] == "2");  // scanned to the head all the same
  page = f.Get("/v1/events/page?party=maker&cursor=1.2");
  REQUIRE(page["events"].size() == 1);
  CHECK(page["events"][0]["attributes"]["owner"] == "maker");

  for (const char* bad : {"/v1/events/page?cursor=x", "/v1/events/page?limit=0",
                          "/v1/events/page?limit=1001", "/v1/events/page?kind=A",
                          "/v1/events/page?venture=", "/v1/events?cursor=1.2.3.4",
                          "/v1/events?heartbeat_ms=5", "/v1/events?party=%20"}) {
    Json error = f.Get(bad, 400);
    CHECK(error["code"] == "invalid_argument");
  }
}

TEST_CASE("The stream hands over from the store to the feed without gap or repeat", "[events]") {
  ChainFixture f;
  f.Register({"d1"});
  ledger::Block second = f.Register({"d2", "d3"});
  f.service.feed().Publish(second);  // nobody listens yet: nothing to deliver
  StreamClient client(f.port(), "/v1/events?cursor=1");
  CHECK(client.header("Content-Type") == "text/event-stream");
  CHECK(client.header("Cache-Control") == "no-cache");
  CHECK(Next(client)["id"] == "2.0.0");
  CHECK(Next(client)["id"] == "2.1.0");
  // Connected and caught up: the stream has subscribed before its first byte.
  REQUIRE(f.service.feed().subscribers() == 1);

  // Announced again (as if it raced the replay): not sent twice. Then a block in the store
  // whose announcement is late, and one announced at once: read from the store in order.
  f.service.feed().Publish(second);
  ledger::Block third = f.Register({"d4"});
  ledger::Block fourth = f.Register({"d5"});
  f.service.feed().Publish(fourth);
  Json d4 = Next(client);
  CHECK(d4["id"] == "3.0.0");
  CHECK(d4["attributes"]["dataset"] == "d4");
  CHECK(Next(client)["id"] == "4.0.0");
  f.service.feed().Publish(third);  // late, and already sent
  ledger::Block fifth = f.Register({"d6"});
  f.service.feed().Publish(fifth);
  CHECK(Next(client)["id"] == "5.0.0");
}

TEST_CASE("A closed stream leaves the feed, and subscriptions end with their handle", "[events]") {
  ChainFixture f;
  {
    StreamClient client(f.port(), "/v1/events?cursor=head");
    REQUIRE(client.NextLine().has_value());  // the opening comment: subscribed by now
    CHECK(f.service.feed().subscribers() == 1);
  }
  for (int i = 0; i < 1000 && f.service.feed().subscribers() != 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(f.service.feed().subscribers() == 0);

  node::CommitFeed feed;
  int heard = 0;
  auto first = feed.Subscribe([&](const std::shared_ptr<const ledger::Block>&) { ++heard; });
  node::CommitFeed::Subscription moved = std::move(first);
  feed.Publish(ledger::Block{});
  CHECK(heard == 1);
  first.Reset();  // moved from: unsubscribes nothing
  CHECK(feed.subscribers() == 1);
  moved.Reset();
  feed.Publish(ledger::Block{});
  CHECK(heard == 1);
  CHECK(feed.subscribers() == 0);
}

TEST_CASE("A long replay runs in turns from the store, then follows the feed", "[events]") {
  ChainFixture f;
  std::vector<std::string> expected;
  for (int b = 0; b < 150; ++b) {
    f.Register({"a" + std::to_string(b), "b" + std::to_string(b)});
    expected.push_back("a" + std::to_string(b));
    expected.push_back("b" + std::to_string(b));
  }
  StreamClient client(f.port(), "/v1/events");  // no cursor: from the start
  for (const std::string& dataset : expected) {
    CHECK(Next(client)["attributes"]["dataset"] == dataset);
  }
  ledger::Block next = f.Register({"last"});
  f.service.feed().Publish(next);
  CHECK(Next(client)["attributes"]["dataset"] == "last");
}

TEST_CASE("A block whose events exceed the connection's queue limit is streamed whole",
          "[events]") {
  // The limit at which the server drops a client that does not read (1 MiB by default), smaller
  // here so that a block of 700 registrations is well over it.
  api::HttpServerOptions options;
  options.max_stream_queue_bytes = 128 << 10;
  ChainFixture f(options);
  f.Register({"first"});
  std::vector<std::string> datasets;
  for (int i = 0; i < 700; ++i) datasets.push_back("big-" + std::to_string(i));
  ledger::Block big = f.Register(datasets);
  REQUIRE(big.txs.size() == datasets.size());
  size_t bytes = 0;
  for (const Json& event : node::CollectEvents(big, {}, {})) {
    bytes += node::FormatServerSentEvent(event).size();
  }
  REQUIRE(bytes > 2 * options.max_stream_queue_bytes);

  StreamClient client(f.port(), "/v1/events?cursor=1");
  for (size_t i = 0; i < datasets.size(); ++i) {
    Json event = Next(client);
    INFO(i);
    REQUIRE(event["id"] == "2." + std::to_string(i) + ".0");
    REQUIRE(event["attributes"]["dataset"] == datasets[i]);
  }
  // Still connected, and following.
  ledger::Block next = f.Register({"last"});
  f.service.feed().Publish(next);
  CHECK(Next(client)["attributes"]["dataset"] == "last");
}

TEST_CASE("A node without a commit feed answers 503 for the stream", "[events]") {
  covalue::testing::TestChain chain;
  node::ReadOnlyService service(chain.genesis(), chain.store());
  covalue::testing::TestServer server(node::BuildLedgerApi(service));
  auto stream = server.Call("GET", "/v1/events");
  REQUIRE(stream.ok());
  CHECK(stream->status == 503);
  CHECK(covalue::testing::RunningNode::Json(*stream)["code"] == "unavailable");
}

// ---- Through a real node ------------------------------------------------------------------

namespace {

struct NodeFixture {
  covalue::testing::RunningNode node;
  uint64_t nonce = 0;

  uint64_t Height() { return node.node().store().Head().height; }
  // Commits `body` of `kind` signed by `member`; returns the answer's JSON.
  Json Commit(ledger::TxKind kind, Bytes body, const std::string& member) {
    ledger::Transaction tx;
    tx.chain_id = "covalue-test";
    tx.kind = kind;
    tx.nonce = ++nonce;
    tx.expiry_height = Height() + 50;
    crypto::KeyPair key = covalue::testing::KeyFromLabel(member);
    tx.signers = {key.public_key()};
    tx.body = std::move(body);
    REQUIRE(ledger::SignTransaction(tx, {&key}).ok());
    api::HttpResponse answer = node.Submit(tx);
    INFO(answer.body);
    REQUIRE(answer.status == 200);
    return covalue::testing::RunningNode::Json(answer);
  }
  Json Register(const std::string& dataset, const std::string& member = "maker") {
    contracts::DatasetRegisterBody body{dataset, crypto::Sha256(AsBytes(dataset)), "test"};
    return Commit(ledger::TxKind::kDatasetRegister, contracts::EncodeDatasetRegisterBody(body),
                  member);
  }
  Json CreateVenture(const std::string& id) {
    contracts::VentureCreateBody body{id, {"maker", "analytics"}, "EUR",
                                      contracts::PeriodLength::kQuarter,
                                      *contracts::ParsePeriod("2026-Q1"), "maker"};
    return Commit(ledger::TxKind::kVentureCreate, contracts::EncodeFields(body), "maker");
  }
};

std::string EventId(const Json& committed) {
  return std::to_string(committed["height"].get<uint64_t>()) + "." +
         std::to_string(committed["index"].get<uint32_t>()) + ".0";
}

}  // namespace

TEST_CASE("A node streams committed events from a cursor, then live", "[events][node]") {
  NodeFixture f;
  Json d1 = f.Register("d1");
  Json d2 = f.Register("d2", "analytics");
  StreamClient client(f.node.port(), "/v1/events?cursor=0");
  Json first = Next(client);
  CHECK(first["id"] == EventId(d1));
  CHECK(first["tx_id"] == d1["tx_id"]);
  CHECK(first["kind"] == "dataset.registered");
  CHECK(first["attributes"]["owner"] == "maker");
  CHECK(Next(client)["id"] == EventId(d2));
  Json d3 = f.Register("d3");  // committed while the client listens
  Json live = Next(client);
  CHECK(live["id"] == EventId(d3));
  CHECK(live["attributes"]["dataset"] == "d3");
}

TEST_CASE("Resume after a cursor or Last-Event-ID, and filters by kind, party, venture",
          "[events][node]") {
  NodeFixture f;
  Json d1 = f.Register("d1");
  Json d2 = f.Register("d2", "analytics");
  Json v1 = f.CreateVenture("v1");
  Json v2 = f.CreateVenture("v2");
  {
    StreamClient client(f.node.port(), "/v1/events?cursor=" + EventId(d1));
    CHECK(Next(client)["id"] == EventId(d2));
  }
  {  // the header wins: it is what a reconnecting EventSource sends with the original URL
    StreamClient client(f.node.port(), "/v1/events?cursor=0", {{"Last-Event-ID", EventId(d2)}});
    CHECK(Next(client)["id"] == EventId(v1));
  }
  {
    StreamClient client(f.node.port(), "/v1/events?party=analytics&kind=dataset.");
    CHECK(Next(client)["id"] == EventId(d2));
    Json d3 = f.Register("d3", "analytics");  // maker's d1 was skipped; analytics' d3 comes next
    CHECK(Next(client)["id"] == EventId(d3));
  }
  {
    StreamClient client(f.node.port(), "/v1/events?venture=v2");
    Json created = Next(client);
    CHECK(created["id"] == EventId(v2));
    CHECK(created["scope"]["venture"] == "v2");
  }
  {  // from the head: only what commits from now on; heartbeats while nothing does
    StreamClient client(f.node.port(), "/v1/events?cursor=head&heartbeat_ms=100");
    bool heartbeat = false;
    while (!heartbeat) {
      auto line = client.NextLine();
      REQUIRE(line.has_value());
      heartbeat = line->rfind(": heartbeat", 0) == 0;
    }
    Json d4 = f.Register("d4");
    CHECK(Next(client)["id"] == EventId(d4));
  }
}

TEST_CASE("Clients connecting while blocks commit see every event once, in order",
          "[events][node]") {
  NodeFixture f;
  constexpr int kBefore = 20;
  constexpr int kDuring = 30;
  for (int i = 0; i < kBefore; ++i) f.Register("before-" + std::to_string(i));
  std::set<std::string> expected;
  for (int i = 0; i < kBefore; ++i) expected.insert("before-" + std::to_string(i));
  for (int i = 0; i < kDuring; ++i) expected.insert("during-" + std::to_string(i));

  std::vector<std::unique_ptr<StreamClient>> clients;
  clients.push_back(std::make_unique<StreamClient>(f.node.port(), "/v1/events"));
  std::thread committer([&f] {
    for (int i = 0; i < kDuring; ++i) f.Register("during-" + std::to_string(i));
  });
  // More clients join at different points of the commits.
  for (int i = 0; i < 4; ++i) {
    clients.push_back(std::make_unique<StreamClient>(f.node.port(), "/v1/events"));
    std::this_thread::yield();
  }
  committer.join();
  for (auto& client : clients) {
    std::set<std::string> seen;
    EventPosition last{0, kAll, kAll};
    while (seen.size() < expected.size()) {
      Json event = Next(*client);
      auto position = node::ParseEventCursor(event["id"].get<std::string>(), 0);
      REQUIRE(position.ok());
      REQUIRE(last < *position);  // strictly increasing: nothing twice, nothing out of order
      last = *position;
      CHECK(seen.insert(event["attributes"]["dataset"].get<std::string>()).second);
    }
    CHECK(seen == expected);
  }
}
