// Streamed responses of the HttpServer (ResponseStream, StreamProducer) over real loopback
// sockets: chunks written later from other threads, the end of the body, a client that leaves,
// a client that does not read (dropped at the queue limit, never buffered for without bound),
// socket writes of bounded size, the limit on open streams, ticks, drain notices, posted tasks,
// a producer answered after Stop, and Stop. Waits are bounded by generous deadlines only.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include "node/api/http_server.h"
#include "node/api/stream_buffer.h"
#include "tests/support/http_test_server.h"
#include "tests/support/stream_client.h"

namespace covalue::api {
namespace {

using covalue::testing::StreamClient;
using covalue::testing::TestServer;
using namespace std::chrono_literals;

constexpr auto kGenerous = TestServer::kGenerous;

// Records its callbacks; the test writes through stream().
class RecordingProducer final : public StreamProducer {
 public:
  explicit RecordingProducer(std::chrono::milliseconds tick = 0ms) : m_tick(tick) {}

  void OnOpen(std::shared_ptr<ResponseStream> stream) override {
    m_opened.set_value(std::move(stream));
  }
  void OnDrained() override { Count(m_drained); }
  void OnTick() override { Count(m_ticks); }
  std::chrono::milliseconds tick_interval() const override { return m_tick; }
  void OnClosed() override { m_closed.set_value(); }

  std::shared_ptr<ResponseStream> stream() {
    REQUIRE(m_opened_future.wait_for(kGenerous) == std::future_status::ready);
    return m_opened_future.get();
  }
  bool WaitClosed() { return m_closed_future.wait_for(kGenerous) == std::future_status::ready; }
  bool opened() const { return m_opened_future.wait_for(0ms) == std::future_status::ready; }
  bool closed() const { return m_closed_future.wait_for(0ms) == std::future_status::ready; }
  bool WaitTicks(int n) { return WaitCount(m_ticks, n); }
  bool WaitDrained(int n) { return WaitCount(m_drained, n); }

 private:
  void Count(int& counter) {
    std::lock_guard<std::mutex> lock(m_mutex);
    ++counter;
    m_changed.notify_all();
  }
  bool WaitCount(int& counter, int n) {
    std::unique_lock<std::mutex> lock(m_mutex);
    return m_changed.wait_for(lock, kGenerous, [&] { return counter >= n; });
  }

  const std::chrono::milliseconds m_tick;
  std::promise<std::shared_ptr<ResponseStream>> m_opened;
  std::shared_future<std::shared_ptr<ResponseStream>> m_opened_future = m_opened.get_future();
  std::promise<void> m_closed;
  std::future<void> m_closed_future = m_closed.get_future();
  std::mutex m_mutex;
  std::condition_variable m_changed;
  int m_ticks = 0;
  int m_drained = 0;
};

// GET /stream answers each request with a new producer, kept in `producers`; GET /plain is JSON.
struct ProducerPerRequest {
  std::mutex mutex;
  std::vector<std::shared_ptr<RecordingProducer>> producers;

