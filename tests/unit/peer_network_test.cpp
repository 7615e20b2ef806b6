// PeerNetwork over real loopback sockets, with its io_context on a background thread, plus the
// I/O-free Handshake and frame ciphers. A raw test client built from the same Handshake code
// sends what a broken or hostile peer would. Waits poll a condition up to a generous deadline.
#include <array>
#include <atomic>
#include <chrono>
#include <cstring>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <catch2/catch.hpp>

#include "crypto/hash.h"
#include "crypto/random.h"
#include "node/net/frame_cipher.h"
#include "node/net/handshake.h"
#include "node/net/peer_network.h"
#include "tests/support/raw_peer_client.h"
#include "tests/support/wait_until.h"

namespace covalue::net {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;
using covalue::testing::WaitUntil;


// The same label always gives the same identity key.
crypto::KeyPair KeyFromLabel(std::string_view label) {
  return std::move(crypto::KeyPair::FromSeed(crypto::Sha256(AsBytes(label)))).value();
}
constexpr std::string_view kChain = "covalue-test";

// An io_context running on two background threads (so that strands matter) until destruction.
class IoThread {
 public:
  IoThread() : m_guard(asio::make_work_guard(m_io)) {
    for (auto& thread : m_threads) thread = std::thread([this] { m_io.run(); });
  }
  ~IoThread() {
    m_guard.reset();
    m_io.stop();
    for (auto& thread : m_threads) thread.join();
  }
  asio::io_context& io() { return m_io; }

 private:
  asio::io_context m_io;
  asio::executor_work_guard<asio::io_context::executor_type> m_guard;
  std::array<std::thread, 2> m_threads;
};

// What a node's handlers saw. Shared with the handlers, which may outlive the network briefly.
struct Inbox {
  mutable std::mutex mutex;
  std::vector<std::pair<crypto::PublicKey, Bytes>> frames;
  std::vector<std::pair<crypto::PublicKey, bool>> events;

  size_t FrameCount() const {
    std::lock_guard<std::mutex> lock(mutex);
    return frames.size();
  }
  std::vector<Bytes> From(const crypto::PublicKey& key) const {
    std::lock_guard<std::mutex> lock(mutex);
    std::vector<Bytes> out;
    for (const auto& [from, payload] : frames) {
      if (from == key) out.push_back(payload);
    }
    return out;
  }
  bool SawEvent(const crypto::PublicKey& key, bool connected) const {
    std::lock_guard<std::mutex> lock(mutex);
    for (const auto& event : events) {
      if (event.first == key && event.second == connected) return true;
    }
    return false;
  }
};

PeerNetworkOptions FastOptions() {
  PeerNetworkOptions options;
  options.handshake_timeout = 3000ms;
  options.reconnect_min = 20ms;
  options.reconnect_max = 200ms;
  return options;
}

PeerAddress Address(const crypto::KeyPair& key, std::string name, uint16_t port) {
  return PeerAddress{std::move(name), key.public_key(), "127.0.0.1", port};
}

// One node: a key, its network and what it received.
struct TestNode {
  TestNode(asio::io_context& io, std::string_view label, std::vector<PeerAddress> peers,
           PeerNetworkOptions options = FastOptions(), std::string chain = std::string(kChain))
      : key(KeyFromLabel(label)), inbox(std::make_shared<Inbox>()) {
    network = std::make_unique<PeerNetwork>(io, key, chain, std::move(peers), options);
    network->SetReceiveHandler([inbox = inbox](const crypto::PublicKey& from, Bytes payload) {
      std::lock_guard<std::mutex> lock(inbox->mutex);
      inbox->frames.emplace_back(from, std::move(payload));
    });
    network->SetPeerEventHandler([inbox = inbox](const crypto::PublicKey& peer, bool up) {
      std::lock_guard<std::mutex> lock(inbox->mutex);
      inbox->events.emplace_back(peer, up);
    });
    Status started = network->Start();
    REQUIRE(started.ok());
  }
  uint16_t port() const { return network->listen_port(); }
  bool ConnectedTo(const TestNode& other) const {
    for (const auto& key : network->ConnectedPeers()) {
      if (key == other.key.public_key()) return true;
    }
    return false;
  }

