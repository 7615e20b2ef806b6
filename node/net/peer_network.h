// PeerNetwork: the node's peer transport (docs/spec/p2p.md). It listens for and dials
// authenticated, encrypted, length-framed TCP links to a fixed set of peers known by their
// Ed25519 identity keys; refuses every other key; redials dropped peers with exponential backoff
// and jitter; keeps at most one link per peer. It delivers payloads, never interprets them.
// Ownership: PeerNetwork keeps its own copy of the identity key (wiped on destruction) and owns
// every link; the io_context must outlive it. Thread-safe: Send, Broadcast, Stop,
// ConnectedPeers, counters and listen_port may be called from any thread. Handlers run on the
// io_context's threads: one link's payloads one at a time and in order; the peer event handler
// calls are serialized and in the order the events happened.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "common/bytes.h"
#include "common/status.h"
#include "crypto/keys.h"

namespace covalue::net {

struct PeerAddress {
  std::string name;  // for logs
  crypto::PublicKey key;
  std::string host;   // a name or an address to dial
  uint16_t port = 0;  // 0: we never dial it, it dials us (e.g. a follower behind NAT)
};

struct PeerNetworkOptions {
  std::string listen_address = "127.0.0.1";
  uint16_t listen_port = 0;  // 0 = ephemeral; see listen_port()
  // Payload limit; a larger length prefix disconnects the peer. Send drops larger payloads.
  size_t max_frame_bytes = 32u << 20;
  // Connecting plus the whole handshake must finish within this.
  std::chrono::milliseconds handshake_timeout{5000};
  // Exponential backoff with jitter between dials of a peer that is not connected.
  std::chrono::milliseconds reconnect_min{100}, reconnect_max{5000};
  // Send queue bound per link; beyond it the oldest queued frames are dropped and counted.
  size_t max_queued_bytes_per_peer = 64u << 20;
  // A link on which nothing arrives for this long, or whose pending write makes no progress for
  // this long, is closed. Each side sends a keepalive after idle_timeout / 4 without sending.
  std::chrono::milliseconds idle_timeout{20000};

  // kInvalidArgument naming the first bad field.
  Status Validate() const;
};

struct PeerNetworkCounters {
  uint64_t handshakes_refused_unknown_key = 0;
  uint64_t handshakes_failed = 0;  // bad hello, other chain or version, bad auth, timeout, ...
  uint64_t malformed_frames = 0;   // a record that does not authenticate or parse
  uint64_t oversized_frames = 0;   // a length prefix over the limit
  uint64_t frames_sent = 0;
  uint64_t frames_received = 0;
  uint64_t frames_dropped_queue_full = 0;
  uint64_t reconnects = 0;                    // dials after the first one to a peer
  uint64_t frames_dropped_not_connected = 0;  // Send to a peer without a link
  uint64_t frames_dropped_too_large = 0;      // Send of a payload over max_frame_bytes
};

class PeerNetwork {
 public:
  using ReceiveHandler = std::function<void(const crypto::PublicKey& from, Bytes payload)>;
  using PeerEventHandler = std::function<void(const crypto::PublicKey& peer, bool connected)>;

  // `peers` may include this node's own key (it is ignored). Nothing happens before Start.
  PeerNetwork(boost::asio::io_context& io, const crypto::KeyPair& identity, std::string chain_id,
              std::vector<PeerAddress> peers, PeerNetworkOptions options);
  ~PeerNetwork();  // calls Stop()
  PeerNetwork(const PeerNetwork&) = delete;
  PeerNetwork& operator=(const PeerNetwork&) = delete;

  // Before Start.
  void SetReceiveHandler(ReceiveHandler handler);
  void SetPeerEventHandler(PeerEventHandler handler);

  // Listens, and dials every peer with a port (redialling with backoff while not connected).
  // kInvalidArgument for bad options or a second Start; kUnavailable if it cannot listen.
  Status Start();
  // Closes the listener and every link and cancels every timer; returns without waiting on the
  // network. No handler call starts after it returns (one already running may finish).
  // Idempotent.
  void Stop();

  // The bound port after Start; 0 before.
  uint16_t listen_port() const;
  // Queued on the peer's link; dropped (and counted) if there is none or it is too large.
  // A payload queued on a link that then closes is lost: delivery is at most once.
  void Send(const crypto::PublicKey& peer, Bytes payload);
  // To every connected peer.
  void Broadcast(Bytes payload);
  std::vector<crypto::PublicKey> ConnectedPeers() const;
  PeerNetworkCounters counters() const;

  struct Impl;

 private:
  std::shared_ptr<Impl> m_impl;
};

}  // namespace covalue::net
