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

namespace covalue::api {

struct HttpRequest {
  std::string method;                          // "GET", "POST", ... as sent
  std::string path;                            // without the query, as sent (not decoded)
  std::map<std::string, std::string> query;    // percent-decoded; a repeated key keeps its last value
  std::map<std::string, std::string> params;   // "{name}" captures of the matched pattern, decoded
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names; repeated fields joined by ", "
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  // Extra header fields. Content-Type, Content-Length, Server and Connection are set by the server.
  // (HttpCall fills this with every received field, names in lower case.)
  std::vector<std::pair<std::string, std::string>> headers;
};

// The HTTP status for a rejection: 400 for bad input, 404, 409, 403, 413, 503, 504, else 500.
int HttpStatusFor(Code code);
// {"code": CodeName(status.code()), "message": status.message()} with HttpStatusFor's status.
HttpResponse ErrorResponse(const Status& status);
// `body` serialized compactly; invalid UTF-8 in strings is replaced rather than thrown on.
HttpResponse JsonResponse(int status, const nlohmann::json& body);

// Answers a request. Call it exactly once, from any thread, now or later; it is cheap to copy.
// Later calls are ignored (and logged). If every copy is destroyed unanswered, the client gets
// 500 internal. Calling it after the client has gone away is harmless.
using Responder = std::function<void(HttpResponse)>;
// The request is valid only during the call; copy what must outlive it.
using Handler = std::function<void(const HttpRequest&, Responder)>;

// Method + path pattern -> Handler. A pattern is "/"-separated segments, each a literal or a
// "{name}" capture ("/v1/tx/{id}"); empty segments are ignored, so a trailing "/" does not matter.
// When several patterns match, the one with a literal in the earliest differing position wins.
// Not thread-safe while adding; Dispatch is const and safe to call concurrently.
class Router {
 public:
  void Add(std::string method, std::string pattern, Handler handler);

  // Fills request.params and calls the matching handler. An unknown path answers 404 not_found;
  // a known path with another method answers 405 {"code":"method_not_allowed"} with an Allow
  // header; an undecodable path answers 400 malformed. A handler's exception propagates.
  void Dispatch(HttpRequest& request, const Responder& respond) const;

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;  // a capture is stored as "{name}"
    Handler handler;
  };
  std::vector<Route> m_routes;
};

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
