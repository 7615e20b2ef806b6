// The generic HTTP/1.1 layer under the node's JSON API (Boost.Beast): routing by method and path
// pattern, body/header limits, JSON error bodies, responses that may arrive later from any
// thread, and streamed responses (server-sent events) with a bounded send queue. Knows nothing
// about the ledger. HttpServer owns its acceptor and sessions; the Router is moved in and never
// changes afterwards. Thread-safe: HttpServer::Stop(), port(), every Responder and every
// ResponseStream. Handlers run on their connection's strand; if the io_context runs on several
// threads, handlers for different connections run concurrently and must be thread-safe.
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
  // Most streamed responses open at once; 0: half of max_connections (at least 1), so that streams
  // always leave connections for ordinary requests. A stream beyond it is answered 503
  // unavailable (with Retry-After) instead, and the producer is released unopened.
  size_t max_streams = 0;
  // Most bytes of a streamed response waiting to be sent; a Write beyond it drops the connection.
  size_t max_stream_queue_bytes = 1 << 20;
};

// The body of a streamed response, sent with chunked transfer encoding in the order written.
// At most HttpServerOptions::max_stream_queue_bytes may wait unsent: a Write beyond that closes
// the connection — a client that does not read is dropped, never buffered for without bound; so
// does a socket write (of at most 64 KiB) that does not complete within read_timeout. A writer
// that wants to keep its client paces itself with queued_bytes() and StreamProducer::OnDrained,
// keeping well below the limit. A streamed response always ends its connection and, while open,
// holds one of max_connections and one of max_streams; its socket has TCP keepalive (and a user
// timeout) so that a client that vanished without closing is dropped within about a minute.
// Thread-safe.
class ResponseStream {
 public:
  virtual ~ResponseStream() = default;
  // Queues `chunk` (empty chunks are ignored). false, queueing nothing, once the stream is closed
  // or ending, and when the queue would exceed its limit — the connection is then closed.
  virtual bool Write(std::string chunk) = 0;
  // Ends the body once what is queued has been sent, then closes the connection.
  virtual void End() = 0;
  // Runs `task` on the connection's strand, one at a time with the producer's callbacks; it is
  // dropped if the stream closes first.
  virtual void Post(std::function<void()> task) = 0;
  // Bytes written and not yet sent.
  virtual size_t queued_bytes() const = 0;
  // The client went away, a write failed or overflowed, End() was called, or the server stops.
  virtual bool closed() const = 0;
};

// What a handler that streams implements and sets as HttpResponse::stream. Its callbacks run on
// the connection's strand, one at a time; a producer that is also called from other threads
// (to write) guards its own state.
class StreamProducer {
 public:
  virtual ~StreamProducer() = default;
  // The status and headers are sent: from now on write the body to `stream`.
  virtual void OnOpen(std::shared_ptr<ResponseStream> stream) = 0;
  // Everything queued so far has been sent.
  virtual void OnDrained() {}
  // Every tick_interval() while the stream is open, if that is positive (for heartbeats).
  virtual void OnTick() {}
  virtual std::chrono::milliseconds tick_interval() const { return std::chrono::milliseconds(0); }
  // The stream has closed, for whatever reason; made once for every producer that had OnOpen, as
  // its last callback (not made if the io_context stops running first). Writes fail from now on.
  // A producer that never got OnOpen (the client left, or the server stopped, before its answer
  // was sent; or max_streams refused it) gets no callback at all: it is only released.
  virtual void OnClosed() {}
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
