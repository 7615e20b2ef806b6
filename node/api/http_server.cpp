#include "node/api/http_server.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <exception>
#include <limits>
#include <mutex>
#include <optional>
#include <string_view>
#include <unordered_map>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "common/bytes.h"
#include "common/log.h"
#include "node/api/stream_buffer.h"

namespace covalue::api {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {

constexpr std::string_view kComponent = "http";
// The most bytes of a streamed body one socket write sends (StreamBuffer::Take): each write must
// finish within read_timeout, so a client is asked to read at least this much per read_timeout.
constexpr size_t kMaxStreamChunkBytes = 64 << 10;
// TCP keepalive on stream connections: probes after this long without a byte from the client,
// this often, this many times. The user timeout drops a connection whose sent data stays
// unacknowledged this long (heartbeats keep a stream busy, so keepalive alone would never probe
// a vanished client). About a minute either way, instead of the system's two hours / 15 minutes.
constexpr int kKeepAliveIdleSeconds = 30;
constexpr int kKeepAliveIntervalSeconds = 10;
constexpr int kKeepAliveProbes = 3;
constexpr unsigned kUserTimeoutMs = 60000;

// Turns on keepalive (and, where the system has them, its timings and the user timeout) for a
// connection that stays open without requests: a peer that vanished without closing is noticed.
void EnableKeepAlive(tcp::socket& socket) {
  beast::error_code ec;
  socket.set_option(net::socket_base::keep_alive(true), ec);
  bool tuned = !ec;
  auto set = [&](int level, int name, auto value) {
    tuned = ::setsockopt(socket.native_handle(), level, name, &value, sizeof value) == 0 && tuned;
  };
#if defined(TCP_KEEPIDLE) && defined(TCP_KEEPINTVL) && defined(TCP_KEEPCNT)
  set(IPPROTO_TCP, TCP_KEEPIDLE, kKeepAliveIdleSeconds);
  set(IPPROTO_TCP, TCP_KEEPINTVL, kKeepAliveIntervalSeconds);
  set(IPPROTO_TCP, TCP_KEEPCNT, kKeepAliveProbes);
#endif
#if defined(TCP_USER_TIMEOUT)
  set(IPPROTO_TCP, TCP_USER_TIMEOUT, kUserTimeoutMs);
#endif
  if (!tuned) Log(LogLevel::kWarn, kComponent, "cannot set keepalive on a stream connection");
}

// Method, path, decoded query, headers and body of a parsed request.
Status ConvertRequest(http::request<http::string_body>& in, HttpRequest& out) {
  out.method = std::string(in.method_string());
  std::string_view target(in.target().data(), in.target().size());
  if (target.empty() || target.front() != '/') {
    return Status(Code::kMalformed, "request target must start with '/'");
  }
  size_t question = target.find('?');
  out.path = std::string(target.substr(0, question));
  if (question != std::string_view::npos) {
    for (std::string_view pair : Split(target.substr(question + 1), '&')) {
      size_t equals = pair.find('=');
      auto key = PercentDecode(pair.substr(0, equals), true);
      auto value = PercentDecode(
          equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1), true);
      if (!key || !value) return Status(Code::kMalformed, "bad percent-encoding in query string");
      out.query[*key] = std::move(*value);
    }
  }
  for (const auto& field : in) {
    std::string name(field.name_string());
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::string& value = out.headers[name];
    if (!value.empty()) value += ", ";
    value += std::string_view(field.value().data(), field.value().size());
  }
  out.body = std::move(in.body());
  return Status::Ok();
}

// The status line, Server, Content-Type and the handler's own fields of `response`.
template <class Body>
void SetHeader(http::response<Body>& message, const HttpResponse& response) {
  message.version(11);
  bool valid = response.status >= 100 && response.status <= 999;
  message.result(static_cast<unsigned>(valid ? response.status : 500));
  message.set(http::field::server, "covalue");
  message.set(http::field::content_type, response.content_type);
  for (const auto& [name, value] : response.headers) message.insert(name, value);
}

}  // namespace

namespace {
class Session;
}  // namespace

struct HttpServer::Impl : std::enable_shared_from_this<HttpServer::Impl> {
  Impl(net::io_context& io, HttpServerOptions options, Router router)
      : m_io(io),
        m_options(std::move(options)),
        m_router(std::move(router)),
        m_acceptor(net::make_strand(io)) {}

