// TestServer: an HttpServer (node/api/http_server.h) on an ephemeral loopback port with its
// io_context on a background thread, for tests of the HTTP layer; stops and joins on
// destruction. Header-only; used from the test's thread.
#pragma once

#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>

#include "node/api/http_client.h"
#include "node/api/http_server.h"

namespace covalue::testing {

class TestServer {
 public:
  static constexpr std::chrono::seconds kGenerous{10};

  explicit TestServer(api::Router router, api::HttpServerOptions options = {}) {
    m_server = std::make_unique<api::HttpServer>(m_io, std::move(options), std::move(router));
    Status started = m_server->Start();
    REQUIRE(started.ok());
    m_thread = std::thread([this] { m_io.run(); });
  }
  ~TestServer() {
    m_server->Stop();
    m_io.stop();
    if (m_thread.joinable()) m_thread.join();
  }
  uint16_t port() const { return m_server->port(); }
  api::HttpServer& server() { return *m_server; }
  // Joins the io thread if run() returns by itself within `within`.
  bool RunReturnsWithin(std::chrono::milliseconds within) {
    auto joined = std::async(std::launch::async, [this] { m_thread.join(); });
    if (joined.wait_for(within) == std::future_status::ready) return true;
    m_io.stop();  // fail rather than hang
    return false;
  }

  Result<api::HttpResponse> Call(const std::string& method, const std::string& target,
                                 const std::string& body = "") {
    return api::HttpCall("127.0.0.1", port(), method, target, body, kGenerous);
  }

 private:
  boost::asio::io_context m_io;
  std::unique_ptr<api::HttpServer> m_server;
  std::thread m_thread;
};

}  // namespace covalue::testing
