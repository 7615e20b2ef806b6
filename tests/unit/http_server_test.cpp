// HttpServer, Router and HttpCall over real loopback sockets: a server on an ephemeral port with
// its io_context on a background thread. Waits are bounded by generous deadlines only.
#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "node/api/http_client.h"
#include "node/api/http_server.h"
#include "tests/support/http_test_server.h"

namespace covalue::api {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using json = nlohmann::json;
using namespace std::chrono_literals;

constexpr auto kGenerous = 10s;

using covalue::testing::TestServer;

// A raw client connection for what HttpCall cannot do: garbage bytes, keep-alive.
class RawConnection {
 public:
  explicit RawConnection(uint16_t port) : m_stream(m_io) {
    beast::error_code ec;
    m_stream.expires_after(kGenerous);
    m_stream.async_connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), port),
                           [&](beast::error_code e) { ec = e; });
    Run();
    REQUIRE(!ec);
  }
  void Send(const std::string& bytes) {
    beast::error_code ec;
    m_stream.expires_after(kGenerous);
    net::async_write(m_stream, net::buffer(bytes), [&](beast::error_code e, size_t) { ec = e; });
    Run();
    REQUIRE(!ec);
  }
  // The next response, or nothing if the server closed the connection instead.
  std::optional<http::response<http::string_body>> Read() {
    beast::error_code ec;
    http::response<http::string_body> response;
    m_stream.expires_after(kGenerous);
    http::async_read(m_stream, m_buffer, response, [&](beast::error_code e, size_t) { ec = e; });
    Run();
    REQUIRE(ec != beast::error::timeout);
    if (ec) return std::nullopt;
    return response;
  }

 private:
  void Run() {
    m_io.run();
    m_io.restart();
  }
  net::io_context m_io;
  beast::tcp_stream m_stream;
  beast::flat_buffer m_buffer;
};

json Body(const Result<HttpResponse>& response) {
  REQUIRE(response.ok());
  return json::parse(response->body);
}

std::string Header(const HttpResponse& response, const std::string& name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) return value;
  }
  return "";
}

// Echoes what the router and the parser made of the request.
Handler Echo(std::string name) {
  return [name](const HttpRequest& request, Responder respond) {
    respond(JsonResponse(200, {{"route", name},
                               {"method", request.method},
                               {"path", request.path},
                               {"params", request.params},
                               {"query", request.query},
                               {"body", request.body}}));
  };
}

TEST_CASE("HttpStatusFor maps codes to HTTP statuses", "[http]") {
  CHECK(HttpStatusFor(Code::kMalformed) == 400);
  CHECK(HttpStatusFor(Code::kBadSignature) == 400);
  CHECK(HttpStatusFor(Code::kExpiryTooFar) == 400);
  CHECK(HttpStatusFor(Code::kTooLarge) == 413);
  CHECK(HttpStatusFor(Code::kNotFound) == 404);
  CHECK(HttpStatusFor(Code::kReplay) == 409);
  CHECK(HttpStatusFor(Code::kConflict) == 409);
  CHECK(HttpStatusFor(Code::kPermissionDenied) == 403);
  CHECK(HttpStatusFor(Code::kMempoolFull) == 503);
  CHECK(HttpStatusFor(Code::kTimeout) == 504);
  CHECK(HttpStatusFor(Code::kCorruption) == 500);
  HttpResponse error = ErrorResponse({Code::kWrongChain, "chain \"x\"\xff"});
  CHECK(error.status == 400);
  CHECK(error.content_type == "application/json");
  json body = json::parse(error.body);
  CHECK(body["code"] == "wrong_chain");
  CHECK(body["message"].get<std::string>().rfind("chain \"x\"", 0) == 0);
}