  void Accept();
  void OnAccept(beast::error_code ec, tcp::socket socket);
  void Unregister(Session* session) {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_sessions.erase(session);
  }
  // Most streamed responses open at once: max_streams, or half of max_connections (at least 1).
  size_t StreamLimit() const {
    if (m_options.max_streams != 0) return m_options.max_streams;
    return std::max<size_t>(1, m_options.max_connections / 2);
  }
  // Takes one of StreamLimit() places for a streamed response; false if none is free.
  bool AcquireStream() {
    size_t open = m_streams.load();
    do {
      if (open >= StreamLimit()) return false;
    } while (!m_streams.compare_exchange_weak(open, open + 1));
    return true;
  }
  void ReleaseStream() { m_streams.fetch_sub(1); }

  net::io_context& m_io;
  const HttpServerOptions m_options;
  const Router m_router;
  tcp::acceptor m_acceptor;  // used only on its strand, once Start has returned
  std::atomic<bool> m_started{false};
  std::atomic<bool> m_stopping{false};
  std::atomic<uint16_t> m_port{0};
  std::atomic<size_t> m_streams{0};  // streamed responses holding a place (AcquireStream)
  std::mutex m_mutex;                // guards m_sessions
  std::unordered_map<Session*, std::weak_ptr<Session>> m_sessions;
};

namespace {

// One connection: reads a request, dispatches it, waits for the answer, writes it, repeats; or,
// for a streamed answer, writes its header and then its chunks until it ends or the client
// leaves. Everything but Deliver, Close, PostFlush and PostTask runs on the connection's strand.
class Session : public StreamSink, public std::enable_shared_from_this<Session> {
 public:
  Session(std::shared_ptr<HttpServer::Impl> server, tcp::socket socket, bool registered)
      : m_server(std::move(server)), m_stream(std::move(socket)), m_registered(registered) {}
  ~Session() {
    if (m_holds_stream) m_server->ReleaseStream();
    if (m_registered) m_server->Unregister(this);
  }

  void Start() {
    net::dispatch(m_stream.get_executor(), [self = shared_from_this()] { self->ReadRequest(); });
  }
  // Answers `response` without reading a request, then closes.
  void StartRejected(HttpResponse response) {
    net::dispatch(m_stream.get_executor(), [self = shared_from_this(), r = std::move(response)] {
      self->SendAndClose(r, true);
    });
  }
  // Any thread.
  void Close() override {
    net::post(m_stream.get_executor(), [self = shared_from_this()] { self->DoClose(); });
  }
  // Any thread: the answer to request number `generation`.
  void Deliver(uint64_t generation, HttpResponse response) {
    if (m_server->m_stopping.load()) return;  // sockets are closing; the io_context may be gone
    net::post(m_stream.get_executor(),
              [self = shared_from_this(), generation, r = std::move(response)]() mutable {
                self->Write(generation, std::move(r));
              });
  }
  // Any thread: runs `task` on the strand unless the connection has closed by then.
  void PostTask(std::function<void()> task) override {
    if (m_server->m_stopping.load()) return;
    net::post(m_stream.get_executor(), [self = shared_from_this(), t = std::move(task)] {
      if (!self->m_closed) t();
    });
  }
  void PostFlush() override {
    PostTask([self = shared_from_this()] { self->Flush(false); });
  }

 private:
  void ReadRequest() {
    const HttpServerOptions& options = m_server->m_options;
    m_parser.emplace();
    m_parser->body_limit(options.max_body_bytes);
    m_parser->header_limit(static_cast<uint32_t>(
        std::min<size_t>(options.max_header_bytes, std::numeric_limits<uint32_t>::max())));
    m_stream.expires_after(options.read_timeout);
    http::async_read_header(m_stream, m_buffer, *m_parser,
                            [self = shared_from_this()](beast::error_code ec, size_t) {
                              self->OnHeader(ec);
                            });
  }

  // A client that sent "Expect: 100-continue" (curl does, for larger bodies) waits for a go-ahead
  // before the body; a body over the limit was already refused while reading the header.
  void OnHeader(beast::error_code ec) {
    if (ec) return OnRead(ec);
    if (!beast::iequals(m_parser->get()[http::field::expect], "100-continue")) return ReadBody();
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    net::async_write(m_stream, net::buffer(kContinue.data(), kContinue.size()),
                     [self = shared_from_this()](beast::error_code ec, size_t) {
                       if (ec) return self->DoClose();
                       self->ReadBody();
                     });
  }

