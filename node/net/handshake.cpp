#include "node/net/handshake.h"

#include <sodium.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <utility>

#include "codec/reader.h"
#include "codec/writer.h"
#include "crypto/signing.h"

namespace covalue::net {

static_assert(sizeof(EphemeralKey) == crypto_kx_PUBLICKEYBYTES);
static_assert(sizeof(SessionKey) == crypto_kx_SESSIONKEYBYTES);

Bytes EncodeHello(const Hello& hello) {
  codec::Writer w;
  w.Raw(kHelloMagic);
  w.U16(hello.version);
  w.String(hello.chain_id);
  w.Raw(hello.identity);
  w.Raw(hello.ephemeral);
  return std::move(w).Take();
}

Result<size_t> HelloRemainder(ByteView prefix) {
  if (prefix.size() != kHelloPrefixSize) return Status(Code::kMalformed, "short hello");
  if (!std::equal(kHelloMagic.begin(), kHelloMagic.end(), prefix.begin())) {
    return Status(Code::kMalformed, "not a covalue peer (bad magic)");
  }
  codec::Reader r(prefix.subspan(kHelloMagic.size()));
  uint16_t version = 0;
  uint32_t chain_id_length = 0;
  COVALUE_RETURN_IF_ERROR(r.U16(&version));
  COVALUE_RETURN_IF_ERROR(r.U32(&chain_id_length));
  if (version != kProtocolVersion) {
    return Status(Code::kUnsupportedVersion,
                  "peer speaks protocol version " + std::to_string(version));
  }
  if (chain_id_length > kMaxChainIdBytes) {
    return Status(Code::kTooLarge, "chain id in hello is too long");
  }
  return static_cast<size_t>(chain_id_length) + 32 + 32;
}

Result<Hello> DecodeHello(ByteView bytes) {
  if (bytes.size() < kHelloPrefixSize) return Status(Code::kMalformed, "short hello");
  COVALUE_RETURN_IF_ERROR(HelloRemainder(bytes.first(kHelloPrefixSize)).status());
  codec::Reader r(bytes.subspan(kHelloMagic.size()));
  Hello hello;
  COVALUE_RETURN_IF_ERROR(r.U16(&hello.version));
  COVALUE_RETURN_IF_ERROR(r.String(&hello.chain_id, kMaxChainIdBytes));
  COVALUE_RETURN_IF_ERROR(r.Raw(hello.identity));
  COVALUE_RETURN_IF_ERROR(r.Raw(hello.ephemeral));
  COVALUE_RETURN_IF_ERROR(r.Finish());
  return hello;
}

Handshake::Handshake(const crypto::KeyPair& identity, std::string chain_id, Role role)
    : m_identity(identity), m_chain_id(std::move(chain_id)), m_role(role) {
  if (sodium_init() < 0) std::abort();  // no randomness source: nothing safe to do
  crypto_kx_keypair(m_ephemeral_public.data(), m_ephemeral_secret.data());
  m_own_hello =
      EncodeHello(Hello{kProtocolVersion, m_chain_id, identity.public_key(), m_ephemeral_public});
}

Handshake::~Handshake() {
  sodium_memzero(m_ephemeral_secret.data(), m_ephemeral_secret.size());
  sodium_memzero(m_rx.data(), m_rx.size());
  sodium_memzero(m_tx.data(), m_tx.size());
}

Status Handshake::AcceptPeerHello(ByteView bytes) {
  if (!m_peer_hello.empty()) return Status(Code::kInternal, "peer hello already accepted");
  COVALUE_ASSIGN_OR_RETURN(Hello hello, DecodeHello(bytes));
  if (hello.chain_id != m_chain_id) {
    return Status(Code::kWrongChain, "peer is on chain '" + hello.chain_id + "'");
  }
  if (hello.identity == m_identity.public_key()) {
    return Status(Code::kInvalidArgument, "peer presents our own identity");
  }
  int derived =
      m_role == Role::kClient
          ? crypto_kx_client_session_keys(m_rx.data(), m_tx.data(), m_ephemeral_public.data(),
                                          m_ephemeral_secret.data(), hello.ephemeral.data())
          : crypto_kx_server_session_keys(m_rx.data(), m_tx.data(), m_ephemeral_public.data(),
                                          m_ephemeral_secret.data(), hello.ephemeral.data());
  sodium_memzero(m_ephemeral_secret.data(), m_ephemeral_secret.size());
  if (derived != 0) return Status(Code::kMalformed, "peer's ephemeral key is unusable");
  m_peer_hello.assign(bytes.begin(), bytes.end());
  m_peer_identity = hello.identity;
  m_keys_ready = true;
  return Status::Ok();
}

FrameSealer Handshake::TakeSealer() {
  FrameSealer sealer(m_tx);
  sodium_memzero(m_tx.data(), m_tx.size());
  return sealer;
}

Result<FrameOpener> Handshake::TakeOpener(const StreamHeader& peer_header) {
  Result<FrameOpener> opener = FrameOpener::Create(m_rx, peer_header);
  sodium_memzero(m_rx.data(), m_rx.size());
  return opener;
}

Bytes Handshake::Transcript(Role signer) const {
  const Bytes& client_hello = m_role == Role::kClient ? m_own_hello : m_peer_hello;
  const Bytes& server_hello = m_role == Role::kClient ? m_peer_hello : m_own_hello;
  Bytes transcript;
  transcript.reserve(client_hello.size() + server_hello.size() + 1);
  transcript.insert(transcript.end(), client_hello.begin(), client_hello.end());
  transcript.insert(transcript.end(), server_hello.begin(), server_hello.end());
  transcript.push_back(static_cast<uint8_t>(signer));
  return transcript;
}

Bytes Handshake::OwnAuthBody() const {
  crypto::Signature signature =
      crypto::SignFor(m_identity, crypto::Domain::kHandshake, m_chain_id, Transcript(m_role));
  return Bytes(signature.begin(), signature.end());
}

Status Handshake::VerifyPeerAuth(ByteView plaintext) const {
  if (!m_keys_ready) return Status(Code::kInternal, "no peer hello yet");
  if (plaintext.size() != kAuthPlaintextSize ||
      plaintext[0] != static_cast<uint8_t>(RecordKind::kAuth)) {
    return Status(Code::kMalformed, "first record is not an auth record");
  }
  crypto::Signature signature;
  std::copy(plaintext.begin() + 1, plaintext.end(), signature.begin());
  Role peer_role = m_role == Role::kClient ? Role::kServer : Role::kClient;
  if (!crypto::VerifyFor(m_peer_identity, crypto::Domain::kHandshake, m_chain_id,
                         Transcript(peer_role), signature)) {
    return Status(Code::kBadSignature, "handshake signature does not verify");
  }
  return Status::Ok();
}

}  // namespace covalue::net
