#include "codec/reader.h"

#include <algorithm>

namespace covalue::codec {

Status Reader::Need(size_t n) const {
  if (remaining() < n) {
    return Status(Code::kMalformed, "truncated: need " + std::to_string(n) + " bytes at offset " +
                                        std::to_string(m_pos) + ", " +
                                        std::to_string(remaining()) + " left");
  }
  return Status::Ok();
}

uint64_t Reader::Fixed(int width) {
  uint64_t v = 0;
  for (int i = 0; i < width; ++i) v |= static_cast<uint64_t>(m_in[m_pos + i]) << (8 * i);
  m_pos += width;
  return v;
}

Status Reader::U8(uint8_t* out) {
  COVALUE_RETURN_IF_ERROR(Need(1));
  *out = static_cast<uint8_t>(Fixed(1));
  return Status::Ok();
}

Status Reader::U16(uint16_t* out) {
  COVALUE_RETURN_IF_ERROR(Need(2));
  *out = static_cast<uint16_t>(Fixed(2));
  return Status::Ok();
}

Status Reader::U32(uint32_t* out) {
  COVALUE_RETURN_IF_ERROR(Need(4));
  *out = static_cast<uint32_t>(Fixed(4));
  return Status::Ok();
}

Status Reader::U64(uint64_t* out) {
  COVALUE_RETURN_IF_ERROR(Need(8));
  *out = Fixed(8);
  return Status::Ok();
}

Status Reader::I64(int64_t* out) {
  COVALUE_RETURN_IF_ERROR(Need(8));
  *out = static_cast<int64_t>(Fixed(8));
  return Status::Ok();
}

Status Reader::Bool(bool* out) {
  uint8_t v = 0;
  COVALUE_RETURN_IF_ERROR(U8(&v));
  if (v > 1) return Status(Code::kMalformed, "boolean must be 0 or 1");
  *out = v == 1;
  return Status::Ok();
}

Status Reader::Hash(Hash32* out) { return Raw(*out); }

Status Reader::Raw(std::span<uint8_t> out) {
  COVALUE_RETURN_IF_ERROR(Need(out.size()));
  std::copy_n(m_in.begin() + static_cast<std::ptrdiff_t>(m_pos), out.size(), out.begin());
  m_pos += out.size();
  return Status::Ok();
}

Status Reader::Length(uint32_t* out, uint32_t max_length, const char* what) {
  uint32_t length = 0;
  COVALUE_RETURN_IF_ERROR(U32(&length));
  if (length > max_length) {
    return Status(Code::kTooLarge, std::string(what) + " length " + std::to_string(length) +
                                       " exceeds limit " + std::to_string(max_length));
  }
  COVALUE_RETURN_IF_ERROR(Need(length));
  *out = length;
  return Status::Ok();
}

Status Reader::Bytes(covalue::Bytes* out, uint32_t max_length) {
  uint32_t length = 0;
  COVALUE_RETURN_IF_ERROR(Length(&length, max_length, "bytes"));
  auto begin = m_in.begin() + static_cast<std::ptrdiff_t>(m_pos);
  out->assign(begin, begin + length);
  m_pos += length;
  return Status::Ok();
}

Status Reader::String(std::string* out, uint32_t max_length) {
  uint32_t length = 0;
  COVALUE_RETURN_IF_ERROR(Length(&length, max_length, "string"));
  std::string_view view(reinterpret_cast<const char*>(m_in.data()) + m_pos, length);
  if (!IsValidUtf8(view)) return Status(Code::kMalformed, "string is not valid UTF-8");
  out->assign(view);
  m_pos += length;
  return Status::Ok();
}

Status Reader::Count(uint32_t* out, uint32_t max_count, uint32_t min_element_size) {
  uint32_t count = 0;
  COVALUE_RETURN_IF_ERROR(U32(&count));
  if (count > max_count) {
    return Status(Code::kTooLarge, "list count " + std::to_string(count) + " exceeds limit " +
                                       std::to_string(max_count));
  }
  COVALUE_RETURN_IF_ERROR(Need(static_cast<size_t>(count) * std::max<uint32_t>(1, min_element_size)));
  *out = count;
  return Status::Ok();
}

Status Reader::Finish() const {
  if (remaining() != 0) {
    return Status(Code::kTrailingBytes, std::to_string(remaining()) + " trailing bytes");
  }
  return Status::Ok();
}

bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<uint8_t>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t extra;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      extra = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + extra >= s.size()) return false;  // truncated sequence
    for (size_t k = 1; k <= extra; ++k) {
      auto cc = static_cast<uint8_t>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    static constexpr uint32_t kMinForLength[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMinForLength[extra]) return false;           // overlong
    if (cp > 0x10FFFF) return false;                       // beyond Unicode
    if (cp >= 0xD800 && cp <= 0xDFFF) return false;        // surrogate
    i += extra + 1;
  }
  return true;
}

}  // namespace covalue::codec
