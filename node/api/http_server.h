// The generic HTTP/1.1 layer under the node's JSON API (Boost.Beast): routing by method and path
// pattern, body/header limits, JSON error bodies, and responses that may arrive later from any
// thread. Knows nothing about the ledger. HttpServer owns its acceptor and sessions; the Router is
// moved in and never changes afterwards. Thread-safe: HttpServer::Stop(), port(), and every
// Responder. Handlers run on their connection's strand; if the io_context runs on several threads,
// handlers for different connections run concurrently and must be thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include "common/status.h"
#include "node/api/router.h"

namespace covalue::api {

struct HttpServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 0;  // 0 = an ephemeral port; see HttpServer::port()
  size_t max_body_bytes = 1 << 20;
  size_t max_header_bytes = 16 << 10;
  // Longest wait for a whole request (and for writing a response); idle keep-alive connections
  // close after it. Waiting for a handler's answer is not limited.
  std::chrono::milliseconds read_timeout{10000};
  size_t max_connections = 256;  // beyond it a new connection gets 503 unavailable and is closed
};

class HttpServer {
 public:
  HttpServer(boost::asio::io_context& io, HttpServerOptions options, Router router);
  ~HttpServer();  // calls Stop(); the io_context must outlive this object
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and listens; accepting starts when the io_context runs. kUnavailable if the address
  // cannot be bound (port taken), kInvalidArgument for a bad address or a second Start.
  Status Start();
  // The actual bound port after Start; 0 before.
  uint16_t port() const;
  // Closes the acceptor and every open connection (posted to their strands; it does not wait).
  // Once the posted work has run, the server holds no pending work on the io_context, so run()
  // returns if nothing else keeps it busy. Idempotent; safe to call from any thread.
  void Stop();

  struct Impl;

 private:
  std::shared_ptr<Impl> m_impl;
};

}  // namespace covalue::api