  void ReadBody() {
    http::async_read(m_stream, m_buffer, *m_parser,
                     [self = shared_from_this()](beast::error_code ec, size_t) {
                       self->OnRead(ec);
                     });
  }

  void OnRead(beast::error_code ec);

  void SendAndClose(HttpResponse response, bool linger) {
    m_keep_alive = false;
    m_linger = linger;
    m_awaiting = true;
    Write(++m_generation, std::move(response));
  }

  void Write(uint64_t generation, HttpResponse response) {
    if (m_closed || !m_awaiting || generation != m_generation) return;
    m_awaiting = false;
    if (response.stream) {
      if (m_server->AcquireStream()) {
        m_holds_stream = true;
        return WriteStreamHeader(std::move(response));
      }
      // Streams must leave connections for ordinary requests (submissions, /readyz).
      Log(LogLevel::kWarn, kComponent, "stream limit reached; refusing a stream",
          {{"limit", std::to_string(m_server->StreamLimit())}});
      response = ErrorResponse({Code::kUnavailable, "too many streams open (at most " +
                                                        std::to_string(m_server->StreamLimit()) +
                                                        "); retry later"});
      response.headers.emplace_back("Retry-After", "5");
    }
    m_response = {};
    SetHeader(m_response, response);
    m_response.body() = std::move(response.body);
    m_response.keep_alive(m_keep_alive);
    m_response.prepare_payload();
    m_stream.expires_after(m_server->m_options.read_timeout);
    http::async_write(m_stream, m_response,
                      [self = shared_from_this()](beast::error_code ec, size_t) {
                        if (ec) return self->DoClose();
                        if (self->m_keep_alive) return self->ReadRequest();
                        if (self->m_linger) return self->Linger();
                        self->DoClose();
                      });
  }

  // After an early error answer the client may still be sending; read and discard until it
  // closes (bounded) so that closing does not reset the connection before it reads the answer.
  void Linger() {
    beast::error_code ignored;
    m_stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    m_stream.expires_after(std::min<std::chrono::milliseconds>(m_server->m_options.read_timeout,
                                                               std::chrono::seconds(5)));
    Drain();
  }
  void Drain() {
    m_stream.async_read_some(net::buffer(m_discard),
                             [self = shared_from_this()](beast::error_code ec, size_t n) {
                               self->m_drained += n;
                               if (ec || self->m_drained > kMaxDrainBytes) return self->DoClose();
                               self->Drain();
                             });
  }

  // The status and headers of a streamed response; the body follows in chunks (Flush).
  void WriteStreamHeader(HttpResponse response) {
    m_keep_alive = false;
    m_producer = std::move(response.stream);
    m_stream_header.emplace();
    SetHeader(*m_stream_header, response);
    m_stream_header->keep_alive(false);
    m_stream_header->chunked(true);
    m_header_serializer.emplace(*m_stream_header);
    m_stream.expires_after(m_server->m_options.read_timeout);
    http::async_write_header(m_stream, *m_header_serializer,
                             [self = shared_from_this()](beast::error_code ec, size_t) {
                               if (ec) return self->DoClose();
                               self->OpenStream();
                             });
  }

  void OpenStream() {
    m_stream.expires_never();
    EnableKeepAlive(m_stream.socket());
    m_opened = true;
    m_body = std::make_shared<StreamBuffer>(weak_from_this(),
                                             m_server->m_options.max_stream_queue_bytes);
    Drain();  // notices the client leaving; a streamed response never reads another request
    ArmTick(m_producer->tick_interval());
    m_producer->OnOpen(m_body);
  }

  // Sends what the producer has written: one chunk at a time, then the last chunk after End.
  // `after_write`: called as a write completes (the producer hears OnDrained when all is sent).
  void Flush(bool after_write) {
    if (m_closed || m_sending_body || !m_body) return;
    bool ending = m_body->Take(&m_sending, kMaxStreamChunkBytes);
    if (!m_sending.empty()) {
      m_sending_body = true;
      m_stream.expires_after(m_server->m_options.read_timeout);
      net::async_write(m_stream, http::make_chunk(net::buffer(m_sending)),
                       [self = shared_from_this()](beast::error_code ec, size_t) {
                         self->m_sending_body = false;
                         self->m_body->Sent(self->m_sending.size());
                         if (ec) return self->DoClose();
                         self->m_stream.expires_never();
                         self->Flush(true);
                       });
    } else if (ending) {
      m_sending_body = true;  // nothing is sent after the last chunk
      m_stream.expires_after(m_server->m_options.read_timeout);
      // Closing at once resets nothing: the pending read has taken whatever the client sent.
      net::async_write(m_stream, http::make_chunk_last(),
                       [self = shared_from_this()](beast::error_code, size_t) { self->DoClose(); });
    } else if (after_write && m_producer) {
      m_producer->OnDrained();
    }
  }

