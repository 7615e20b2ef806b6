// RawPeerClient (tests only): a hand-driven peer-link client that speaks the protocol through
// the node's own Handshake code, so a test can send exactly the bytes it wants after (or
// instead of) a valid handshake. Owns its socket; not thread-safe.
#pragma once

#include <array>
#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "node/net/frame_cipher.h"
#include "node/net/handshake.h"

namespace covalue::testing {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace covalue::net;

// A hand-driven client speaking the protocol through the same Handshake code, so that a test
// can send exactly the bytes it wants after (or instead of) a valid handshake.
class RawPeerClient {
 public:
  RawPeerClient(asio::io_context& io, uint16_t port) : m_socket(io) {
    m_socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  }
  void Write(ByteView bytes) { asio::write(m_socket, asio::buffer(bytes.data(), bytes.size())); }

  // A full client handshake as `key` on `chain`; then Seal/Write may send records.
  Status Handshake(const crypto::KeyPair& key, std::string chain) {
    m_handshake = std::make_unique<net::Handshake>(key, chain, Role::kClient);
    Write(m_handshake->hello());
    std::array<uint8_t, kHelloPrefixSize> prefix;
    asio::read(m_socket, asio::buffer(prefix));
    COVALUE_ASSIGN_OR_RETURN(size_t rest_size, HelloRemainder(prefix));
    Bytes hello(prefix.begin(), prefix.end());
    hello.resize(prefix.size() + rest_size);
    asio::read(m_socket, asio::buffer(hello.data() + prefix.size(), rest_size));
    COVALUE_RETURN_IF_ERROR(m_handshake->AcceptPeerHello(hello));
    StreamHeader header;
    std::array<uint8_t, 4> length;
    asio::read(m_socket, asio::buffer(header));
    asio::read(m_socket, asio::buffer(length));
    Bytes record(kAuthPlaintextSize + kRecordOverhead);
    asio::read(m_socket, asio::buffer(record));
    COVALUE_ASSIGN_OR_RETURN(FrameOpener opener, m_handshake->TakeOpener(header));
    COVALUE_ASSIGN_OR_RETURN(Bytes auth, opener.Open(record));
    COVALUE_RETURN_IF_ERROR(m_handshake->VerifyPeerAuth(auth));
    m_sealer.emplace(m_handshake->TakeSealer());
    Bytes out(m_sealer->header().begin(), m_sealer->header().end());
    Bytes sealed = m_sealer->Seal(RecordKind::kAuth, m_handshake->OwnAuthBody());
    out.insert(out.end(), sealed.begin(), sealed.end());
    Write(out);
    return Status::Ok();
  }
  Bytes Seal(RecordKind kind, ByteView body) { return m_sealer->Seal(kind, body); }

  // Reads (and discards) until the peer closes; the bytes read, or nullopt if it stays open.
  std::optional<size_t> BytesUntilClosed() {
    auto state = std::make_shared<std::pair<std::array<uint8_t, 4096>, size_t>>();
    auto done = std::make_shared<std::promise<void>>();
    auto loop = std::make_shared<std::function<void()>>();
    *loop = [this, state, done, weak = std::weak_ptr<std::function<void()>>(loop)] {
      m_socket.async_read_some(asio::buffer(state->first),
                               [state, done, weak](boost::system::error_code ec, size_t n) {
                                 state->second += n;
                                 if (ec) return done->set_value();
                                 if (auto next = weak.lock()) (*next)();
                               });
    };
    (*loop)();
    if (done->get_future().wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
      boost::system::error_code ignored;
      m_socket.close(ignored);
      return std::nullopt;
    }
    return state->second;
  }

 private:
  tcp::socket m_socket;
  std::unique_ptr<net::Handshake> m_handshake;
  std::optional<FrameSealer> m_sealer;
};

}  // namespace covalue::testing
