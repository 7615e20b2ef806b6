// Fuzz target: the bytes of a peer link (node/net, docs/spec/p2p.md) before and after the
// handshake. The first input byte picks what the rest is, modulo 3:
//   0  the peer's Hello: HelloRemainder on its prefix, DecodeHello, and a server-side
//      Handshake::AcceptPeerHello (any chain id, version, identity or X25519 key), then the
//      session's sealer and an opener for an all-zero stream header;
//   1  the plaintext of the peer's Auth record, checked by VerifyPeerAuth after an honest
//      key exchange (it must be refused unless it is the real signature);
//   2  a stream of records (u8 kind ‖ bytes body, repeated): sealed by an honest sender and
//      opened by an honest receiver, each must come back as sent; the same record with one
//      byte flipped (the position from the body's length) must not open.
// Properties: nothing crashes; a Hello that decodes re-encodes to the same bytes; frames
// round-trip and altered frames are refused.
#include <cstdint>

#include "codec/reader.h"
#include "fuzz/fuzz_support.h"
#include "node/net/handshake.h"

using namespace covalue;
using namespace covalue::net;

namespace {

const crypto::KeyPair& Identity(int i) {
  static const crypto::KeyPair keys[2] = {fuzz::LabelKey("validator-0"), fuzz::LabelKey("validator-1")};
  return keys[i];
}
const std::string& ChainId() { return fuzz::FuzzGenesis().chain_id; }

void PeerHello(ByteView input) {
  if (input.size() >= kHelloPrefixSize) (void)HelloRemainder(input.first(kHelloPrefixSize));
  auto hello = DecodeHello(input);
  if (hello.ok()) {
    FUZZ_CHECK(EncodeHello(*hello) == Bytes(input.begin(), input.end()), "a Hello re-encodes to other bytes");
  }
  Handshake server(Identity(0), ChainId(), Role::kServer);
  if (!server.AcceptPeerHello(input).ok()) return;
  FUZZ_CHECK(hello.ok(), "accepted a Hello that does not decode");
  (void)server.TakeSealer();
  (void)server.TakeOpener(StreamHeader{});
}

// An honest client and server after the key exchange.
struct Link {
  Handshake client{Identity(1), ChainId(), Role::kClient};
  Handshake server{Identity(0), ChainId(), Role::kServer};
  Link() {
    FUZZ_CHECK(server.AcceptPeerHello(client.hello()).ok(), "server hello");
    FUZZ_CHECK(client.AcceptPeerHello(server.hello()).ok(), "client hello");
  }
};

void PeerAuth(ByteView input) {
  Link link;
  Bytes honest = {static_cast<uint8_t>(RecordKind::kAuth)};
  Bytes body = link.client.OwnAuthBody();
  honest.insert(honest.end(), body.begin(), body.end());
  FUZZ_CHECK(link.server.VerifyPeerAuth(honest).ok(), "the honest auth record");
  bool accepted = link.server.VerifyPeerAuth(input).ok();
  FUZZ_CHECK(accepted == (Bytes(input.begin(), input.end()) == honest), "a forged auth record passed");
}

void Records(ByteView input) {
  Link link;
  FrameSealer sealer = link.client.TakeSealer();
  auto opener = link.server.TakeOpener(sealer.header());
  FUZZ_CHECK(opener.ok(), "opener");
  FrameSealer tamper_sealer = link.server.TakeSealer();
  auto tamper_opener = link.client.TakeOpener(tamper_sealer.header());
  FUZZ_CHECK(tamper_opener.ok(), "second opener");
  codec::Reader r(input);
  for (int i = 0; i < 32 && r.remaining() > 0; ++i) {
    uint8_t kind = 0;
    Bytes body;
    if (!r.U8(&kind).ok() || !r.Bytes(&body, 1 << 16).ok()) break;
    Bytes wire = sealer.Seal(static_cast<RecordKind>(kind), body);
    FUZZ_CHECK(wire.size() == kRecordLengthSize + 1 + body.size() + kRecordOverhead, "record size");
    auto opened = opener->Open(ByteView(wire).subspan(kRecordLengthSize));
    FUZZ_CHECK(opened.ok(), "an honest record did not open");
    FUZZ_CHECK(opened->size() == 1 + body.size() && (*opened)[0] == kind &&
                   std::equal(body.begin(), body.end(), opened->begin() + 1),
               "a record opened to other bytes");
    // The other direction's stream: the same record altered in one byte must be refused
    // (which also makes that stream unusable, so it is the last use of it).
    if (i == 0) {
      Bytes altered = tamper_sealer.Seal(static_cast<RecordKind>(kind), body);
      altered[kRecordLengthSize + body.size() % (altered.size() - kRecordLengthSize)] ^= 0x01;
      FUZZ_CHECK(!tamper_opener->Open(ByteView(altered).subspan(kRecordLengthSize)).ok(),
                 "an altered record opened");
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  ByteView rest(data + 1, size - 1);
  switch (data[0] % 3) {
    case 0: PeerHello(rest); break;
    case 1: PeerAuth(rest); break;
    default: Records(rest); break;
  }
  return 0;
}