  // Calls the producer's OnTick every `interval`.
  void ArmTick(std::chrono::milliseconds interval) {
    if (interval.count() <= 0) return;
    if (!m_tick) m_tick.emplace(m_stream.get_executor());
    m_tick->expires_after(interval);
    m_tick->async_wait([self = shared_from_this(), interval](beast::error_code ec) {
      if (ec || self->m_closed || !self->m_producer) return;
      self->m_producer->OnTick();
      self->ArmTick(interval);
    });
  }

  void DoClose() {
    if (m_closed) return;
    m_closed = true;
    beast::error_code ignored;
    m_stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    m_stream.close();
    if (m_tick) m_tick->cancel();
    if (m_body) m_body->MarkClosed();
    if (m_holds_stream) {
      m_holds_stream = false;
      m_server->ReleaseStream();
    }
    // OnClosed answers OnOpen: a producer that was never opened is only released.
    if (auto producer = std::move(m_producer); producer && m_opened) producer->OnClosed();
  }

  static constexpr size_t kMaxDrainBytes = 64 << 20;

  std::shared_ptr<HttpServer::Impl> m_server;
  beast::tcp_stream m_stream;
  const bool m_registered;
  beast::flat_buffer m_buffer;
  std::optional<http::request_parser<http::string_body>> m_parser;
  http::response<http::string_body> m_response;
  uint64_t m_generation = 0;  // number of the request being answered
  bool m_awaiting = false;    // a request has been read and not yet answered
  bool m_keep_alive = false;
  bool m_linger = false;
  bool m_closed = false;
  std::array<char, 4096> m_discard{};
  size_t m_drained = 0;
  // A streamed response: its producer (until closed), header, body and heartbeat timer.
  std::shared_ptr<StreamProducer> m_producer;
  bool m_opened = false;        // m_producer has had OnOpen
  bool m_holds_stream = false;  // holds one of the server's stream places
  std::optional<http::response<http::empty_body>> m_stream_header;
  std::optional<http::response_serializer<http::empty_body>> m_header_serializer;
  std::shared_ptr<StreamBuffer> m_body;
  std::string m_sending;  // the chunk being written
  bool m_sending_body = false;
  std::optional<net::steady_timer> m_tick;
};

// The state behind one request's Responder copies: answers at most once, and answers 500 if
// every copy is dropped unanswered.
class ResponseSlot {
 public:
  ResponseSlot(std::shared_ptr<Session> session, uint64_t generation)
      : m_session(std::move(session)), m_generation(generation) {}
  ~ResponseSlot() {
    if (m_answered.exchange(true)) return;
    Log(LogLevel::kError, kComponent, "handler dropped its responder without answering");
    m_session->Deliver(m_generation, ErrorResponse({Code::kInternal, "handler did not respond"}));
  }
  bool Answer(HttpResponse response) {
    if (m_answered.exchange(true)) return false;
    m_session->Deliver(m_generation, std::move(response));
    return true;
  }

