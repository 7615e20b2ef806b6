// EventStream (node/event_stream.h) driven by hand through a fake ResponseStream: the test plays
// the connection — it decides when the client has taken the queued bytes, calls OnDrained and
// OnTick, and runs posted tasks — so pausing and resuming are deterministic. Checks that a client
// that stops reading mid-replay, or inside a block with more matching events than the connection
// may queue, gets every event once and in order when it reads on, and that heartbeats come only
// from an idle stream. No sockets, no threads.
#include <catch2/catch.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "node/event_stream.h"
#include "node/json_fields.h"
#include "tests/support/test_support.h"

using namespace covalue;
using node::EventPosition;
using node::Json;

namespace {

constexpr uint32_t kAll = EventPosition::kAll;

// The connection side of a stream, as the HTTP server's StreamBuffer behaves towards its writer:
// bytes queue until the test lets the client take them; a Write beyond `limit` drops the client.
class FakeStream final : public api::ResponseStream {
 public:
  explicit FakeStream(size_t limit) : m_limit(limit) {}

  bool Write(std::string chunk) override {
    if (m_closed) return false;
    if (chunk.size() > m_limit - m_queued) {
      m_closed = m_dropped = true;
      return false;
    }
    m_queued += chunk.size();
    m_unread += chunk;
    return true;
  }
  void End() override { m_closed = true; }
  void Post(std::function<void()> task) override { m_tasks.push_back(std::move(task)); }
  size_t queued_bytes() const override { return m_queued; }
  bool closed() const override { return m_closed; }

  // The client takes everything queued; returns it.
  std::string Take() {
    m_queued = 0;
    return std::exchange(m_unread, {});
  }
  void RunPosted() {
    while (!m_tasks.empty()) {
      auto task = std::move(m_tasks.front());
      m_tasks.erase(m_tasks.begin());
      task();
    }
  }
  bool dropped() const { return m_dropped; }

 private:
  const size_t m_limit;
  size_t m_queued = 0;
  std::string m_unread;
  std::vector<std::function<void()>> m_tasks;
  bool m_closed = false;
  bool m_dropped = false;
};

struct Received {
  std::vector<std::string> ids;  // of the events, in order
  std::vector<std::string> datasets;
  int heartbeats = 0;
};

// Splits server-sent-event text into events and heartbeat comments.
void Parse(const std::string& text, Received& out) {
  size_t begin = 0;
  while (begin < text.size()) {
    size_t end = text.find("\n\n", begin);
    REQUIRE(end != std::string::npos);  // the stream writes whole events only
    std::string block = text.substr(begin, end - begin);
    begin = end + 2;
    if (block.rfind(": heartbeat", 0) == 0) ++out.heartbeats;
    size_t data = block.find("\ndata: ");
    if (data == std::string::npos) continue;
    auto json = node::ParseJson(block.substr(data + 7), "event data");
    REQUIRE(json.ok());
    out.ids.push_back((*json)["id"].get<std::string>());
    out.datasets.push_back((*json)["attributes"]["dataset"].get<std::string>());
  }
}

// Ids strictly increase: nothing twice, nothing out of order.
void CheckIncreasing(const std::vector<std::string>& ids) {
  EventPosition last{0, kAll, kAll};
  for (const std::string& id : ids) {
    auto position = node::ParseEventCursor(id, 0);
    REQUIRE(position.ok());
    INFO(id);
    REQUIRE(last < *position);
    last = *position;
  }
}

struct Fixture {
  covalue::testing::TestChain chain;
  node::CommitFeed feed;
  uint64_t nonce = 0;

  // One block registering `count` datasets named prefix0, prefix1, …; returns their names.
  std::vector<std::string> Block(const std::string& prefix, int count) {
    std::vector<ledger::Transaction> txs;
    std::vector<std::string> names;
    for (int i = 0; i < count; ++i) {
      names.push_back(prefix + std::to_string(i));
      txs.push_back(covalue::testing::DatasetRegisterTx(chain.key("maker"), names.back(),
                                                        chain.store().Head().height + 50, ++nonce));
    }
    ledger::Block block = chain.Produce(std::move(txs)).block;
    REQUIRE(block.txs.size() == static_cast<size_t>(count));
    feed.Publish(block);
    return names;
  }
  std::shared_ptr<node::EventStream> Open(FakeStream& stream, EventPosition after = {}) {
    auto producer = std::make_shared<node::EventStream>(
        chain.store(), feed, after, node::EventFilter{}, std::chrono::milliseconds(1000));
    // The connection holds its stream (shared); the test keeps it alive for the producer.
    producer->OnOpen(std::shared_ptr<api::ResponseStream>(&stream, [](api::ResponseStream*) {}));
    return producer;
  }
};

}  // namespace

