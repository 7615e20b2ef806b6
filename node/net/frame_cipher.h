// FrameSealer and FrameOpener: the two directions of a link's encrypted record stream
// (docs/spec/p2p.md "Frames"), on libsodium's crypto_secretstream_xchacha20poly1305. Every
// record is authenticated and numbered implicitly by the stream state, so a replayed, dropped,
// reordered or altered record fails to open. Each object owns its stream state and wipes it
// (sodium_memzero) when destroyed. Not thread-safe: a link uses each from its own strand.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "common/bytes.h"
#include "common/status.h"

namespace covalue::net {

using SessionKey = std::array<uint8_t, 32>;
// The stream header a sealer produces and its opener needs before the first record.
using StreamHeader = std::array<uint8_t, 24>;

// Bytes a sealed record adds to its plaintext (secretstream tag byte + MAC).
inline constexpr size_t kRecordOverhead = 17;
// Bytes of the u32 length that precedes every record on the wire.
inline constexpr size_t kRecordLengthSize = 4;

// The first plaintext byte of every record. Wire format: never renumber.
enum class RecordKind : uint8_t {
  kAuth = 1,  // the handshake's Auth; only as the first record of a direction
  kData = 2,  // a payload for the receive handler
  kPing = 3,  // keepalive; empty body
};

class FrameSealer {
 public:
  // Starts a stream under `key`; the caller keeps (and wipes) its own copy of the key.
  explicit FrameSealer(const SessionKey& key);
  ~FrameSealer();
  FrameSealer(FrameSealer&&) noexcept;
  FrameSealer& operator=(FrameSealer&&) noexcept;
  FrameSealer(const FrameSealer&) = delete;
  FrameSealer& operator=(const FrameSealer&) = delete;

  // Sent once, before the first record.
  const StreamHeader& header() const { return m_header; }
  // The wire form of one record: u32 length ‖ ciphertext of (u8 kind ‖ body).
  Bytes Seal(RecordKind kind, ByteView body);
  // Seal, appending the record to `out` (several records written at once).
  void SealTo(Bytes& out, RecordKind kind, ByteView body);

 private:
  struct State;
  std::unique_ptr<State> m_state;
  StreamHeader m_header{};
};

class FrameOpener {
 public:
  // kMalformed if `header` is not a valid stream header. The caller wipes its copy of `key`.
  static Result<FrameOpener> Create(const SessionKey& key, const StreamHeader& header);
  ~FrameOpener();
  FrameOpener(FrameOpener&&) noexcept;
  FrameOpener& operator=(FrameOpener&&) noexcept;
  FrameOpener(const FrameOpener&) = delete;
  FrameOpener& operator=(const FrameOpener&) = delete;

  // The plaintext (u8 kind ‖ body) of the next record, given its ciphertext (without the
  // length). kMalformed if it does not authenticate as the next record of this stream; the
  // stream is then unusable and the link must close.
  Result<Bytes> Open(ByteView ciphertext);

 private:
  struct State;
  FrameOpener();
  std::unique_ptr<State> m_state;
};

}  // namespace covalue::net
