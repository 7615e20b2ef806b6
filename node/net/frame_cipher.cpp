#include "node/net/frame_cipher.h"

#include <sodium.h>

#include <cstring>

namespace covalue::net {

static_assert(sizeof(StreamHeader) == crypto_secretstream_xchacha20poly1305_HEADERBYTES);
static_assert(sizeof(SessionKey) == crypto_secretstream_xchacha20poly1305_KEYBYTES);
static_assert(kRecordOverhead == crypto_secretstream_xchacha20poly1305_ABYTES);

struct FrameSealer::State {
  ~State() { sodium_memzero(&stream, sizeof(stream)); }
  crypto_secretstream_xchacha20poly1305_state stream;
};

struct FrameOpener::State {
  ~State() { sodium_memzero(&stream, sizeof(stream)); }
  crypto_secretstream_xchacha20poly1305_state stream;
};

FrameSealer::FrameSealer(const SessionKey& key) : m_state(std::make_unique<State>()) {
  // Cannot fail: it only draws a random nonce and derives the stream key.
  crypto_secretstream_xchacha20poly1305_init_push(&m_state->stream, m_header.data(), key.data());
}

FrameSealer::~FrameSealer() = default;
FrameSealer::FrameSealer(FrameSealer&&) noexcept = default;
FrameSealer& FrameSealer::operator=(FrameSealer&&) noexcept = default;

Bytes FrameSealer::Seal(RecordKind kind, ByteView body) {
  Bytes record;
  SealTo(record, kind, body);
  return record;
}

void FrameSealer::SealTo(Bytes& out, RecordKind kind, ByteView body) {
  Bytes plaintext;
  plaintext.reserve(1 + body.size());
  plaintext.push_back(static_cast<uint8_t>(kind));
  plaintext.insert(plaintext.end(), body.begin(), body.end());

  const size_t ciphertext_size = plaintext.size() + kRecordOverhead;
  const size_t start = out.size();
  out.resize(start + kRecordLengthSize + ciphertext_size);
  uint8_t* record = out.data() + start;
  for (size_t i = 0; i < kRecordLengthSize; ++i) {
    record[i] = static_cast<uint8_t>(static_cast<uint64_t>(ciphertext_size) >> (8 * i));
  }
  unsigned long long written = 0;
  crypto_secretstream_xchacha20poly1305_push(&m_state->stream, record + kRecordLengthSize,
                                             &written, plaintext.data(), plaintext.size(), nullptr,
                                             0, crypto_secretstream_xchacha20poly1305_TAG_MESSAGE);
}

FrameOpener::FrameOpener() : m_state(std::make_unique<State>()) {}
FrameOpener::~FrameOpener() = default;
FrameOpener::FrameOpener(FrameOpener&&) noexcept = default;
FrameOpener& FrameOpener::operator=(FrameOpener&&) noexcept = default;

Result<FrameOpener> FrameOpener::Create(const SessionKey& key, const StreamHeader& header) {
  FrameOpener opener;
  if (crypto_secretstream_xchacha20poly1305_init_pull(&opener.m_state->stream, header.data(),
                                                      key.data()) != 0) {
    return Status(Code::kMalformed, "invalid stream header");
  }
  return opener;
}

Result<Bytes> FrameOpener::Open(ByteView ciphertext) {
  if (!m_state) return Status(Code::kInternal, "opener was moved from");
  if (ciphertext.size() < kRecordOverhead + 1) {
    return Status(Code::kMalformed, "record shorter than its overhead");
  }
  Bytes plaintext(ciphertext.size() - kRecordOverhead);
  unsigned long long plaintext_size = 0;
  unsigned char tag = 0;
  if (crypto_secretstream_xchacha20poly1305_pull(&m_state->stream, plaintext.data(),
                                                 &plaintext_size, &tag, ciphertext.data(),
                                                 ciphertext.size(), nullptr, 0) != 0) {
    return Status(Code::kMalformed, "record does not authenticate");
  }
  if (tag != crypto_secretstream_xchacha20poly1305_TAG_MESSAGE) {
    return Status(Code::kMalformed, "record carries an unexpected stream tag");
  }
  plaintext.resize(plaintext_size);
  return plaintext;
}

}  // namespace covalue::net