 private:
  std::shared_ptr<Session> m_session;
  const uint64_t m_generation;
  std::atomic<bool> m_answered{false};
};

void Session::OnRead(beast::error_code ec) {
  const HttpServerOptions& options = m_server->m_options;
  if (ec == http::error::body_limit || ec == http::error::header_limit) {
    bool body = ec == http::error::body_limit;
    return SendAndClose(
        ErrorResponse({Code::kTooLarge, std::string(body ? "request body" : "request header") +
                                            " exceeds " +
                                            std::to_string(body ? options.max_body_bytes
                                                                : options.max_header_bytes) +
                                            " bytes"}),
        true);
  }
  if (ec == http::error::end_of_stream || ec == http::error::partial_message ||
      (ec && ec.category() != http::make_error_code(http::error::bad_target).category())) {
    return DoClose();  // the client went away, timed out, or the server is stopping
  }
  if (ec) {
    return SendAndClose(ErrorResponse({Code::kMalformed, "malformed HTTP request: " + ec.message()}),
                        true);
  }
  http::request<http::string_body> message = m_parser->release();
  m_keep_alive = message.keep_alive();
  m_awaiting = true;
  m_stream.expires_never();  // a handler may take as long as it needs
  auto slot = std::make_shared<ResponseSlot>(shared_from_this(), ++m_generation);
  Responder respond = [slot](HttpResponse response) {
    if (!slot->Answer(std::move(response))) {
      Log(LogLevel::kWarn, kComponent, "responder called more than once; ignored");
    }
  };
  HttpRequest request;
  Status converted = ConvertRequest(message, request);
  if (!converted.ok()) return respond(ErrorResponse(converted));
  try {
    m_server->m_router.Dispatch(request, respond);
  } catch (...) {  // a bug in a handler; it stops here
    std::string what = "not a std::exception";
    try {
      throw;
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    Log(LogLevel::kError, kComponent, "handler threw",
        {{"method", request.method}, {"path", request.path}, {"what", what}});
    slot->Answer(ErrorResponse({Code::kInternal, "internal error"}));
  }
}

}  // namespace

void HttpServer::Impl::Accept() {
  m_acceptor.async_accept(net::make_strand(m_io),
                          [self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
                            self->OnAccept(ec, std::move(socket));
                          });
}

void HttpServer::Impl::OnAccept(beast::error_code ec, tcp::socket socket) {
  if (m_stopping.load() || ec == net::error::operation_aborted) return;
  if (ec) {
    Log(LogLevel::kWarn, kComponent, "accept failed", {{"error", ec.message()}});
    return Accept();
  }
  std::shared_ptr<Session> session;
  bool admitted_now = false;
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_stopping.load()) return;
    bool admitted = m_sessions.size() < m_options.max_connections;
    session = std::make_shared<Session>(shared_from_this(), std::move(socket), admitted);
    if (admitted) m_sessions.emplace(session.get(), session);
    admitted_now = admitted;
  }
  if (admitted_now) {
    session->Start();
  } else {
    Log(LogLevel::kWarn, kComponent, "connection limit reached; refusing a connection");
    session->StartRejected(ErrorResponse({Code::kUnavailable, "too many connections"}));
  }
  Accept();
}

HttpServer::HttpServer(net::io_context& io, HttpServerOptions options, Router router)
    : m_impl(std::make_shared<Impl>(io, std::move(options), std::move(router))) {}

HttpServer::~HttpServer() { Stop(); }

Status HttpServer::Start() {
  Impl& impl = *m_impl;
  if (impl.m_started.exchange(true)) return Status(Code::kInvalidArgument, "already started");
  beast::error_code ec;
  net::ip::address address = net::ip::make_address(impl.m_options.address, ec);
  if (ec) return Status(Code::kInvalidArgument, "bad listen address " + impl.m_options.address);
  tcp::endpoint endpoint(address, impl.m_options.port);
  std::string where = impl.m_options.address + ":" + std::to_string(impl.m_options.port);
  impl.m_acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl.m_acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) impl.m_acceptor.bind(endpoint, ec);
  if (!ec) impl.m_acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    beast::error_code ignored;
    impl.m_acceptor.close(ignored);
    return Status(Code::kUnavailable, "cannot listen on " + where + ": " + ec.message());
  }
  impl.m_port = impl.m_acceptor.local_endpoint().port();
  Log(LogLevel::kInfo, kComponent, "listening",
      {{"address", impl.m_options.address}, {"port", std::to_string(impl.m_port.load())}});
  net::post(impl.m_acceptor.get_executor(), [self = m_impl] { self->Accept(); });
  return Status::Ok();
}

uint16_t HttpServer::port() const { return m_impl->m_port.load(); }

void HttpServer::Stop() {
  std::shared_ptr<Impl> impl = m_impl;
  if (impl->m_stopping.exchange(true)) return;
  std::vector<std::shared_ptr<Session>> sessions;
  {
    std::lock_guard<std::mutex> lock(impl->m_mutex);
    for (const auto& [raw, weak] : impl->m_sessions) {
      if (auto session = weak.lock()) sessions.push_back(std::move(session));
    }
  }
  // The sessions' closes are posted before the acceptor's: a session waiting for its handler has
  // no operation pending, and once the pending accept is cancelled the io_context could run dry
  // (and run() return) before a close posted later had run, leaving the connection open.
  for (const auto& session : sessions) session->Close();
  net::post(impl->m_acceptor.get_executor(), [impl] {
    beast::error_code ignored;
    impl->m_acceptor.close(ignored);
  });
}

}  // namespace covalue::api