TEST_CASE("ParseHostPort accepts host:port and http:// forms", "[http]") {
  auto plain = ParseHostPort("127.0.0.1:26680");
  REQUIRE(plain.ok());
  CHECK(plain->first == "127.0.0.1");
  CHECK(plain->second == 26680);
  auto url = ParseHostPort("http://node-a:80/");
  REQUIRE(url.ok());
  CHECK(url->first == "node-a");
  CHECK(url->second == 80);
  auto v6 = ParseHostPort("[::1]:9");
  REQUIRE(v6.ok());
  CHECK(v6->first == "::1");
  for (const char* bad : {"127.0.0.1", "127.0.0.1:", ":80", "host:0", "host:65536", "host:8x",
                          "https://host:443", "http://host:80/v1", "::1:80"}) {
    INFO(bad);
    CHECK(ParseHostPort(bad).status().code() == Code::kInvalidArgument);
  }
}

TEST_CASE("Router matches methods, captures and decoded queries", "[http]") {
  Router router;
  router.Add("GET", "/v1/tx/{id}", Echo("tx"));
  router.Add("GET", "/v1/tx/pending", Echo("pending"));
  router.Add("POST", "/v1/tx", Echo("submit"));
  router.Add("GET", "/v1/dataset/{owner}/{name}", Echo("dataset"));
  TestServer server(std::move(router));

  auto tx = server.Call("GET", "/v1/tx/ab%20cd?wait=true&note=a+b%26c&empty");
  REQUIRE(tx.ok());
  CHECK(tx->status == 200);
  CHECK(tx->content_type == "application/json");
  CHECK(Header(*tx, "server") == "covalue");
  CHECK(Header(*tx, "content-length") == std::to_string(tx->body.size()));
  json body = Body(tx);
  CHECK(body["route"] == "tx");
  CHECK(body["path"] == "/v1/tx/ab%20cd");
  CHECK(body["params"]["id"] == "ab cd");
  CHECK(body["query"]["wait"] == "true");
  CHECK(body["query"]["note"] == "a b&c");
  CHECK(body["query"]["empty"] == "");

  CHECK(Body(server.Call("GET", "/v1/tx/pending"))["route"] == "pending");
  json dataset = Body(server.Call("GET", "/v1/dataset/alice/weather/"));
  CHECK(dataset["params"] == json({{"owner", "alice"}, {"name", "weather"}}));
  json submitted = Body(server.Call("POST", "/v1/tx", R"({"kind":"grant"})"));
  CHECK(submitted["route"] == "submit");
  CHECK(submitted["body"] == R"({"kind":"grant"})");

  auto bad_query = server.Call("GET", "/v1/tx/1?x=%zz");
  REQUIRE(bad_query.ok());
  CHECK(bad_query->status == 400);
  CHECK(Body(bad_query)["code"] == "malformed");
}

TEST_CASE("Unknown paths answer 404 and wrong methods 405, as JSON", "[http]") {
  Router router;
  router.Add("GET", "/v1/status", Echo("status"));
  router.Add("PUT", "/v1/status", Echo("status"));
  TestServer server(std::move(router));

  auto missing = server.Call("GET", "/v1/nope");
  REQUIRE(missing.ok());
  CHECK(missing->status == 404);
  CHECK(Body(missing)["code"] == "not_found");

  auto wrong = server.Call("DELETE", "/v1/status");
  REQUIRE(wrong.ok());
  CHECK(wrong->status == 405);
  CHECK(Body(wrong)["code"] == "method_not_allowed");
  CHECK(Header(*wrong, "allow") == "GET, PUT");
}

TEST_CASE("An oversized body gets 413 too_large and the connection closes", "[http]") {
  Router router;
  router.Add("POST", "/v1/tx", Echo("submit"));
  HttpServerOptions options;
  options.max_body_bytes = 1024;
  TestServer server(std::move(router), options);

  auto small = server.Call("POST", "/v1/tx", std::string(1024, 'a'));
  REQUIRE(small.ok());
  CHECK(small->status == 200);

  auto large = server.Call("POST", "/v1/tx", std::string(256 << 10, 'a'));
  REQUIRE(large.ok());
  CHECK(large->status == 413);
  CHECK(Body(large)["code"] == "too_large");
  CHECK(Header(*large, "connection") == "close");
}

