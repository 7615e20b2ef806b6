// Reader: decodes the canonical binary encoding (docs/spec/encoding.md) from untrusted
// input. Every read is bounds-checked; a length or count is checked against its limit and
// against the bytes that remain BEFORE anything is allocated, so a forged length cannot
// make the decoder allocate. Strings must be valid UTF-8. Finish() refuses trailing bytes.
// Borrows the input (which must outlive the Reader); not thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "common/bytes.h"
#include "common/status.h"

namespace covalue::codec {

// Default limits; a grammar may pass tighter ones.
inline constexpr uint32_t kMaxBytesLength = 1u << 20;   // 1 MiB
inline constexpr uint32_t kMaxStringLength = 4096;
inline constexpr uint32_t kMaxCount = 1u << 16;

class Reader {
 public:
  explicit Reader(ByteView input) : m_in(input) {}

  Status U8(uint8_t* out);
  Status U16(uint16_t* out);
  Status U32(uint32_t* out);
  Status U64(uint64_t* out);
  Status I64(int64_t* out);
  // Only 0 and 1 are booleans.
  Status Bool(bool* out);
  Status Hash(Hash32* out);
  // Exactly out.size() bytes with no prefix (fixed-size fields: keys, signatures).
  Status Raw(std::span<uint8_t> out);
  Status Bytes(covalue::Bytes* out, uint32_t max_length = kMaxBytesLength);
  Status String(std::string* out, uint32_t max_length = kMaxStringLength);
  // A list count. `min_element_size` (bytes each element needs at least) lets the count be
  // checked against what remains, so a forged count cannot reserve memory either.
  Status Count(uint32_t* out, uint32_t max_count = kMaxCount, uint32_t min_element_size = 1);
  // Fails with kTrailingBytes unless every byte was consumed.
  Status Finish() const;

  size_t remaining() const { return m_in.size() - m_pos; }
  size_t position() const { return m_pos; }

 private:
  Status Need(size_t n) const;
  uint64_t Fixed(int width);
  Status Length(uint32_t* out, uint32_t max_length, const char* what);

  ByteView m_in;
  size_t m_pos = 0;
};

// True if `s` is well-formed UTF-8 (no overlong forms, no surrogates, at most U+10FFFF).
bool IsValidUtf8(std::string_view s);

}  // namespace covalue::codec