  crypto::KeyPair key;
  std::shared_ptr<Inbox> inbox;
  std::unique_ptr<PeerNetwork> network;
};

// seq (u32) ‖ `size` bytes derived from seq.
Bytes Numbered(uint32_t seq, size_t size) {
  Bytes payload(4 + size);
  std::memcpy(payload.data(), &seq, 4);
  for (size_t i = 0; i < size; ++i) payload[4 + i] = static_cast<uint8_t>(seq * 31 + i);
  return payload;
}

// Sends from `a` to `b` until one arrives (links may still be settling); then true.
bool Reaches(TestNode& a, TestNode& b, std::string_view text) {
  Bytes payload(text.begin(), text.end());
  return WaitUntil([&] {
    for (const Bytes& got : b.inbox->From(a.key.public_key())) {
      if (got == payload) return true;
    }
    a.network->Send(b.key.public_key(), payload);
    std::this_thread::sleep_for(20ms);
    return false;
  });
}

using RawClient = covalue::testing::RawPeerClient;

// The client's sending cipher and the server's matching opener, from a fresh handshake.
std::pair<FrameSealer, FrameOpener> CipherPair() {
  crypto::KeyPair alice = KeyFromLabel("alice"), bob = KeyFromLabel("bob");
  Handshake client(alice, std::string(kChain), Role::kClient);
  Handshake server(bob, std::string(kChain), Role::kServer);
  REQUIRE(server.AcceptPeerHello(client.hello()).ok());
  REQUIRE(client.AcceptPeerHello(server.hello()).ok());
  FrameSealer sealer = client.TakeSealer();
  Result<FrameOpener> opener = server.TakeOpener(sealer.header());
  REQUIRE(opener.ok());
  return {std::move(sealer), std::move(opener).value()};
}

Bytes AuthRecordPlaintext(const Handshake& signer) {
  Bytes plaintext{static_cast<uint8_t>(RecordKind::kAuth)};
  Bytes signature = signer.OwnAuthBody();
  plaintext.insert(plaintext.end(), signature.begin(), signature.end());
  return plaintext;
}

TEST_CASE("a client and a server handshake authenticate each other and refuse reflected auth") {
  crypto::KeyPair alice = KeyFromLabel("alice"), bob = KeyFromLabel("bob");
  Handshake client(alice, std::string(kChain), Role::kClient);
  Handshake server(bob, std::string(kChain), Role::kServer);
  REQUIRE(server.AcceptPeerHello(client.hello()).ok());
  REQUIRE(client.AcceptPeerHello(server.hello()).ok());
  CHECK(client.peer_identity() == bob.public_key());
  CHECK(server.peer_identity() == alice.public_key());
  CHECK(server.VerifyPeerAuth(AuthRecordPlaintext(client)).ok());
  CHECK(client.VerifyPeerAuth(AuthRecordPlaintext(server)).ok());
  // Each side's own auth, reflected back to it, does not pass as the other's.
  CHECK(server.VerifyPeerAuth(AuthRecordPlaintext(server)).code() == Code::kBadSignature);
  CHECK(client.VerifyPeerAuth(AuthRecordPlaintext(client)).code() == Code::kBadSignature);
  // An auth from another connection (other ephemeral keys) does not pass either.
  Handshake other_client(alice, std::string(kChain), Role::kClient);
  Handshake other_server(bob, std::string(kChain), Role::kServer);
  REQUIRE(other_server.AcceptPeerHello(other_client.hello()).ok());
  REQUIRE(other_client.AcceptPeerHello(other_server.hello()).ok());
  CHECK(server.VerifyPeerAuth(AuthRecordPlaintext(other_client)).code() == Code::kBadSignature);

  // The session keys match: what one side seals, the other opens.
  FrameSealer sealer = client.TakeSealer();
  Result<FrameOpener> opener = server.TakeOpener(sealer.header());
  REQUIRE(opener.ok());
  Bytes record = sealer.Seal(RecordKind::kData, AsBytes("hi"));
  Result<Bytes> opened = opener->Open(ByteView(record).subspan(kRecordLengthSize));
  REQUIRE(opened.ok());
  CHECK(*opened == Bytes{static_cast<uint8_t>(RecordKind::kData), 'h', 'i'});
}

TEST_CASE("reordered, replayed or altered records do not open") {
  auto body = [](const Bytes& record) { return ByteView(record).subspan(kRecordLengthSize); };
  {
    auto [sealer, opener] = CipherPair();
    Bytes first = sealer.Seal(RecordKind::kData, AsBytes("one"));
    Bytes second = sealer.Seal(RecordKind::kData, AsBytes("two"));
    CHECK_FALSE(opener.Open(body(second)).ok());
  }
  {
    auto [sealer, opener] = CipherPair();
    Bytes first = sealer.Seal(RecordKind::kData, AsBytes("one"));
    CHECK(opener.Open(body(first)).ok());
    CHECK_FALSE(opener.Open(body(first)).ok());
  }
  {
    auto [sealer, opener] = CipherPair();
    Bytes first = sealer.Seal(RecordKind::kData, AsBytes("one"));
    first.back() ^= 1;
    CHECK_FALSE(opener.Open(body(first)).ok());
  }
}

TEST_CASE("a hello for another chain or version is refused") {
  crypto::KeyPair alice = KeyFromLabel("alice"), bob = KeyFromLabel("bob");
  Handshake client(alice, "other-chain", Role::kClient);
  Handshake server(bob, std::string(kChain), Role::kServer);
  CHECK(server.AcceptPeerHello(client.hello()).code() == Code::kWrongChain);
  Bytes hello = client.hello();
  hello[4] = 2;  // version 2
  CHECK(HelloRemainder(ByteView(hello).first(kHelloPrefixSize)).status().code() ==
        Code::kUnsupportedVersion);
  hello[0] = 'X';
  CHECK(HelloRemainder(ByteView(hello).first(kHelloPrefixSize)).status().code() ==
        Code::kMalformed);
}

TEST_CASE("two peers exchange frames both ways, in order, including 1 MiB") {
  IoThread io;
  // b never dials a; a dials b.
  TestNode b(io.io(), "b", {Address(KeyFromLabel("a"), "a", 0)});
  TestNode a(io.io(), "a", {Address(b.key, "b", b.port())});
  REQUIRE(WaitUntil([&] { return a.ConnectedTo(b) && b.ConnectedTo(a); }));
  CHECK(WaitUntil([&] { return a.inbox->SawEvent(b.key.public_key(), true); }));
  CHECK(WaitUntil([&] { return b.inbox->SawEvent(a.key.public_key(), true); }));

  constexpr uint32_t kFrames = 200;
  for (uint32_t i = 0; i < kFrames; ++i) {
    size_t size = i == 100 ? (1u << 20) : (i * 997) % 70000;
    a.network->Send(b.key.public_key(), Numbered(i, size));
    b.network->Send(a.key.public_key(), Numbered(i, size));
  }
  REQUIRE(WaitUntil([&] { return a.inbox->FrameCount() == kFrames; }));
  REQUIRE(WaitUntil([&] { return b.inbox->FrameCount() == kFrames; }));
  for (TestNode* receiver : {&a, &b}) {
    const TestNode& sender = receiver == &a ? b : a;
    std::vector<Bytes> got = receiver->inbox->From(sender.key.public_key());
    REQUIRE(got.size() == kFrames);
    for (uint32_t i = 0; i < kFrames; ++i) {
      size_t size = i == 100 ? (1u << 20) : (i * 997) % 70000;
      REQUIRE(got[i] == Numbered(i, size));
    }
  }
  PeerNetworkCounters counters = a.network->counters();
  CHECK(counters.frames_received == kFrames);
  CHECK(WaitUntil([&] { return a.network->counters().frames_sent == kFrames; }));
  CHECK(counters.malformed_frames == 0);
  CHECK(counters.oversized_frames == 0);
  CHECK(counters.handshakes_failed == 0);
}

TEST_CASE("broadcast reaches every connected peer") {
  IoThread io;
  crypto::KeyPair ka = KeyFromLabel("a"), kb = KeyFromLabel("b");
  TestNode c(io.io(), "c", {Address(ka, "a", 0), Address(kb, "b", 0)});
  TestNode b(io.io(), "b", {Address(ka, "a", 0), Address(c.key, "c", c.port())});
  TestNode a(io.io(), "a", {Address(b.key, "b", b.port()), Address(c.key, "c", c.port())});
  REQUIRE(WaitUntil([&] {
    return a.network->ConnectedPeers().size() == 2 && b.network->ConnectedPeers().size() == 2 &&
           c.network->ConnectedPeers().size() == 2;
  }));
  a.network->Broadcast(Bytes{1, 2, 3});
  c.network->Broadcast(Bytes{7});
  REQUIRE(WaitUntil([&] { return b.inbox->FrameCount() == 2 && c.inbox->FrameCount() == 1; }));
  REQUIRE(WaitUntil([&] { return a.inbox->FrameCount() == 1; }));
  CHECK(b.inbox->From(a.key.public_key()) == std::vector<Bytes>{Bytes{1, 2, 3}});
  CHECK(b.inbox->From(c.key.public_key()) == std::vector<Bytes>{Bytes{7}});
  CHECK(c.inbox->From(a.key.public_key()) == std::vector<Bytes>{Bytes{1, 2, 3}});
  CHECK(a.inbox->From(c.key.public_key()) == std::vector<Bytes>{Bytes{7}});
}

TEST_CASE("an unknown identity key is refused before the acceptor says anything") {
  IoThread io;
  TestNode a(io.io(), "a", {Address(KeyFromLabel("b"), "b", 0)});
  // A full node with a key a does not know dials a and keeps trying.
  TestNode stranger(io.io(), "stranger", {Address(a.key, "a", a.port())});
  REQUIRE(WaitUntil([&] { return a.network->counters().handshakes_refused_unknown_key >= 2; }));
  CHECK(a.network->ConnectedPeers().empty());
  CHECK(stranger.network->ConnectedPeers().empty());
  stranger.network->Send(a.key.public_key(), Bytes{1});
  CHECK(stranger.network->counters().frames_dropped_not_connected == 1);
  CHECK(stranger.network->counters().reconnects >= 1);
  // A raw client with an unknown key gets the connection closed without a single byte back.
  RawClient raw(io.io(), a.port());
  raw.Write(Handshake(KeyFromLabel("nobody"), std::string(kChain), Role::kClient).hello());
  CHECK(raw.BytesUntilClosed() == std::optional<size_t>(0));
  CHECK(a.inbox->FrameCount() == 0);
  std::lock_guard<std::mutex> lock(a.inbox->mutex);
  CHECK(a.inbox->events.empty());
}

TEST_CASE("a known peer on another chain id is refused") {
  IoThread io;
  TestNode a(io.io(), "a", {Address(KeyFromLabel("b"), "b", 0)});
  TestNode b(io.io(), "b", {Address(a.key, "a", a.port())}, FastOptions(), "another-chain");
  REQUIRE(WaitUntil([&] { return a.network->counters().handshakes_failed >= 1; }));
  REQUIRE(WaitUntil([&] { return b.network->counters().handshakes_failed >= 1; }));
  CHECK(a.network->ConnectedPeers().empty());
  CHECK(b.network->ConnectedPeers().empty());
  CHECK(a.network->counters().handshakes_refused_unknown_key == 0);
}

TEST_CASE("garbage from one socket disconnects it while the real peers keep exchanging") {
  IoThread io;
  crypto::KeyPair tester = KeyFromLabel("tester");
  PeerNetworkOptions options = FastOptions();
  options.max_frame_bytes = 1 << 20;
  TestNode b(io.io(), "b", {Address(KeyFromLabel("a"), "a", 0)});
  TestNode a(io.io(), "a", {Address(b.key, "b", b.port()), Address(tester, "tester", 0)}, options);
  REQUIRE(WaitUntil([&] { return a.ConnectedTo(b) && b.ConnectedTo(a); }));
  int round = 0;
  auto still_exchanging = [&] {
    std::string text = "round " + std::to_string(++round);
    return Reaches(a, b, text) && Reaches(b, a, text);
  };

  SECTION("a bad hello") {
    RawClient raw(io.io(), a.port());
    raw.Write(AsBytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    CHECK(raw.BytesUntilClosed() == std::optional<size_t>(0));
    CHECK(WaitUntil([&] { return a.network->counters().handshakes_failed == 1; }));
  }
  SECTION("a length prefix of 0xFFFFFFFF after a valid handshake") {
    RawClient raw(io.io(), a.port());
    REQUIRE(raw.Handshake(tester, std::string(kChain)).ok());
    raw.Write(Bytes{0xFF, 0xFF, 0xFF, 0xFF});
    CHECK(raw.BytesUntilClosed().has_value());
    CHECK(WaitUntil([&] { return a.network->counters().oversized_frames == 1; }));
  }
  SECTION("a frame that does not authenticate") {
    RawClient raw(io.io(), a.port());
    REQUIRE(raw.Handshake(tester, std::string(kChain)).ok());
    Bytes frame = {40, 0, 0, 0};
    frame.resize(4 + 40);
    crypto::RandomBytes(std::span<uint8_t>(frame).subspan(4));
    raw.Write(frame);
    CHECK(raw.BytesUntilClosed().has_value());
    CHECK(WaitUntil([&] { return a.network->counters().malformed_frames == 1; }));
  }
  SECTION("a replayed frame") {
    RawClient raw(io.io(), a.port());
    REQUIRE(raw.Handshake(tester, std::string(kChain)).ok());
    Bytes frame = raw.Seal(RecordKind::kData, AsBytes("hello from tester"));
    raw.Write(frame);
    REQUIRE(WaitUntil([&] { return a.inbox->From(tester.public_key()).size() == 1; }));
    raw.Write(frame);
    CHECK(raw.BytesUntilClosed().has_value());
    CHECK(WaitUntil([&] { return a.network->counters().malformed_frames == 1; }));
    CHECK(a.inbox->From(tester.public_key()).size() == 1);
  }
  SECTION("a frame with an unknown record kind") {
    RawClient raw(io.io(), a.port());
    REQUIRE(raw.Handshake(tester, std::string(kChain)).ok());
    raw.Write(raw.Seal(static_cast<RecordKind>(99), AsBytes("?")));
    CHECK(raw.BytesUntilClosed().has_value());
    CHECK(WaitUntil([&] { return a.network->counters().malformed_frames == 1; }));
  }
  CHECK(still_exchanging());
  CHECK(a.ConnectedTo(b));
}

TEST_CASE("handshakes and idle links time out") {
  IoThread io;
  crypto::KeyPair tester = KeyFromLabel("tester");
  PeerNetworkOptions options = FastOptions();
  options.handshake_timeout = 300ms;
  options.idle_timeout = 400ms;
  TestNode a(io.io(), "a", {Address(tester, "tester", 0)}, options);

  RawClient silent(io.io(), a.port());  // connects and says nothing
  CHECK(silent.BytesUntilClosed() == std::optional<size_t>(0));
  CHECK(a.network->counters().handshakes_failed == 1);

  RawClient idle(io.io(), a.port());  // authenticates, then never sends a keepalive
  REQUIRE(idle.Handshake(tester, std::string(kChain)).ok());
  REQUIRE(WaitUntil([&] { return a.network->ConnectedPeers().size() == 1; }));
  CHECK(idle.BytesUntilClosed().has_value());  // a's keepalives, then the close
  CHECK(WaitUntil([&] { return a.network->ConnectedPeers().empty(); }));
  // The event handler runs after the link table changes: wait for it too.
  CHECK(WaitUntil([&] { return a.inbox->SawEvent(tester.public_key(), false); }));
}

TEST_CASE("a peer that does not read loses its oldest queued frames, counted") {
  IoThread io;
  crypto::KeyPair tester = KeyFromLabel("tester");
  PeerNetworkOptions options = FastOptions();
  options.max_queued_bytes_per_peer = 1 << 20;
  TestNode a(io.io(), "a", {Address(tester, "tester", 0)}, options);
  RawClient raw(io.io(), a.port());
  REQUIRE(raw.Handshake(tester, std::string(kChain)).ok());
  REQUIRE(WaitUntil([&] { return a.network->ConnectedPeers().size() == 1; }));
  for (int i = 0; i < 200; ++i) a.network->Send(tester.public_key(), Bytes(256 << 10, 0x5A));
  CHECK(WaitUntil([&] { return a.network->counters().frames_dropped_queue_full > 0; }));
}

TEST_CASE("after a peer restarts on the same port, the other side reconnects") {
  IoThread io;
  crypto::KeyPair ka = KeyFromLabel("a");
  auto b = std::make_unique<TestNode>(io.io(), "b", std::vector{Address(ka, "a", 0)});
  const uint16_t port = b->port();
  TestNode a(io.io(), "a", {Address(b->key, "b", port)});
  REQUIRE(WaitUntil([&] { return a.ConnectedTo(*b); }));
  REQUIRE(Reaches(a, *b, "before"));
  crypto::PublicKey b_key = b->key.public_key();

  b.reset();  // stops it
  REQUIRE(WaitUntil([&] { return a.network->ConnectedPeers().empty(); }));
  CHECK(WaitUntil([&] { return a.inbox->SawEvent(b_key, false); }));

  // Another process may hold the port for a moment (ports are shared machine-wide).
  REQUIRE(WaitUntil([&] {
    boost::system::error_code ec;
    tcp::acceptor probe(io.io());
    probe.open(tcp::v4(), ec);
    if (!ec) probe.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) probe.bind(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
    return !ec;
  }));
  PeerNetworkOptions options = FastOptions();
  options.listen_port = port;
  TestNode again(io.io(), "b", {Address(ka, "a", 0)}, options);
  REQUIRE(WaitUntil([&] { return a.ConnectedTo(again) && again.ConnectedTo(a); }));
  CHECK(Reaches(a, again, "after"));
  CHECK(Reaches(again, a, "after"));
  CHECK(a.network->counters().reconnects >= 1);
}

TEST_CASE("when both sides dial each other, one link remains and frames flow") {
  IoThread io;
  // Two free ports, known before either node starts.
  auto free_port = [&] {
    tcp::acceptor probe(io.io(), tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    return probe.local_endpoint().port();
  };
  uint16_t port_a = free_port(), port_b = free_port();
  crypto::KeyPair ka = KeyFromLabel("a"), kb = KeyFromLabel("b");
  PeerNetworkOptions options_a = FastOptions(), options_b = FastOptions();
  options_a.listen_port = port_a;
  options_b.listen_port = port_b;
  TestNode a(io.io(), "a", {Address(kb, "b", port_b)}, options_a);
  TestNode b(io.io(), "b", {Address(ka, "a", port_a)}, options_b);
  REQUIRE(WaitUntil([&] { return a.ConnectedTo(b) && b.ConnectedTo(a); }));
  CHECK(Reaches(a, b, "one"));
  CHECK(Reaches(b, a, "two"));
  CHECK(a.network->ConnectedPeers().size() == 1);
  CHECK(b.network->ConnectedPeers().size() == 1);
}

}  // namespace
}  // namespace covalue::net