  Router MakeRouter() {
    Router router;
    router.Add("GET", "/stream", [this](const HttpRequest&, Responder respond) {
      auto producer = std::make_shared<RecordingProducer>();
      {
        std::lock_guard<std::mutex> lock(mutex);
        producers.push_back(producer);
      }
      HttpResponse response;
      response.content_type = "text/event-stream";
      response.stream = producer;
      respond(std::move(response));
    });
    router.Add("GET", "/plain", [](const HttpRequest&, Responder respond) {
      respond(JsonResponse(200, {{"plain", true}}));
    });
    return router;
  }
  std::shared_ptr<RecordingProducer> at(size_t i) {
    std::lock_guard<std::mutex> lock(mutex);
    REQUIRE(i < producers.size());
    return producers[i];
  }
};

Router StreamingRouter(std::shared_ptr<RecordingProducer> producer) {
  Router router;
  router.Add("GET", "/stream", [producer](const HttpRequest&, Responder respond) {
    HttpResponse response;
    response.content_type = "text/event-stream";
    response.headers = {{"Cache-Control", "no-cache"}};
    response.stream = producer;
    respond(std::move(response));
  });
  router.Add("GET", "/plain", [](const HttpRequest&, Responder respond) {
    respond(JsonResponse(200, {{"plain", true}}));
  });
  return router;
}

TEST_CASE("A streamed response sends chunks written later from any thread, then ends", "[http]") {
  auto producer = std::make_shared<RecordingProducer>();
  TestServer server(StreamingRouter(producer));
  StreamClient client(server.port(), "/stream");
  CHECK(client.status() == 200);
  CHECK(client.header("Content-Type") == "text/event-stream");
  CHECK(client.header("Transfer-Encoding") == "chunked");
  CHECK(client.header("Content-Length").empty());
  CHECK(client.header("Cache-Control") == "no-cache");

  std::shared_ptr<ResponseStream> stream = producer->stream();
  std::thread writer([stream] {
    CHECK(stream->Write("one\n"));
    CHECK(stream->Write(""));  // nothing to send; not an error
    CHECK(stream->Write("two\nthr"));
  });
  writer.join();
  CHECK(client.NextLine() == "one");
  CHECK(client.NextLine() == "two");
  CHECK(stream->Write("ee\n"));
  CHECK(client.NextLine() == "three");
  CHECK(producer->WaitDrained(1));
  stream->End();
  CHECK_FALSE(stream->Write("late"));
  CHECK(client.ReadToEnd().empty());
  CHECK(client.complete());
  CHECK(producer->WaitClosed());
  CHECK(stream->closed());
  // The server goes on serving other connections.
  auto plain = server.Call("GET", "/plain");
  REQUIRE(plain.ok());
  CHECK(plain->status == 200);
}

TEST_CASE("A client that leaves closes the stream: OnClosed, and writes fail", "[http]") {
  auto producer = std::make_shared<RecordingProducer>();
  TestServer server(StreamingRouter(producer));
  auto client = std::make_unique<StreamClient>(server.port(), "/stream");
  std::shared_ptr<ResponseStream> stream = producer->stream();
  CHECK(stream->Write("hello\n"));
  CHECK(client->NextLine() == "hello");
  client.reset();
  CHECK(producer->WaitClosed());
  CHECK(stream->closed());
  CHECK_FALSE(stream->Write("anyone?\n"));
}

TEST_CASE("A client that does not read is dropped at the queue limit, not buffered for", "[http]") {
  auto producer = std::make_shared<RecordingProducer>();
  HttpServerOptions options;
  options.max_stream_queue_bytes = 256 << 10;
  TestServer server(StreamingRouter(producer), options);
  StreamClient client(server.port(), "/stream");  // reads the header, then nothing
  std::shared_ptr<ResponseStream> stream = producer->stream();
  const std::string chunk(16 << 10, 'x');
  size_t written = 0;
  bool refused = false;
  // The kernel's socket buffers take some megabytes first; 1 GiB would mean no limit at all.
  while (written < (size_t{1} << 30)) {
    if (!stream->Write(chunk)) {
      refused = true;
      break;
    }
    written += chunk.size();
    REQUIRE(stream->queued_bytes() <= options.max_stream_queue_bytes);
  }
  CHECK(refused);
  CHECK(producer->WaitClosed());
  CHECK(stream->closed());
  CHECK_FALSE(stream->Write("x"));
}

TEST_CASE("Ticks come at the producer's interval, and posted tasks run until the stream closes",
          "[http]") {
  auto producer = std::make_shared<RecordingProducer>(20ms);
  TestServer server(StreamingRouter(producer));
  auto client = std::make_unique<StreamClient>(server.port(), "/stream");
  std::shared_ptr<ResponseStream> stream = producer->stream();
  CHECK(producer->WaitTicks(3));

  std::promise<void> ran;
  stream->Post([&ran] { ran.set_value(); });
  CHECK(ran.get_future().wait_for(kGenerous) == std::future_status::ready);

  client.reset();
  CHECK(producer->WaitClosed());
  std::atomic<bool> late{false};
  stream->Post([&late] { late = true; });
  // A task posted after the close is dropped; a plain request served meanwhile gives the
  // server's single io thread the chance to run it, had it been queued.
  auto plain = server.Call("GET", "/plain");
  REQUIRE(plain.ok());
  CHECK_FALSE(late.load());
}

TEST_CASE("Stop closes open streams and the io_context runs dry", "[http]") {
  auto producer = std::make_shared<RecordingProducer>(50ms);
  TestServer server(StreamingRouter(producer));
  StreamClient client(server.port(), "/stream");
  std::shared_ptr<ResponseStream> stream = producer->stream();
  CHECK(stream->Write("before stop\n"));
  CHECK(client.NextLine() == "before stop");
  server.server().Stop();
  CHECK(producer->WaitClosed());
  CHECK_FALSE(client.NextLine().has_value());
  CHECK_FALSE(client.complete());  // cut off, not ended
  CHECK(server.RunReturnsWithin(kGenerous));
}

}  // namespace
}  // namespace covalue::api