TEST_CASE("A client that stops reading mid-replay, then reads on, gets every event once",
          "[events]") {
  Fixture f;
  std::vector<std::string> expected;
  for (int b = 0; b < 60; ++b) {  // some 500 KB of events
    for (const auto& name : f.Block("b" + std::to_string(b) + "-", 20)) expected.push_back(name);
  }
  FakeStream stream(1 << 20);
  auto producer = f.Open(stream);
  Received got;
  Parse(stream.Take(), got);  // the client reads the first turn, then stops
  REQUIRE(!got.ids.empty());
  REQUIRE(got.ids.size() < expected.size());  // paused: the replay is longer than one turn
  producer->OnDrained();
  size_t before_stop = stream.queued_bytes();
  REQUIRE(before_stop >= (64 << 10));  // paused again, at the stream's threshold

  // Not reading: commits, posted pumps and ticks send nothing more (not even a heartbeat).
  for (const auto& name : f.Block("late-", 3)) expected.push_back(name);
  stream.RunPosted();
  producer->OnTick();
  CHECK(stream.queued_bytes() == before_stop);

  // Reading on: each drain lets the stream go on where it stopped.
  for (int turn = 0; turn < 1000 && got.ids.size() < expected.size(); ++turn) {
    Parse(stream.Take(), got);
    producer->OnDrained();
    stream.RunPosted();
  }
  CHECK_FALSE(stream.dropped());
  CHECK(got.datasets == expected);
  CheckIncreasing(got.ids);
  CHECK(got.heartbeats == 0);
}

TEST_CASE("A block with more matching events than the connection may queue is sent in turns",
          "[events]") {
  Fixture f;
  f.Block("first-", 2);
  std::vector<std::string> big = f.Block("big-", 800);
  f.Block("after-", 2);
  // The limit the HTTP server would drop the client at: well below the block's events.
  constexpr size_t kLimit = 128 << 10;
  size_t block_bytes = 0;
  for (const Json& event : node::CollectEvents(*(*f.chain.store().GetBlock(2)), {}, {})) {
    block_bytes += node::FormatServerSentEvent(event).size();
  }
  REQUIRE(block_bytes > 2 * kLimit);

  FakeStream stream(kLimit);
  auto producer = f.Open(stream, {1, kAll, kAll});  // from block 2 on
  Received got;
  Parse(stream.Take(), got);
  CHECK_FALSE(stream.dropped());
  REQUIRE(!got.ids.empty());
  REQUIRE(got.ids.size() < big.size());  // paused inside the block
  producer->OnDrained();
  for (int turn = 0; turn < 1000 && got.ids.size() < big.size() + 2; ++turn) {
    Parse(stream.Take(), got);
    producer->OnDrained();
  }
  CHECK_FALSE(stream.dropped());
  std::vector<std::string> expected = big;
  expected.push_back("after-0");
  expected.push_back("after-1");
  CHECK(got.datasets == expected);
  CheckIncreasing(got.ids);
  CHECK(got.ids.front() == "2.0.0");
  CHECK(got.ids[big.size() - 1] == "2." + std::to_string(big.size() - 1) + ".0");
}

TEST_CASE("Heartbeats come only from an idle stream", "[events]") {
  Fixture f;
  f.Block("d", 2);
  FakeStream stream(1 << 20);
  auto producer = f.Open(stream);
  Received got;
  Parse(stream.Take(), got);
  CHECK(got.ids.size() == 2);
  producer->OnDrained();
  producer->OnTick();  // events went out since the last tick: no heartbeat
  CHECK(stream.Take().empty());
  producer->OnTick();  // a whole interval with nothing to send
  CHECK(stream.queued_bytes() > 0);
  producer->OnTick();  // the client has not taken the last one yet: no second one
  CHECK(stream.Take() == ": heartbeat 1\n\n");
  producer->OnDrained();

  f.Block("e", 1);
  stream.RunPosted();
  Parse(stream.Take(), got);
  CHECK(got.ids.size() == 3);
  CHECK(got.heartbeats == 0);
  producer->OnDrained();
  producer->OnTick();
  CHECK(stream.Take().empty());
  producer->OnTick();
  CHECK(stream.Take() == ": heartbeat 2\n\n");
}
