#include "node/net/peer_network.h"

#include <algorithm>
#include <atomic>
#include <deque>
#include <limits>
#include <map>
#include <mutex>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include <sodium.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "common/log.h"
#include "crypto/random.h"
#include "node/net/peer_connection.h"

namespace covalue::net {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using ErrorCode = boost::system::error_code;
using Link = std::shared_ptr<PeerConnection>;

namespace {

constexpr std::string_view kComponent = "net";
// Inbound connections still in their handshake; more are closed at once (a flood of strangers
// cannot hold more than this many sockets, each for at most handshake_timeout).
constexpr size_t kMaxPendingInbound = 64;
constexpr std::chrono::milliseconds kAcceptRetryDelay{100};

std::string ShortKey(const crypto::PublicKey& key) {
  return ToHex(key).substr(0, 16);
}

crypto::KeyPair CopyKey(const crypto::KeyPair& key) {
  std::array<uint8_t, crypto::kSeedSize> seed;
  key.ExportSeed(&seed);
  Result<crypto::KeyPair> copy = crypto::KeyPair::FromSeed(seed);
  sodium_memzero(seed.data(), seed.size());
  return std::move(copy).value();  // a 32-byte seed always makes a key
}

}  // namespace

Status PeerNetworkOptions::Validate() const {
  auto bad = [](const char* what) { return Status(Code::kInvalidArgument, what); };
  if (max_frame_bytes == 0 ||
      max_frame_bytes > std::numeric_limits<uint32_t>::max() - 1 - kRecordOverhead) {
    return bad("max_frame_bytes must be between 1 and 2^32 - 19");
  }
  if (handshake_timeout.count() <= 0) return bad("handshake_timeout must be positive");
  if (reconnect_min.count() <= 0) return bad("reconnect_min must be positive");
  if (reconnect_max < reconnect_min) return bad("reconnect_max must be at least reconnect_min");
  if (max_queued_bytes_per_peer == 0) return bad("max_queued_bytes_per_peer must be positive");
  if (idle_timeout.count() < 4) return bad("idle_timeout must be at least 4 ms");
  return Status::Ok();
}

struct PeerNetwork::Impl final : PeerConnection::Owner, std::enable_shared_from_this<Impl> {
  struct PeerState {
    PeerAddress address;
    Link active;   // the established link, if any
    Link dialing;  // our dial in progress, if any
    std::unique_ptr<asio::steady_timer> redial_timer;
    bool redial_pending = false;
    bool dialled_before = false;
    uint32_t failed_dials = 0;  // since the last established link
  };

  Impl(asio::io_context& io, const crypto::KeyPair& identity, std::string chain_id,
       std::vector<PeerAddress> peers, PeerNetworkOptions options)
      : m_io(io),
        m_identity(CopyKey(identity)),
        m_chain_id(std::move(chain_id)),
        m_options(std::move(options)),
        m_acceptor(io),
        m_accept_retry(io) {
    for (PeerAddress& peer : peers) {
      if (peer.key == m_identity.public_key()) continue;  // ourselves
      if (m_peers.count(peer.key) != 0) {
        Log(LogLevel::kWarn, kComponent, "peer listed twice; keeping the first entry",
            {{"name", peer.name}, {"peer", ShortKey(peer.key)}});
        continue;
      }
      PeerState state;
      state.address = std::move(peer);
      state.redial_timer = std::make_unique<asio::steady_timer>(io);
      crypto::PublicKey key = state.address.key;
      m_peers.emplace(key, std::move(state));
    }
  }

  // PeerConnection::Owner
  const crypto::KeyPair& identity() const override { return m_identity; }
  const std::string& chain_id() const override { return m_chain_id; }
  const PeerNetworkOptions& options() const override { return m_options; }
  LinkCounters& counters() override { return m_counters; }
  bool IsKnownPeer(const crypto::PublicKey& key) const override {
    return m_peers.count(key) != 0;  // the key set never changes after construction
  }
  bool OnEstablished(const Link& link) override;
  void OnPayload(const PeerConnection& link, Bytes payload) override;
  void OnClosed(const Link& link) override;

  Status Start();
  void Stop();
  void Send(const crypto::PublicKey& peer, Bytes payload);
  void Broadcast(Bytes payload);
  std::vector<crypto::PublicKey> ConnectedPeers() const;

 private:
  // All with m_mutex held.
  void Accept();
  void Dial(PeerState& peer);
  void ScheduleRedial(PeerState& peer);
  std::chrono::milliseconds Backoff(uint32_t failures) const;
  const crypto::PublicKey& DialerOf(const PeerConnection& link) const {
    return link.role() == Role::kClient ? m_identity.public_key() : link.peer();
  }