namespace covalue::api {
namespace {

// A sink that only counts what the buffer asks of it.
class CountingSink final : public StreamSink {
 public:
  void PostFlush() override { ++flushes; }
  void PostTask(std::function<void()>) override {}
  void Close() override { closed = true; }
  int flushes = 0;
  bool closed = false;
};

TEST_CASE("The connection takes a stream's bytes in bounded chunks, oldest first", "[http]") {
  auto sink = std::make_shared<CountingSink>();
  StreamBuffer buffer(sink, 1 << 20);
  std::string written;
  for (char c : std::string("abcd")) written += std::string(50 << 10, c);
  CHECK(buffer.Write(written));
  CHECK(sink->flushes == 1);
  std::string taken, chunk;
  while (true) {
    CHECK_FALSE(buffer.Take(&chunk, 64 << 10));
    if (chunk.empty()) break;
    CHECK(chunk.size() <= size_t{64} << 10);
    taken += chunk;
  }
  CHECK(taken == written);
  CHECK(buffer.queued_bytes() == written.size());  // taken is not sent
  buffer.Sent(written.size());
  CHECK(buffer.queued_bytes() == 0);
  CHECK(buffer.Write("tail"));
  buffer.End();
  CHECK(buffer.Take(&chunk, 2));
  CHECK(chunk == "ta");
  CHECK(buffer.Take(&chunk, 2));
  CHECK(chunk == "il");
  CHECK_FALSE(sink->closed);
}

TEST_CASE("A streamed body goes out in socket writes of at most 64 KiB", "[http]") {
  // Each write must finish within read_timeout: a bounded one asks a slow client for 64 KiB per
  // read_timeout, not for the whole queue (up to max_stream_queue_bytes) at once.
  auto producer = std::make_shared<RecordingProducer>();
  TestServer server(StreamingRouter(producer));
  StreamClient client(server.port(), "/stream");
  std::shared_ptr<ResponseStream> stream = producer->stream();
  const std::string line = std::string(1023, 'x') + "\n";
  std::string lines;
  for (int i = 0; i < 900; ++i) lines += line;
  REQUIRE(stream->Write(lines));  // 900 KiB queued at once
  for (int i = 0; i < 900; ++i) {
    auto got = client.NextLine();
    REQUIRE(got.has_value());
    REQUIRE(*got + "\n" == line);
  }
  CHECK(client.largest_chunk() > 0);
  CHECK(client.largest_chunk() <= uint64_t{64} << 10);
  CHECK_FALSE(stream->closed());
}

TEST_CASE("Streams beyond max_streams get 503, and ordinary requests are still served", "[http]") {
  ProducerPerRequest producers;
  HttpServerOptions options;
  options.max_connections = 5;  // streams: at most 2, half of it
  TestServer server(producers.MakeRouter(), options);
  auto first = std::make_unique<StreamClient>(server.port(), "/stream");
  StreamClient second(server.port(), "/stream");
  CHECK(first->status() == 200);
  CHECK(second.status() == 200);
  REQUIRE(producers.at(1)->stream() != nullptr);

  auto refused = server.Call("GET", "/stream");
  REQUIRE(refused.ok());
  CHECK(refused->status == 503);
  CHECK(refused->body.find("\"code\":\"unavailable\"") != std::string::npos);
  CHECK(refused->body.find("too many streams") != std::string::npos);
  CHECK_FALSE(producers.at(2)->opened());  // released unopened: no OnOpen, no OnClosed
  CHECK_FALSE(producers.at(2)->closed());
  for (int i = 0; i < 3; ++i) {  // beside two streams, and on a connection of their own each
    auto plain = server.Call("GET", "/plain");
    REQUIRE(plain.ok());
    CHECK(plain->status == 200);
  }

  // A closed stream gives its place back.
  producers.at(0)->stream();
  first.reset();
  REQUIRE(producers.at(0)->WaitClosed());
  StreamClient third(server.port(), "/stream");
  CHECK(third.status() == 200);
  CHECK(producers.at(3)->stream() != nullptr);

  HttpServerOptions explicit_limit;
  explicit_limit.max_streams = 1;
  ProducerPerRequest others;
  TestServer one(others.MakeRouter(), explicit_limit);
  StreamClient only(one.port(), "/stream");
  CHECK(only.status() == 200);
  auto over = one.Call("GET", "/stream");
  REQUIRE(over.ok());
  CHECK(over->status == 503);
}

TEST_CASE(
    "Stop closes a connection that waits for its handler, and a producer answered after Stop "
    "is released without callbacks",
    "[http]") {
  std::promise<Responder> held;
  auto held_future = held.get_future();
  Router router;
  router.Add("GET", "/late", [&held](const HttpRequest&, Responder respond) {
    held.set_value(std::move(respond));
  });
  TestServer server(std::move(router));
  auto call = std::async(std::launch::async, [&server] { return server.Call("GET", "/late"); });
  REQUIRE(held_future.wait_for(kGenerous) == std::future_status::ready);
  Responder respond = held_future.get();
  server.server().Stop();
  auto producer = std::make_shared<RecordingProducer>();
  HttpResponse response;
  response.stream = producer;
  respond(std::move(response));
  respond = nullptr;
  CHECK(server.RunReturnsWithin(kGenerous));
  CHECK_FALSE(producer->opened());
  CHECK_FALSE(producer->closed());
  CHECK(producer.use_count() == 1);
  // Closed by Stop (nothing else kept the io_context busy), not left to time out.
  auto answer = call.get();
  CHECK(answer.status().code() == Code::kUnavailable);
}

}  // namespace
}  // namespace covalue::api
