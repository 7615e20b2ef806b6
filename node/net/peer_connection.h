// PeerConnection: one TCP link to a peer, from the first byte of the handshake to the close:
// handshake I/O, reading and opening records, a bounded send queue sealed in order, keepalives
// and timeouts (docs/spec/p2p.md). Internal to node/net. A link is shared by its pending
// operations and its Owner (the PeerNetwork), and reports to the Owner exactly once that it
// closed. Everything runs on the link's strand except Send and Close, which are thread-safe.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "common/bytes.h"
#include "crypto/keys.h"
#include "node/net/frame_cipher.h"
#include "node/net/handshake.h"
#include "node/net/peer_network.h"

namespace covalue::net {

// PeerNetworkCounters as atomics, shared by the network and its links.
struct LinkCounters {
  std::atomic<uint64_t> handshakes_refused_unknown_key{0};
  std::atomic<uint64_t> handshakes_failed{0};
  std::atomic<uint64_t> malformed_frames{0};
  std::atomic<uint64_t> oversized_frames{0};
  std::atomic<uint64_t> frames_sent{0};
  std::atomic<uint64_t> frames_received{0};
  std::atomic<uint64_t> frames_dropped_queue_full{0};
  std::atomic<uint64_t> reconnects{0};
  std::atomic<uint64_t> frames_dropped_not_connected{0};
  std::atomic<uint64_t> frames_dropped_too_large{0};
};

class PeerConnection : public std::enable_shared_from_this<PeerConnection> {
 public:
  // What a link needs from the network that owns it. Called on the link's strand.
  class Owner {
   public:
    virtual ~Owner() = default;
    virtual const crypto::KeyPair& identity() const = 0;
    virtual const std::string& chain_id() const = 0;
    virtual const PeerNetworkOptions& options() const = 0;
    virtual LinkCounters& counters() = 0;
    virtual bool IsKnownPeer(const crypto::PublicKey& key) const = 0;
    // The handshake succeeded; false means "close it" (a duplicate link, or stopping).
    virtual bool OnEstablished(const std::shared_ptr<PeerConnection>& link) = 0;
    virtual void OnPayload(const PeerConnection& link, Bytes payload) = 0;
    // Exactly once per link, whether or not it was ever established.
    virtual void OnClosed(const std::shared_ptr<PeerConnection>& link) = 0;
  };

  using Socket = boost::asio::ip::tcp::socket;

  // A link we dial to `expected` at host:port; the answer must carry that identity.
  static std::shared_ptr<PeerConnection> ForDial(boost::asio::io_context& io,
                                                 std::shared_ptr<Owner> owner,
                                                 const crypto::PublicKey& expected,
                                                 std::string host, uint16_t port);
  // A link a peer dialled; `socket` must run on a strand of its own.
  static std::shared_ptr<PeerConnection> ForAccepted(std::shared_ptr<Owner> owner, Socket socket);

  PeerConnection(std::shared_ptr<Owner> owner, Socket socket, Role role);
  ~PeerConnection();

  // Starts connecting (client) or the handshake (server). Once.
  void Start();
  // Any thread: queues a data frame (see PeerNetworkOptions::max_queued_bytes_per_peer).
  void Send(Bytes payload);
  // Any thread: closes the link (posted to its strand).
  void Close();

  Role role() const { return m_role; }
  // The peer's identity: set before Start for a dialled link, at the Hello for an accepted one;
  // read it only once OnEstablished or OnClosed was called.
  const crypto::PublicKey& peer() const { return m_peer; }
  bool identified() const { return m_identified; }

 private:
  enum class State { kConnecting, kHandshake, kEstablished, kClosed };
  struct Outgoing {
    RecordKind kind;
    Bytes body;
  };

  void Resolve();
  void Connect(boost::asio::ip::tcp::resolver::results_type endpoints);
  void BeginHandshake();
  void ReadHello();
  void OnPeerHello();
  void ReadPeerAuth();
  void OnEstablishedLocally();
  void ReadRecordLength();
  void ReadRecordBody(uint32_t length);
  void OnRecord();
  void Tick();
  void Enqueue(RecordKind kind, Bytes body);
  // Writes one buffer at a time: handshake bytes first, then (once established) the queued
  // frames, as many as are queued (up to kCoalesceBytes) sealed into one write.
  void PumpWrites();
  // Queues handshake bytes (strand only).
  void WriteRaw(Bytes bytes);
  // `data_frames`: how many kData frames `bytes` holds (counted as sent when it is written).
  void StartWrite(Bytes bytes, uint64_t data_frames);
  // Closes because of a failure; `counter` (may be null) is incremented.
  void Fail(const Status& why, std::atomic<uint64_t>* counter);
  void DoClose(std::string_view why);

  const std::shared_ptr<Owner> m_owner;
  const Role m_role;
  Socket m_socket;
  boost::asio::steady_timer m_deadline;  // connect + handshake
  boost::asio::steady_timer m_tick;      // keepalives and idle checks once established
  std::optional<boost::asio::ip::tcp::resolver> m_resolver;
  std::string m_host;
  uint16_t m_port = 0;
  crypto::PublicKey m_peer{};
  std::atomic<bool> m_identified{false};

  // Strand only.
  State m_state = State::kConnecting;
  std::unique_ptr<Handshake> m_handshake;
  std::optional<FrameSealer> m_sealer;
  std::optional<FrameOpener> m_opener;
  std::array<uint8_t, kHelloPrefixSize> m_hello_prefix{};
  Bytes m_hello_rest;
  StreamHeader m_peer_header{};
  std::array<uint8_t, kRecordLengthSize> m_length_bytes{};
  Bytes m_record;
  std::deque<Bytes> m_handshake_out;
  Bytes m_write_buffer;
  bool m_writing = false;
  uint64_t m_write_data_frames = 0;
  std::chrono::steady_clock::time_point m_last_read;
  std::chrono::steady_clock::time_point m_last_write;
  std::chrono::steady_clock::time_point m_write_started;

  // Send queue: any thread, under m_queue_mutex.
  std::mutex m_queue_mutex;
  std::deque<Outgoing> m_queue;
  size_t m_queued_bytes = 0;
  bool m_pump_posted = false;
  bool m_queue_closed = false;
};

}  // namespace covalue::net