  void OnAccept(ErrorCode ec, tcp::socket socket);
  // Calls the event handler for queued events, one caller at a time, in order. Without m_mutex.
  void DeliverEvents();

 public:
  asio::io_context& m_io;
  const crypto::KeyPair m_identity;
  const std::string m_chain_id;
  const PeerNetworkOptions m_options;
  LinkCounters m_counters;
  ReceiveHandler m_receive_handler;  // set before Start, then only read
  PeerEventHandler m_event_handler;  // set before Start, then only read
  std::atomic<bool> m_started{false};
  std::atomic<bool> m_stopping{false};
  std::atomic<uint16_t> m_port{0};

  mutable std::mutex m_mutex;  // guards what follows, including every call on the acceptor/timers
  tcp::acceptor m_acceptor;
  asio::steady_timer m_accept_retry;
  std::map<crypto::PublicKey, PeerState> m_peers;     // the keys are fixed at construction
  std::unordered_map<PeerConnection*, Link> m_links;  // every live link, for Stop
  std::unordered_set<PeerConnection*> m_pending_inbound;
  std::deque<std::pair<crypto::PublicKey, bool>> m_events;
  bool m_delivering_events = false;
};

Status PeerNetwork::Impl::Start() {
  COVALUE_RETURN_IF_ERROR(m_options.Validate());
  if (m_started.exchange(true)) return Status(Code::kInvalidArgument, "already started");
  ErrorCode ec;
  asio::ip::address address = asio::ip::make_address(m_options.listen_address, ec);
  if (ec) return Status(Code::kInvalidArgument, "bad listen address " + m_options.listen_address);
  tcp::endpoint endpoint(address, m_options.listen_port);
  std::string where = m_options.listen_address + ":" + std::to_string(m_options.listen_port);
  std::lock_guard<std::mutex> lock(m_mutex);
  if (m_stopping) return Status(Code::kInvalidArgument, "already stopped");
  m_acceptor.open(endpoint.protocol(), ec);
  if (!ec) m_acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) m_acceptor.bind(endpoint, ec);
  if (!ec) m_acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    ErrorCode ignored;
    m_acceptor.close(ignored);
    return Status(Code::kUnavailable, "cannot listen on " + where + ": " + ec.message());
  }
  m_port = m_acceptor.local_endpoint().port();
  Log(LogLevel::kInfo, kComponent, "listening",
      {{"address", m_options.listen_address},
       {"port", std::to_string(m_port.load())},
       {"peers", std::to_string(m_peers.size())}});
  Accept();
  for (auto& [key, peer] : m_peers) {
    if (peer.address.port != 0) Dial(peer);
  }
  return Status::Ok();
}

void PeerNetwork::Impl::Stop() {
  if (m_stopping.exchange(true)) return;
  std::vector<Link> links;
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    ErrorCode ignored;
    m_acceptor.close(ignored);
    m_accept_retry.cancel();
    for (auto& [key, peer] : m_peers) {
      peer.redial_timer->cancel();
      peer.redial_pending = false;
      peer.active.reset();
      peer.dialing.reset();
    }
    for (auto& [raw, link] : m_links) links.push_back(std::move(link));
    m_links.clear();
    m_pending_inbound.clear();
    m_events.clear();
  }
  for (const Link& link : links) link->Close();
  if (m_started) Log(LogLevel::kInfo, kComponent, "stopped");
}

void PeerNetwork::Impl::Accept() {
  m_acceptor.async_accept(asio::make_strand(m_io),
                          [self = shared_from_this()](ErrorCode ec, tcp::socket socket) {
                            self->OnAccept(ec, std::move(socket));
                          });
}

void PeerNetwork::Impl::OnAccept(ErrorCode ec, tcp::socket socket) {
  if (m_stopping || ec == asio::error::operation_aborted) return;
  std::lock_guard<std::mutex> lock(m_mutex);
  if (m_stopping) return;
  if (ec) {  // e.g. out of file descriptors: try again shortly rather than spin
    Log(LogLevel::kWarn, kComponent, "accept failed", {{"error", ec.message()}});
    m_accept_retry.expires_after(kAcceptRetryDelay);
    m_accept_retry.async_wait([self = shared_from_this()](ErrorCode ec) {
      if (ec || self->m_stopping) return;
      std::lock_guard<std::mutex> lock(self->m_mutex);
      if (!self->m_stopping) self->Accept();
    });
    return;
  }
  if (m_pending_inbound.size() >= kMaxPendingInbound) {
    Log(LogLevel::kWarn, kComponent, "too many handshakes in progress; refusing a connection");
    ErrorCode ignored;
    socket.close(ignored);
  } else {
    Link link = PeerConnection::ForAccepted(shared_from_this(), std::move(socket));
    m_links.emplace(link.get(), link);
    m_pending_inbound.insert(link.get());
    link->Start();  // posts to the link's strand
  }
  Accept();
}

