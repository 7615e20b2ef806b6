// Handshake: the I/O-free half of a link's key exchange and mutual authentication
// (docs/spec/p2p.md "Handshake"). It builds and checks Hello and Auth messages and hands out
// the two frame ciphers; the caller moves the bytes. One object per connection attempt; it owns
// the fresh ephemeral X25519 secret and the derived session keys and wipes them
// (sodium_memzero) as soon as they are used up, and on destruction. It borrows `identity`, which
// must outlive it. Not thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/bytes.h"
#include "common/status.h"
#include "crypto/keys.h"
#include "node/net/frame_cipher.h"

namespace covalue::net {

// Who opened the TCP connection. Wire values (they end the signed transcript).
enum class Role : uint8_t { kClient = 0, kServer = 1 };

inline constexpr std::array<uint8_t, 4> kHelloMagic{'C', 'V', 'P', '1'};
inline constexpr uint16_t kProtocolVersion = 1;
// magic ‖ u16 version ‖ u32 chain id length: read first, to learn how much follows.
inline constexpr size_t kHelloPrefixSize = 10;
inline constexpr uint32_t kMaxChainIdBytes = 128;
// The Auth record's plaintext: u8 kind ‖ signature.
inline constexpr size_t kAuthPlaintextSize = 1 + 64;

using EphemeralKey = std::array<uint8_t, 32>;

// Hello = magic ‖ u16 version ‖ string chain_id ‖ identity (32) ‖ ephemeral X25519 key (32).
struct Hello {
  uint16_t version = kProtocolVersion;
  std::string chain_id;
  crypto::PublicKey identity{};
  EphemeralKey ephemeral{};
};

Bytes EncodeHello(const Hello& hello);
// Checks a Hello's first kHelloPrefixSize bytes (magic, version, chain id length) and returns
// how many bytes of it follow. kMalformed (magic), kUnsupportedVersion, kTooLarge (chain id).
Result<size_t> HelloRemainder(ByteView prefix);
// A whole Hello; refuses trailing bytes.
Result<Hello> DecodeHello(ByteView bytes);

class Handshake {
 public:
  Handshake(const crypto::KeyPair& identity, std::string chain_id, Role role);
  ~Handshake();
  Handshake(const Handshake&) = delete;
  Handshake& operator=(const Handshake&) = delete;

  Role role() const { return m_role; }
  // Our Hello, to send as is.
  const Bytes& hello() const { return m_own_hello; }

  // Decodes the peer's Hello, refuses another version (kUnsupportedVersion), another chain
  // (kWrongChain), our own identity (kInvalidArgument), and derives the session keys
  // (crypto_kx; kMalformed for an unusable ephemeral key). The ephemeral secret is wiped here.
  // Whether the identity is one we accept is the caller's decision (peer_identity()).
  Status AcceptPeerHello(ByteView bytes);
  const crypto::PublicKey& peer_identity() const { return m_peer_identity; }

  // After AcceptPeerHello, once each: our sending cipher (the tx key is wiped) and the
  // receiving one for the peer's stream header (the rx key is wiped).
  FrameSealer TakeSealer();
  Result<FrameOpener> TakeOpener(const StreamHeader& peer_header);

  // The body of our Auth record: our identity's signature over the transcript with our role.
  Bytes OwnAuthBody() const;
  // Checks the plaintext of the peer's first record: kind kAuth ‖ the peer identity's signature
  // over the transcript with the peer's role. kMalformed or kBadSignature.
  Status VerifyPeerAuth(ByteView plaintext) const;

 private:
  // client Hello ‖ server Hello ‖ u8 role of the signer.
  Bytes Transcript(Role signer) const;

  const crypto::KeyPair& m_identity;
  const std::string m_chain_id;
  const Role m_role;
  EphemeralKey m_ephemeral_public{};
  std::array<uint8_t, 32> m_ephemeral_secret{};
  Bytes m_own_hello;
  Bytes m_peer_hello;
  crypto::PublicKey m_peer_identity{};
  bool m_keys_ready = false;
  SessionKey m_rx{};
  SessionKey m_tx{};
};

}  // namespace covalue::net