TEST_CASE("A malformed request gets 400 malformed or a closed connection", "[http]") {
  Router router;
  router.Add("GET", "/v1/status", Echo("status"));
  TestServer server(std::move(router));
  {
    RawConnection garbage(server.port());
    garbage.Send("\x01\x02 this is not HTTP \xff\r\n\r\n");
    auto response = garbage.Read();
    REQUIRE(response);  // closing without an answer would also be acceptable; this server answers
    CHECK(response->result_int() == 400);
    CHECK(json::parse(response->body())["code"] == "malformed");
    CHECK_FALSE(response->keep_alive());
  }
  {
    RawConnection bad_version(server.port());
    bad_version.Send("GET /v1/status HTTP/9\r\n\r\n");
    auto response = bad_version.Read();
    REQUIRE(response);
    CHECK(response->result_int() == 400);
  }
  auto after = server.Call("GET", "/v1/status");  // the server still serves
  REQUIRE(after.ok());
  CHECK(after->status == 200);
}

TEST_CASE("Expect: 100-continue gets a go-ahead, an oversized header gets 413", "[http]") {
  Router router;
  router.Add("POST", "/v1/tx", Echo("submit"));
  HttpServerOptions options;
  options.max_header_bytes = 1024;
  TestServer server(std::move(router), options);
  {
    RawConnection connection(server.port());
    connection.Send(
        "POST /v1/tx HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n");
    auto go_ahead = connection.Read();
    REQUIRE(go_ahead);
    CHECK(go_ahead->result_int() == 100);
    connection.Send("[1] ");
    auto response = connection.Read();
    REQUIRE(response);
    CHECK(response->result_int() == 200);
    CHECK(json::parse(response->body())["body"] == "[1] ");
  }
  {
    RawConnection connection(server.port());
    connection.Send("GET /v1/tx HTTP/1.1\r\nHost: x\r\nX-Filler: " + std::string(2048, 'f') +
                    "\r\n\r\n");
    auto response = connection.Read();
    REQUIRE(response);
    CHECK(response->result_int() == 413);
    CHECK(json::parse(response->body())["code"] == "too_large");
  }
}

TEST_CASE("A responder may answer later from another thread", "[http]") {
  std::vector<std::thread> workers;
  std::mutex mutex;
  Router router;
  router.Add("GET", "/v1/wait", [&](const HttpRequest& request, Responder respond) {
    std::string id = request.query.count("id") ? request.query.at("id") : "";
    std::lock_guard<std::mutex> lock(mutex);
    workers.emplace_back([respond, id] {
      std::this_thread::sleep_for(50ms);
      respond(JsonResponse(202, {{"committed", id}}));
      respond(JsonResponse(500, {{"second", true}}));  // ignored
    });
  });
  {
    TestServer server(std::move(router));
    auto response = server.Call("GET", "/v1/wait?id=7");
    REQUIRE(response.ok());
    CHECK(response->status == 202);
    CHECK(Body(response)["committed"] == "7");
    // Responders must not outlive the io_context: join before the server goes.
    std::lock_guard<std::mutex> lock(mutex);
    for (auto& worker : workers) worker.join();
  }
}

TEST_CASE("A delayed answer after the client left is harmless", "[http]") {
  std::promise<Responder> parked;
  Router router;
  router.Add("GET", "/v1/wait", [&](const HttpRequest&, Responder respond) {
    parked.set_value(respond);
  });
  router.Add("GET", "/v1/status", Echo("status"));
  TestServer server(std::move(router));
  auto gave_up = HttpCall("127.0.0.1", server.port(), "GET", "/v1/wait", "", 200ms);
  CHECK(gave_up.status().code() == Code::kTimeout);
  auto future = parked.get_future();
  REQUIRE(future.wait_for(kGenerous) == std::future_status::ready);
  future.get()(JsonResponse(200, {{"late", true}}));
  auto after = server.Call("GET", "/v1/status");
  REQUIRE(after.ok());
  CHECK(after->status == 200);
}

