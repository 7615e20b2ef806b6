#include "node/net/peer_connection.h"

#include <algorithm>
#include <array>
#include <utility>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "common/log.h"

namespace covalue::net {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using ErrorCode = boost::system::error_code;

namespace {

constexpr std::string_view kComponent = "net";
// Bytes per read or write step; progress on each step counts as activity for the timeouts.
constexpr size_t kTransferStep = 64 << 10;
// A record buffer larger than this is released after use rather than kept for the next one.
constexpr size_t kKeepBufferBytes = 1 << 20;
// Queued frames are sealed into one write up to about this many bytes (a larger frame goes
// alone): a burst of gossip costs one system call, not one per frame.
constexpr size_t kCoalesceBytes = 64 << 10;

std::string ShortKey(const crypto::PublicKey& key) {
  return ToHex(key).substr(0, 16);
}

uint32_t DecodeU32(const std::array<uint8_t, kRecordLengthSize>& bytes) {
  uint32_t v = 0;
  for (size_t i = 0; i < kRecordLengthSize; ++i) v |= static_cast<uint32_t>(bytes[i]) << (8 * i);
  return v;
}

}  // namespace

std::shared_ptr<PeerConnection> PeerConnection::ForDial(asio::io_context& io,
                                                        std::shared_ptr<Owner> owner,
                                                        const crypto::PublicKey& expected,
                                                        std::string host, uint16_t port) {
  auto link = std::make_shared<PeerConnection>(std::move(owner), Socket(asio::make_strand(io)),
                                               Role::kClient);
  link->m_peer = expected;
  link->m_identified = true;
  link->m_host = std::move(host);
  link->m_port = port;
  return link;
}

std::shared_ptr<PeerConnection> PeerConnection::ForAccepted(std::shared_ptr<Owner> owner,
                                                            Socket socket) {
  return std::make_shared<PeerConnection>(std::move(owner), std::move(socket), Role::kServer);
}

PeerConnection::PeerConnection(std::shared_ptr<Owner> owner, Socket socket, Role role)
    : m_owner(std::move(owner)),
      m_role(role),
      m_socket(std::move(socket)),
      m_deadline(m_socket.get_executor()),
      m_tick(m_socket.get_executor()) {}

PeerConnection::~PeerConnection() = default;

void PeerConnection::Start() {
  asio::post(m_socket.get_executor(), [self = shared_from_this()] {
    if (self->m_state == State::kClosed) return;
    self->m_deadline.expires_after(self->m_owner->options().handshake_timeout);
    self->m_deadline.async_wait([self](ErrorCode ec) {
      if (ec || self->m_state == State::kClosed || self->m_state == State::kEstablished) return;
      bool connected = self->m_state == State::kHandshake;
      self->Fail(Status(Code::kTimeout, connected ? "handshake timed out" : "connect timed out"),
                 connected ? &self->m_owner->counters().handshakes_failed : nullptr);
    });
    if (self->m_role == Role::kClient) {
      self->Resolve();
    } else {
      self->BeginHandshake();
    }
  });
}

void PeerConnection::Send(Bytes payload) {
  Enqueue(RecordKind::kData, std::move(payload));
}

void PeerConnection::Close() {
  asio::post(m_socket.get_executor(),
             [self = shared_from_this()] { self->DoClose("closed locally"); });
}

void PeerConnection::Resolve() {
  m_resolver.emplace(m_socket.get_executor());
  m_resolver->async_resolve(
      m_host, std::to_string(m_port),
      [self = shared_from_this()](ErrorCode ec, tcp::resolver::results_type results) {
        if (self->m_state == State::kClosed) return;
        if (ec) return self->DoClose("cannot resolve " + self->m_host + ": " + ec.message());
        self->Connect(std::move(results));
      });
}

void PeerConnection::Connect(tcp::resolver::results_type endpoints) {
  asio::async_connect(m_socket, endpoints,
                      [self = shared_from_this()](ErrorCode ec, const tcp::endpoint&) {
                        if (self->m_state == State::kClosed) return;
                        if (ec) return self->DoClose("cannot connect: " + ec.message());
                        self->BeginHandshake();
                      });
}

void PeerConnection::BeginHandshake() {
  m_state = State::kHandshake;
  ErrorCode ignored;
  m_socket.set_option(tcp::no_delay(true), ignored);
  m_handshake = std::make_unique<Handshake>(m_owner->identity(), m_owner->chain_id(), m_role);
  // The client speaks first; the server answers only a Hello it accepts.
  if (m_role == Role::kClient) WriteRaw(m_handshake->hello());
  ReadHello();
}

void PeerConnection::ReadHello() {
  asio::async_read(
      m_socket, asio::buffer(m_hello_prefix), [self = shared_from_this()](ErrorCode ec, size_t) {
        if (self->m_state == State::kClosed) return;
        auto& failed = self->m_owner->counters().handshakes_failed;
        if (ec) return self->Fail(Status(Code::kUnavailable, "no hello: " + ec.message()), &failed);
        Result<size_t> rest = HelloRemainder(self->m_hello_prefix);
        if (!rest.ok()) return self->Fail(rest.status(), &failed);
        self->m_hello_rest.resize(*rest);
        asio::async_read(
            self->m_socket, asio::buffer(self->m_hello_rest), [self](ErrorCode ec, size_t) {
              if (self->m_state == State::kClosed) return;
              if (ec) {
                return self->Fail(Status(Code::kUnavailable, "short hello: " + ec.message()),
                                  &self->m_owner->counters().handshakes_failed);
              }
              self->OnPeerHello();
            });
      });
}

void PeerConnection::OnPeerHello() {
  LinkCounters& counters = m_owner->counters();
  Bytes hello(m_hello_prefix.begin(), m_hello_prefix.end());
  hello.insert(hello.end(), m_hello_rest.begin(), m_hello_rest.end());
  Status accepted = m_handshake->AcceptPeerHello(hello);
  if (!accepted.ok()) return Fail(accepted, &counters.handshakes_failed);
  const crypto::PublicKey& presented = m_handshake->peer_identity();
  if (m_role == Role::kServer) {
    if (!m_owner->IsKnownPeer(presented)) {
      m_peer = presented;  // for the log line only; the link stays unidentified
      return Fail(Status(Code::kUnknownSigner, "refused a peer with an unknown identity key"),
                  &counters.handshakes_refused_unknown_key);
    }
    m_peer = presented;
    m_identified = true;
  } else if (presented != m_peer) {
    return Fail(Status(Code::kUnknownSigner,
                       "dialled peer answered with another identity " + ShortKey(presented)),
                &counters.handshakes_failed);
  }
  m_sealer.emplace(m_handshake->TakeSealer());
  Bytes out;
  if (m_role == Role::kServer) out = m_handshake->hello();
  out.insert(out.end(), m_sealer->header().begin(), m_sealer->header().end());
  Bytes auth = m_sealer->Seal(RecordKind::kAuth, m_handshake->OwnAuthBody());
  out.insert(out.end(), auth.begin(), auth.end());
  WriteRaw(std::move(out));
  ReadPeerAuth();
}

void PeerConnection::ReadPeerAuth() {
  std::array<asio::mutable_buffer, 2> buffers{asio::buffer(m_peer_header),
                                              asio::buffer(m_length_bytes)};
  asio::async_read(m_socket, buffers, [self = shared_from_this()](ErrorCode ec, size_t) {
    if (self->m_state == State::kClosed) return;
    auto& failed = self->m_owner->counters().handshakes_failed;
    if (ec) return self->Fail(Status(Code::kUnavailable, "no auth: " + ec.message()), &failed);
    uint32_t length = DecodeU32(self->m_length_bytes);
    if (length != kAuthPlaintextSize + kRecordOverhead) {
      return self->Fail(Status(Code::kMalformed, "auth record has the wrong length"), &failed);
    }
    self->m_record.resize(length);
    asio::async_read(self->m_socket, asio::buffer(self->m_record), [self](ErrorCode ec, size_t) {
      if (self->m_state == State::kClosed) return;
      auto& failed = self->m_owner->counters().handshakes_failed;
      if (ec) return self->Fail(Status(Code::kUnavailable, "short auth: " + ec.message()), &failed);
      Result<FrameOpener> opener = self->m_handshake->TakeOpener(self->m_peer_header);
      if (!opener.ok()) return self->Fail(opener.status(), &failed);
      self->m_opener.emplace(std::move(opener).value());
      Result<Bytes> plaintext = self->m_opener->Open(self->m_record);
      if (!plaintext.ok()) return self->Fail(plaintext.status(), &failed);
      Status verified = self->m_handshake->VerifyPeerAuth(*plaintext);
      if (!verified.ok()) return self->Fail(verified, &failed);
      self->m_handshake.reset();  // wipes what is left of the key exchange
      self->OnEstablishedLocally();
    });
  });
}

void PeerConnection::OnEstablishedLocally() {
  m_state = State::kEstablished;
  m_deadline.cancel();
  m_last_read = m_last_write = Clock::now();
  if (!m_owner->OnEstablished(shared_from_this())) return DoClose("a duplicate link");
  Tick();
  ReadRecordLength();
  PumpWrites();
}

void PeerConnection::Tick() {
  const auto idle = m_owner->options().idle_timeout;
  const auto interval = std::max<std::chrono::milliseconds>(idle / 4, std::chrono::milliseconds(1));
  m_tick.expires_after(interval);
  m_tick.async_wait([self = shared_from_this(), idle, interval](ErrorCode ec) {
    if (ec || self->m_state != State::kEstablished) return;
    auto now = Clock::now();
    if (now - self->m_last_read > idle) {
      return self->Fail(Status(Code::kTimeout, "nothing received within the idle timeout"),
                        nullptr);
    }
    if (self->m_writing && now - self->m_write_started > idle) {
      return self->Fail(Status(Code::kTimeout, "a write made no progress"), nullptr);
    }
    if (!self->m_writing && now - self->m_last_write >= interval) {
      self->Enqueue(RecordKind::kPing, {});
    }
    self->Tick();
  });
}

void PeerConnection::ReadRecordLength() {
  asio::async_read(
      m_socket, asio::buffer(m_length_bytes), [self = shared_from_this()](ErrorCode ec, size_t) {
        if (self->m_state == State::kClosed) return;
        if (ec) return self->DoClose("peer closed the link: " + ec.message());
        self->m_last_read = Clock::now();
        uint32_t length = DecodeU32(self->m_length_bytes);
        LinkCounters& counters = self->m_owner->counters();
        // Checked before anything is allocated.
        uint64_t limit = uint64_t{self->m_owner->options().max_frame_bytes} + 1 + kRecordOverhead;
        if (length > limit) {
          return self->Fail(Status(Code::kTooLarge, "frame of " + std::to_string(length) +
                                                        " bytes is over the limit"),
                            &counters.oversized_frames);
        }
        if (length < 1 + kRecordOverhead) {
          return self->Fail(Status(Code::kMalformed, "frame shorter than its overhead"),
                            &counters.malformed_frames);
        }
        self->ReadRecordBody(length);
      });
}

void PeerConnection::ReadRecordBody(uint32_t length) {
  m_record.resize(length);
  auto progress = [self = shared_from_this()](const ErrorCode& ec, size_t) -> size_t {
    self->m_last_read = Clock::now();
    return ec ? 0 : kTransferStep;
  };
  asio::async_read(m_socket, asio::buffer(m_record), progress,
                   [self = shared_from_this()](ErrorCode ec, size_t) {
                     if (self->m_state == State::kClosed) return;
                     if (ec) return self->DoClose("peer closed the link: " + ec.message());
                     self->OnRecord();
                   });
}

void PeerConnection::OnRecord() {
  LinkCounters& counters = m_owner->counters();
  Result<Bytes> opened = m_opener->Open(m_record);
  if (m_record.capacity() > kKeepBufferBytes) {
    Bytes().swap(m_record);
  } else {
    m_record.clear();
  }
  if (!opened.ok()) return Fail(opened.status(), &counters.malformed_frames);
  Bytes plaintext = std::move(opened).value();
  switch (static_cast<RecordKind>(plaintext[0])) {
    case RecordKind::kData:
      counters.frames_received++;
      plaintext.erase(plaintext.begin());
      m_owner->OnPayload(*this, std::move(plaintext));
      break;
    case RecordKind::kPing:
      if (plaintext.size() != 1) {
        return Fail(Status(Code::kMalformed, "ping with a body"), &counters.malformed_frames);
      }
      break;
    default:
      return Fail(
          Status(Code::kMalformed, "unexpected record kind " + std::to_string(int{plaintext[0]})),
          &counters.malformed_frames);
  }
  if (m_state == State::kEstablished) ReadRecordLength();
}

void PeerConnection::Enqueue(RecordKind kind, Bytes body) {
  LinkCounters& counters = m_owner->counters();
  const size_t limit = m_owner->options().max_queued_bytes_per_peer;
  bool post = false;
  {
    std::lock_guard<std::mutex> lock(m_queue_mutex);
    if (m_queue_closed) {
      if (kind == RecordKind::kData) counters.frames_dropped_not_connected++;
      return;
    }
    m_queued_bytes += body.size();
    m_queue.push_back(Outgoing{kind, std::move(body)});
    while (m_queued_bytes > limit && m_queue.size() > 1) {
      if (m_queue.front().kind == RecordKind::kData) counters.frames_dropped_queue_full++;
      m_queued_bytes -= m_queue.front().body.size();
      m_queue.pop_front();
    }
    post = !m_pump_posted;
    m_pump_posted = true;
  }
  if (!post) return;
  asio::post(m_socket.get_executor(), [self = shared_from_this()] {
    {
      std::lock_guard<std::mutex> lock(self->m_queue_mutex);
      self->m_pump_posted = false;  // anything queued from now on posts again
    }
    self->PumpWrites();
  });
}

void PeerConnection::WriteRaw(Bytes bytes) {
  m_handshake_out.push_back(std::move(bytes));
  PumpWrites();
}

void PeerConnection::PumpWrites() {
  if (m_state == State::kClosed || m_writing) return;
  if (!m_handshake_out.empty()) {
    Bytes next = std::move(m_handshake_out.front());
    m_handshake_out.pop_front();
    return StartWrite(std::move(next), 0);
  }
  if (m_state != State::kEstablished) return;
  std::vector<Outgoing> batch;
  {
    std::lock_guard<std::mutex> lock(m_queue_mutex);
    size_t bytes = 0;
    while (!m_queue.empty() &&
           (batch.empty() || bytes + m_queue.front().body.size() <= kCoalesceBytes)) {
      bytes += m_queue.front().body.size();
      m_queued_bytes -= m_queue.front().body.size();
      batch.push_back(std::move(m_queue.front()));
      m_queue.pop_front();
    }
  }
  if (batch.empty()) return;
  // Sealed now, not when queued, so that dropping queued frames never skips a stream position;
  // in queue order, each its own record, so the stream is the same as one write per frame.
  Bytes sealed;
  uint64_t data_frames = 0;
  for (const Outgoing& frame : batch) {
    m_sealer->SealTo(sealed, frame.kind, frame.body);
    if (frame.kind == RecordKind::kData) ++data_frames;
  }
  StartWrite(std::move(sealed), data_frames);
}

void PeerConnection::StartWrite(Bytes bytes, uint64_t data_frames) {
  m_writing = true;
  m_write_data_frames = data_frames;
  m_write_buffer = std::move(bytes);
  m_write_started = Clock::now();
  auto progress = [self = shared_from_this()](const ErrorCode& ec, size_t) -> size_t {
    self->m_write_started = Clock::now();
    return ec ? 0 : kTransferStep;
  };
  asio::async_write(m_socket, asio::buffer(m_write_buffer), progress,
                    [self = shared_from_this()](ErrorCode ec, size_t) {
                      if (self->m_state == State::kClosed) return;
                      if (ec) {
                        bool in_handshake = self->m_state != State::kEstablished;
                        return self->Fail(
                            Status(Code::kUnavailable, "write failed: " + ec.message()),
                            in_handshake ? &self->m_owner->counters().handshakes_failed : nullptr);
                      }
                      self->m_writing = false;
                      self->m_last_write = Clock::now();
                      self->m_owner->counters().frames_sent += self->m_write_data_frames;
                      if (self->m_write_buffer.capacity() > kKeepBufferBytes)
                        Bytes().swap(self->m_write_buffer);
                      self->PumpWrites();
                    });
}

void PeerConnection::Fail(const Status& why, std::atomic<uint64_t>* counter) {
  if (m_state == State::kClosed) return;
  if (counter != nullptr) (*counter)++;
  Log(LogLevel::kWarn, kComponent, "closing link",
      {{"peer", m_peer == crypto::PublicKey{} ? "?" : ShortKey(m_peer)},
       {"role", m_role == Role::kClient ? "dialled" : "accepted"},
       {"reason", why.ToString()}});
  DoClose(why.message());
}

void PeerConnection::DoClose(std::string_view why) {
  if (m_state == State::kClosed) return;
  bool was_established = m_state == State::kEstablished;
  m_state = State::kClosed;
  if (was_established) {
    Log(LogLevel::kInfo, kComponent, "link closed",
        {{"peer", ShortKey(m_peer)}, {"reason", std::string(why)}});
  } else {
    Log(LogLevel::kDebug, kComponent, "link attempt ended",
        {{"peer", m_identified ? ShortKey(m_peer) : "?"}, {"reason", std::string(why)}});
  }
  m_deadline.cancel();
  m_tick.cancel();
  if (m_resolver) m_resolver->cancel();
  ErrorCode ignored;
  m_socket.shutdown(tcp::socket::shutdown_both, ignored);
  m_socket.close(ignored);
  {
    std::lock_guard<std::mutex> lock(m_queue_mutex);
    m_queue_closed = true;
    m_queue.clear();
    m_queued_bytes = 0;
  }
  m_handshake_out.clear();
  m_handshake.reset();
  m_sealer.reset();
  m_opener.reset();
  m_owner->OnClosed(shared_from_this());
}

}  // namespace covalue::net