void PeerNetwork::Impl::Dial(PeerState& peer) {
  if (m_stopping || peer.active || peer.dialing) return;
  if (peer.dialled_before) m_counters.reconnects++;
  peer.dialled_before = true;
  const PeerAddress& address = peer.address;
  Log(LogLevel::kDebug, kComponent, "dialling",
      {{"name", address.name}, {"host", address.host}, {"port", std::to_string(address.port)}});
  peer.dialing =
      PeerConnection::ForDial(m_io, shared_from_this(), address.key, address.host, address.port);
  m_links.emplace(peer.dialing.get(), peer.dialing);
  peer.dialing->Start();  // posts to the link's strand
}

std::chrono::milliseconds PeerNetwork::Impl::Backoff(uint32_t failures) const {
  const int64_t min = m_options.reconnect_min.count();
  const int64_t max = m_options.reconnect_max.count();
  int64_t base = min;
  for (uint32_t i = 0; i < failures && base < max; ++i) base *= 2;
  base = std::min(base, max);
  // Jitter: uniform in [base/2, base], so peers that lost each other at once do not redial in step.
  int64_t half = base / 2;
  int64_t jitter = static_cast<int64_t>(crypto::RandomU64() % static_cast<uint64_t>(half + 1));
  return std::chrono::milliseconds(std::max<int64_t>(1, base - half + jitter));
}

void PeerNetwork::Impl::ScheduleRedial(PeerState& peer) {
  if (m_stopping || peer.address.port == 0 || peer.active || peer.dialing || peer.redial_pending) {
    return;
  }
  peer.redial_pending = true;
  std::chrono::milliseconds delay = Backoff(peer.failed_dials++);
  peer.redial_timer->expires_after(delay);
  peer.redial_timer->async_wait([self = shared_from_this(), key = peer.address.key](ErrorCode ec) {
    if (ec || self->m_stopping) return;
    std::lock_guard<std::mutex> lock(self->m_mutex);
    auto it = self->m_peers.find(key);
    if (it == self->m_peers.end()) return;
    it->second.redial_pending = false;
    self->Dial(it->second);
  });
}

bool PeerNetwork::Impl::OnEstablished(const Link& link) {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_stopping) return false;
    m_pending_inbound.erase(link.get());
    auto it = m_peers.find(link->peer());
    if (it == m_peers.end()) return false;
    PeerState& peer = it->second;
    if (peer.dialing == link) peer.dialing.reset();
    if (peer.active) {
      // Two links to one peer (both sides dialled, or the peer came back before we noticed it
      // had gone). Both ends keep the link dialled by the smaller identity key; between two
      // links dialled by the same side, the newer one (the older one is likely dead).
      const crypto::PublicKey& new_dialer = DialerOf(*link);
      const crypto::PublicKey& old_dialer = DialerOf(*peer.active);
      bool keep_new = new_dialer == old_dialer || new_dialer < old_dialer;
      Log(LogLevel::kInfo, kComponent, "second link to a peer; closing one",
          {{"name", peer.address.name}, {"kept", keep_new ? "new" : "old"}});
      if (!keep_new) return false;
      peer.active->Close();
      peer.active = link;
      return true;
    }
    peer.active = link;
    peer.failed_dials = 0;
    if (peer.redial_pending) {
      peer.redial_timer->cancel();
      peer.redial_pending = false;
    }
    // A dial of ours still in progress is left to finish: cancelling it here could close the
    // very link the peer has just chosen under the rule above. If it completes, the rule picks.
    Log(LogLevel::kInfo, kComponent, "peer connected",
        {{"name", peer.address.name},
         {"peer", ShortKey(link->peer())},
         {"dialled_by", link->role() == Role::kClient ? "us" : "them"}});
    m_events.emplace_back(link->peer(), true);
  }
  DeliverEvents();
  return true;
}

void PeerNetwork::Impl::OnPayload(const PeerConnection& link, Bytes payload) {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_stopping) return;
    auto it = m_peers.find(link.peer());
    // A link that lost a duplicate race may still deliver a last frame: ignore it.
    if (it == m_peers.end() || it->second.active.get() != &link) return;
  }
  if (m_receive_handler) m_receive_handler(link.peer(), std::move(payload));
}