TEST_CASE("Keep-alive serves two requests on one connection", "[http]") {
  Router router;
  router.Add("GET", "/v1/status", Echo("status"));
  router.Add("POST", "/v1/tx", Echo("submit"));
  TestServer server(std::move(router));
  RawConnection connection(server.port());
  connection.Send("GET /v1/status HTTP/1.1\r\nHost: x\r\n\r\n");
  auto first = connection.Read();
  REQUIRE(first);
  CHECK(first->result_int() == 200);
  CHECK(first->keep_alive());
  connection.Send("POST /v1/tx HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}");
  auto second = connection.Read();
  REQUIRE(second);
  CHECK(second->result_int() == 200);
  CHECK(json::parse(second->body())["body"] == "{}");
}

TEST_CASE("A handler that throws or drops its responder gets 500 internal", "[http]") {
  Router router;
  router.Add("GET", "/v1/throw", [](const HttpRequest&, Responder) {
    throw std::runtime_error("bug");
  });
  router.Add("GET", "/v1/throw-int", [](const HttpRequest&, Responder) { throw 7; });
  router.Add("GET", "/v1/drop", [](const HttpRequest&, Responder) {});
  TestServer server(std::move(router));
  for (const char* path : {"/v1/throw", "/v1/throw-int", "/v1/drop"}) {
    INFO(path);
    auto response = server.Call("GET", path);
    REQUIRE(response.ok());
    CHECK(response->status == 500);
    CHECK(Body(response)["code"] == "internal");
  }
}

TEST_CASE("Connections beyond max_connections get 503", "[http]") {
  Router router;
  router.Add("GET", "/v1/status", Echo("status"));
  HttpServerOptions options;
  options.max_connections = 1;
  TestServer server(std::move(router), options);
  RawConnection held(server.port());
  auto refused = server.Call("GET", "/v1/status");
  REQUIRE(refused.ok());
  CHECK(refused->status == 503);
  CHECK(Body(refused)["code"] == "unavailable");
}

TEST_CASE("Stop closes open connections and the io_context runs dry", "[http]") {
  std::promise<Responder> parked;
  Router router;
  router.Add("GET", "/v1/wait", [&](const HttpRequest&, Responder respond) {
    parked.set_value(respond);
  });
  router.Add("GET", "/v1/status", Echo("status"));
  TestServer server(std::move(router));
  RawConnection idle(server.port());
  RawConnection waiting(server.port());
  waiting.Send("GET /v1/wait HTTP/1.1\r\nHost: x\r\n\r\n");
  auto future = parked.get_future();
  REQUIRE(future.wait_for(kGenerous) == std::future_status::ready);
  Responder respond = future.get();

  server.server().Stop();
  server.server().Stop();  // idempotent
  CHECK(server.RunReturnsWithin(kGenerous));
  CHECK_FALSE(idle.Read());
  CHECK_FALSE(waiting.Read());
  respond(JsonResponse(200, {}));  // after Stop: harmless
}

TEST_CASE("Start reports a taken port and HttpCall a refused one", "[http]") {
  net::io_context io;
  uint16_t port = 0;
  {
    HttpServer first(io, {}, Router());
    REQUIRE(first.Start().ok());
    port = first.port();
    CHECK(port != 0);
    HttpServerOptions options;
    options.port = port;
    HttpServer second(io, options, Router());
    Status taken = second.Start();
    CHECK(taken.code() == Code::kUnavailable);
    CHECK(taken.message().find(std::to_string(port)) != std::string::npos);
    first.Stop();
    io.run();  // the acceptor closes
  }
  auto refused = HttpCall("127.0.0.1", port, "GET", "/", "", kGenerous);
  CHECK(refused.status().code() == Code::kUnavailable);
  CHECK(refused.status().message().find("127.0.0.1:" + std::to_string(port)) != std::string::npos);
}

}  // namespace
}  // namespace covalue::api
