// Writer: builds the canonical binary encoding (docs/spec/encoding.md) that everything
// signed or hashed in covalue goes through. Integers are fixed-width little-endian;
// byte strings and strings carry a u32 length prefix; lists a u32 count. Appending never
// fails. Owns its buffer; not thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/bytes.h"

namespace covalue::codec {

class Writer {
 public:
  Writer() = default;
  // A writer with room for `expected_bytes` at once, for an encoding whose size is known
  // before it is written (a transaction, signed bytes): one allocation instead of one per
  // doubling.
  explicit Writer(size_t expected_bytes) { m_out.reserve(expected_bytes); }

  void U8(uint8_t v) { m_out.push_back(v); }
  void U16(uint16_t v) { Fixed(v, 2); }
  void U32(uint32_t v) { Fixed(v, 4); }
  void U64(uint64_t v) { Fixed(v, 8); }
  void I64(int64_t v) { Fixed(static_cast<uint64_t>(v), 8); }
  void Bool(bool v) { U8(v ? 1 : 0); }
  // Raw bytes with no prefix: only for fields of a size fixed by the grammar (hashes, keys).
  void Raw(ByteView bytes) { m_out.insert(m_out.end(), bytes.begin(), bytes.end()); }
  void Hash(const Hash32& h) { Raw(h); }
  // u32 length ‖ bytes.
  void Bytes(ByteView bytes);
  // u32 length ‖ UTF-8 bytes.
  void String(std::string_view s) { Bytes(AsBytes(s)); }
  // u32 count; the caller then writes the elements.
  void Count(size_t n);

  const covalue::Bytes& bytes() const& { return m_out; }
  covalue::Bytes Take() && { return std::move(m_out); }
  size_t size() const { return m_out.size(); }
  // Empties the writer and keeps its buffer, to encode the next item of a loop into it.
  void Clear() { m_out.clear(); }

 private:
  void Fixed(uint64_t v, int width) {
    for (int i = 0; i < width; ++i) m_out.push_back(static_cast<uint8_t>(v >> (8 * i)));
  }

  covalue::Bytes m_out;
};

}  // namespace covalue::codec