void PeerNetwork::Impl::OnClosed(const Link& link) {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_links.erase(link.get());
    m_pending_inbound.erase(link.get());
    if (m_stopping || !link->identified()) return;
    auto it = m_peers.find(link->peer());
    if (it == m_peers.end()) return;
    PeerState& peer = it->second;
    if (peer.dialing == link) peer.dialing.reset();
    if (peer.active == link) {
      peer.active.reset();
      Log(LogLevel::kInfo, kComponent, "peer disconnected", {{"name", peer.address.name}});
      m_events.emplace_back(link->peer(), false);
    }
    ScheduleRedial(peer);  // no-op if still connected, already dialling, or never dialled
  }
  DeliverEvents();
}

void PeerNetwork::Impl::DeliverEvents() {
  std::unique_lock<std::mutex> lock(m_mutex);
  if (m_delivering_events) return;  // that caller delivers ours too, in order
  m_delivering_events = true;
  while (!m_events.empty() && !m_stopping) {
    auto [peer, connected] = m_events.front();
    m_events.pop_front();
    lock.unlock();
    if (m_event_handler) m_event_handler(peer, connected);
    lock.lock();
  }
  m_delivering_events = false;
}

void PeerNetwork::Impl::Send(const crypto::PublicKey& peer, Bytes payload) {
  if (payload.size() > m_options.max_frame_bytes) {
    m_counters.frames_dropped_too_large++;
    Log(LogLevel::kWarn, kComponent, "dropping a payload over max_frame_bytes",
        {{"bytes", std::to_string(payload.size())}});
    return;
  }
  Link link;
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    auto it = m_peers.find(peer);
    if (!m_stopping && it != m_peers.end()) link = it->second.active;
  }
  if (!link) {
    m_counters.frames_dropped_not_connected++;
    return;
  }
  link->Send(std::move(payload));
}

void PeerNetwork::Impl::Broadcast(Bytes payload) {
  if (payload.size() > m_options.max_frame_bytes) {
    m_counters.frames_dropped_too_large++;
    Log(LogLevel::kWarn, kComponent, "dropping a broadcast over max_frame_bytes",
        {{"bytes", std::to_string(payload.size())}});
    return;
  }
  std::vector<Link> links;
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_stopping) return;
    for (const auto& [key, peer] : m_peers) {
      if (peer.active) links.push_back(peer.active);
    }
  }
  for (size_t i = 0; i < links.size(); ++i) {
    links[i]->Send(i + 1 == links.size() ? std::move(payload) : payload);
  }
}

std::vector<crypto::PublicKey> PeerNetwork::Impl::ConnectedPeers() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  std::vector<crypto::PublicKey> connected;
  for (const auto& [key, peer] : m_peers) {
    if (peer.active) connected.push_back(key);
  }
  return connected;
}

PeerNetwork::PeerNetwork(asio::io_context& io, const crypto::KeyPair& identity,
                         std::string chain_id, std::vector<PeerAddress> peers,
                         PeerNetworkOptions options)
    : m_impl(std::make_shared<Impl>(io, identity, std::move(chain_id), std::move(peers),
                                    std::move(options))) {}

PeerNetwork::~PeerNetwork() {
  Stop();
}

void PeerNetwork::SetReceiveHandler(ReceiveHandler handler) {
  m_impl->m_receive_handler = std::move(handler);
}
void PeerNetwork::SetPeerEventHandler(PeerEventHandler handler) {
  m_impl->m_event_handler = std::move(handler);
}
Status PeerNetwork::Start() {
  return m_impl->Start();
}
void PeerNetwork::Stop() {
  m_impl->Stop();
}
uint16_t PeerNetwork::listen_port() const {
  return m_impl->m_port.load();
}
void PeerNetwork::Send(const crypto::PublicKey& peer, Bytes payload) {
  m_impl->Send(peer, std::move(payload));
}
void PeerNetwork::Broadcast(Bytes payload) {
  m_impl->Broadcast(std::move(payload));
}
std::vector<crypto::PublicKey> PeerNetwork::ConnectedPeers() const {
  return m_impl->ConnectedPeers();
}

PeerNetworkCounters PeerNetwork::counters() const {
  const LinkCounters& c = m_impl->m_counters;
  PeerNetworkCounters out;
  out.handshakes_refused_unknown_key = c.handshakes_refused_unknown_key.load();
  out.handshakes_failed = c.handshakes_failed.load();
  out.malformed_frames = c.malformed_frames.load();
  out.oversized_frames = c.oversized_frames.load();
  out.frames_sent = c.frames_sent.load();
  out.frames_received = c.frames_received.load();
  out.frames_dropped_queue_full = c.frames_dropped_queue_full.load();
  out.reconnects = c.reconnects.load();
  out.frames_dropped_not_connected = c.frames_dropped_not_connected.load();
  out.frames_dropped_too_large = c.frames_dropped_too_large.load();
  return out;
}

}  // namespace covalue::net
