// Tests for codec/writer.h and codec/reader.h: the byte layout of every primitive (pinned
// by literal bytes: little-endian, u32 length prefixes), round trips at the extremes, and
// the reader's refusals — truncation at every cut point, lengths and counts over their
// limits or beyond the input, booleans other than 0/1, trailing bytes, and bad UTF-8; a
// presized or cleared writer writes what a fresh one does.
#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "codec/reader.h"
#include "codec/writer.h"

namespace covalue::codec {
namespace {

Bytes B(std::initializer_list<uint8_t> bytes) {
  return Bytes(bytes);
}

Bytes Concat(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

TEST_CASE("Writer lays out integers little-endian with fixed widths", "[codec]") {
  Writer w;
  w.U8(0xAB);
  w.U16(0x0102);
  w.U32(0x01020304);
  w.U64(0x0102030405060708ull);
  w.I64(-2);
  w.Bool(true);
  w.Bool(false);
  CHECK(w.bytes() == B({0xAB,                                            // u8
                        0x02, 0x01,                                      // u16
                        0x04, 0x03, 0x02, 0x01,                          // u32
                        0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01,  // u64
                        0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,  // i64 -2
                        0x01, 0x00}));                                   // bools
  CHECK(w.size() == 25);
}

TEST_CASE("Writer prefixes bytes, strings and counts with a u32 length", "[codec]") {
  Writer w;
  w.Bytes(B({0xAA, 0xBB}));
  w.String("hi");
  w.String("");
  w.Count(258);
  Hash32 h{};
  for (size_t i = 0; i < h.size(); ++i) h[i] = static_cast<uint8_t>(i);
  w.Hash(h);
  w.Raw(B({0x77}));
  Bytes expected = B({0x02, 0x00, 0x00, 0x00, 0xAA, 0xBB,  //
                      0x02, 0x00, 0x00, 0x00, 'h',  'i',   //
                      0x00, 0x00, 0x00, 0x00,              //
                      0x02, 0x01, 0x00, 0x00});
  expected.insert(expected.end(), h.begin(), h.end());  // a hash has no prefix
  expected.push_back(0x77);
  CHECK(w.bytes() == expected);
}

TEST_CASE("A presized writer and a cleared one write what a fresh writer writes", "[codec]") {
  Writer fresh;
  fresh.String("abc");
  fresh.U32(7);
  Writer presized(3);  // too small on purpose: it grows past its first allocation
  presized.String("abc");
  presized.U32(7);
  CHECK(presized.bytes() == fresh.bytes());
  Writer reused;
  reused.String("a much longer first item than the second");
  reused.Clear();
  CHECK(reused.size() == 0);
  reused.String("abc");
  reused.U32(7);
  CHECK(reused.bytes() == fresh.bytes());
}

TEST_CASE("Reader decodes literal little-endian bytes", "[codec]") {
  Bytes in = B({0x02, 0x01, 0x04, 0x03, 0x02, 0x01, 0x08, 0x07, 0x06, 0x05, 0x04,
                0x03, 0x02, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80});
  Reader r(in);
  uint16_t a = 0;
  uint32_t b = 0;
  uint64_t c = 0;
  int64_t d = 0;
  REQUIRE(r.U16(&a).ok());
  REQUIRE(r.U32(&b).ok());
  REQUIRE(r.U64(&c).ok());
  REQUIRE(r.I64(&d).ok());
  CHECK(a == 0x0102);
  CHECK(b == 0x01020304u);
  CHECK(c == 0x0102030405060708ull);
  CHECK(d == std::numeric_limits<int64_t>::min());
  CHECK(r.Finish().ok());
}

TEST_CASE("Every primitive round-trips, including the extremes", "[codec]") {
  Writer w;
  for (uint8_t v : {uint8_t{0}, uint8_t{1}, uint8_t{0xFF}}) w.U8(v);
  for (uint16_t v : {uint16_t{0}, uint16_t{0x8000}, uint16_t{0xFFFF}}) w.U16(v);
  for (uint32_t v : {0u, 0x80000000u, 0xFFFFFFFFu}) w.U32(v);
  for (uint64_t v : {uint64_t{0}, uint64_t{1} << 63, ~uint64_t{0}}) w.U64(v);
  for (int64_t v : {int64_t{0}, int64_t{-1}, std::numeric_limits<int64_t>::min(),
                    std::numeric_limits<int64_t>::max()}) {
    w.I64(v);
  }
  w.Bool(true);
  w.Bool(false);
  Hash32 h;
  h.fill(0x5A);
  w.Hash(h);
  w.Raw(B({1, 2, 3}));
  w.Bytes(B({}));
  w.Bytes(B({0, 0xFF}));
  w.String("");
  w.String("caf\xC3\xA9 \xF0\x9D\x84\x9E");
  w.Count(0);
  w.Count(3);

  Reader r(w.bytes());
  for (uint8_t v : {uint8_t{0}, uint8_t{1}, uint8_t{0xFF}}) {
    uint8_t got = 7;
    REQUIRE(r.U8(&got).ok());
    CHECK(got == v);
  }
  for (uint16_t v : {uint16_t{0}, uint16_t{0x8000}, uint16_t{0xFFFF}}) {
    uint16_t got = 7;
    REQUIRE(r.U16(&got).ok());
    CHECK(got == v);
  }
  for (uint32_t v : {0u, 0x80000000u, 0xFFFFFFFFu}) {
    uint32_t got = 7;
    REQUIRE(r.U32(&got).ok());
    CHECK(got == v);
  }
  for (uint64_t v : {uint64_t{0}, uint64_t{1} << 63, ~uint64_t{0}}) {
    uint64_t got = 7;
    REQUIRE(r.U64(&got).ok());
    CHECK(got == v);
  }
  for (int64_t v : {int64_t{0}, int64_t{-1}, std::numeric_limits<int64_t>::min(),
                    std::numeric_limits<int64_t>::max()}) {
    int64_t got = 7;
    REQUIRE(r.I64(&got).ok());
    CHECK(got == v);
  }
  bool t = false, f = true;
  REQUIRE(r.Bool(&t).ok());
  REQUIRE(r.Bool(&f).ok());
  CHECK(t);
  CHECK_FALSE(f);
  Hash32 got_hash{};
  REQUIRE(r.Hash(&got_hash).ok());
  CHECK(got_hash == h);
  std::array<uint8_t, 3> raw{};
  REQUIRE(r.Raw(raw).ok());
  CHECK(raw == std::array<uint8_t, 3>{1, 2, 3});
  Bytes bytes = B({9});
  REQUIRE(r.Bytes(&bytes).ok());
  CHECK(bytes.empty());
  REQUIRE(r.Bytes(&bytes).ok());
  CHECK(bytes == B({0, 0xFF}));
  std::string s = "x";
  REQUIRE(r.String(&s).ok());
  CHECK(s.empty());
  REQUIRE(r.String(&s).ok());
  CHECK(s == "caf\xC3\xA9 \xF0\x9D\x84\x9E");
  uint32_t count = 9;
  REQUIRE(r.Count(&count).ok());
  CHECK(count == 0);
  // The last count (3) has no elements behind it: with the default element size of one
  // byte it is refused.
  CHECK(r.Count(&count).code() == Code::kMalformed);
  CHECK(r.remaining() == 0);
}

TEST_CASE("Bool accepts only 0 and 1", "[codec]") {
  for (uint8_t v : {uint8_t{2}, uint8_t{0x7F}, uint8_t{0x80}, uint8_t{0xFF}}) {
    Bytes in = B({v});
    Reader r(in);
    bool out = false;
    CHECK(r.Bool(&out).code() == Code::kMalformed);
  }
}

// A record using every kind of field. Decode() reads it back with the same grammar.
Bytes SampleRecord() {
  Writer w;
  w.U8(7);
  w.U16(0x1234);
  w.U32(0xDEADBEEF);
  w.U64(42);
  w.I64(-42);
  w.Bool(true);
  Hash32 h;
  h.fill(0x11);
  w.Hash(h);
  w.Bytes(B({1, 2, 3, 4, 5}));
  w.String("na\xC3\xAFve");
  w.Count(2);
  w.U32(100);
  w.U32(200);
  return std::move(w).Take();
}

Status Decode(ByteView in) {
  Reader r(in);
  uint8_t a;
  uint16_t b;
  uint32_t c;
  uint64_t d;
  int64_t e;
  bool f;
  Hash32 h;
  Bytes bytes;
  std::string s;
  uint32_t count = 0;
  COVALUE_RETURN_IF_ERROR(r.U8(&a));
  COVALUE_RETURN_IF_ERROR(r.U16(&b));
  COVALUE_RETURN_IF_ERROR(r.U32(&c));
  COVALUE_RETURN_IF_ERROR(r.U64(&d));
  COVALUE_RETURN_IF_ERROR(r.I64(&e));
  COVALUE_RETURN_IF_ERROR(r.Bool(&f));
  COVALUE_RETURN_IF_ERROR(r.Hash(&h));
  COVALUE_RETURN_IF_ERROR(r.Bytes(&bytes, 16));
  COVALUE_RETURN_IF_ERROR(r.String(&s, 16));
  COVALUE_RETURN_IF_ERROR(r.Count(&count, 4, 4));
  for (uint32_t i = 0; i < count; ++i) COVALUE_RETURN_IF_ERROR(r.U32(&c));
  return r.Finish();
}

TEST_CASE("Truncation at every cut point is kMalformed", "[codec]") {
  Bytes full = SampleRecord();
  REQUIRE(Decode(full).ok());
  for (size_t cut = 0; cut < full.size(); ++cut) {
    INFO("cut at " << cut << " of " << full.size());
    CHECK(Decode(ByteView(full).first(cut)).code() == Code::kMalformed);
  }
}

TEST_CASE("Trailing bytes are refused", "[codec]") {
  Bytes full = SampleRecord();
  CHECK(Decode(Concat(full, B({0x00}))).code() == Code::kTrailingBytes);
  Bytes in = B({1, 0, 0});
  Reader r(in);
  uint16_t v = 0;
  REQUIRE(r.U16(&v).ok());
  CHECK(r.Finish().code() == Code::kTrailingBytes);
  CHECK(Reader(ByteView()).Finish().ok());
}

TEST_CASE("A length over its limit is kTooLarge, even if the bytes are there", "[codec]") {
  Writer w;
  w.Bytes(Bytes(17, 0xAB));
  Reader r(w.bytes());
  Bytes out;
  CHECK(r.Bytes(&out, 16).code() == Code::kTooLarge);
  CHECK(out.empty());

  Reader exact(w.bytes());
  CHECK(exact.Bytes(&out, 17).ok());
  CHECK(out.size() == 17);

  Writer ws;
  ws.String(std::string(kMaxStringLength + 1, 'a'));
  std::string s;
  Reader rs(ws.bytes());
  CHECK(rs.String(&s).code() == Code::kTooLarge);
  Writer ok_string;
  ok_string.String(std::string(kMaxStringLength, 'a'));
  Reader ro(ok_string.bytes());
  CHECK(ro.String(&s).ok());
  CHECK(s.size() == kMaxStringLength);

  // A forged prefix far beyond the default byte limit, with nothing behind it.
  Bytes forged = B({0xF0, 0xFF, 0xFF, 0xFF});
  Reader rf(forged);
  CHECK(rf.Bytes(&out).code() == Code::kTooLarge);
  Reader rf2(forged);
  CHECK(rf2.String(&s).code() == Code::kTooLarge);
}

TEST_CASE("A length within its limit but beyond the input is kMalformed", "[codec]") {
  Bytes in = B({0x05, 0x00, 0x00, 0x00, 'a', 'b', 'c', 'd'});
  Bytes out;
  std::string s;
  Reader r(in);
  CHECK(r.Bytes(&out).code() == Code::kMalformed);
  Reader rs(in);
  CHECK(rs.String(&s).code() == Code::kMalformed);
  Bytes huge = B({0xF0, 0xFF, 0xFF, 0xFF, 1, 2});
  Reader rh(huge);
  CHECK(rh.Bytes(&out, std::numeric_limits<uint32_t>::max()).code() == Code::kMalformed);
}

TEST_CASE("A count over its limit is kTooLarge", "[codec]") {
  Writer w;
  w.Count(kMaxCount + 1);
  w.Raw(Bytes(kMaxCount + 1, 0));
  uint32_t count = 0;
  Reader r(w.bytes());
  CHECK(r.Count(&count).code() == Code::kTooLarge);

  Writer small;
  small.Count(9);
  small.Raw(Bytes(9, 0));
  Reader r8(small.bytes());
  CHECK(r8.Count(&count, 8).code() == Code::kTooLarge);
  Reader r9(small.bytes());
  CHECK(r9.Count(&count, 9).ok());
  CHECK(count == 9);
}

TEST_CASE("A count whose elements cannot fit in the rest of the input is refused", "[codec]") {
  Writer w;
  w.Count(10);
  w.Raw(Bytes(79, 0));  // ten 8-byte elements need 80
  uint32_t count = 0;
  Reader r(w.bytes());
  Status s = r.Count(&count, 100, 8);
  CHECK_FALSE(s.ok());
  CHECK(s.code() == Code::kMalformed);

  w.U8(0);  // now exactly 80
  Reader fits(w.bytes());
  CHECK(fits.Count(&count, 100, 8).ok());
  CHECK(count == 10);

  Bytes forged = B({0xFF, 0xFF, 0x00, 0x00, 1, 2, 3});  // 65535 elements, 3 bytes left
  Reader rf(forged);
  CHECK(rf.Count(&count).code() == Code::kMalformed);
}

Status ReadString(std::string_view content) {
  Writer w;
  w.String(content);
  Reader r(w.bytes());
  std::string out;
  COVALUE_RETURN_IF_ERROR(r.String(&out));
  if (out != content) return Status(Code::kInternal, "string changed in the round trip");
  return r.Finish();
}

TEST_CASE("Invalid UTF-8 is refused", "[codec][utf8]") {
  const std::vector<std::pair<std::string, std::string>> invalid = {
      {"overlong NUL (C0 80)", "\xC0\x80"},
      {"overlong '/' (C1 AF)", "a\xC1\xAF"},
      {"overlong 3-byte (E0 80 AF)", "\xE0\x80\xAF"},
      {"overlong 3-byte U+07FF (E0 9F BF)", "\xE0\x9F\xBF"},
      {"overlong 4-byte (F0 80 80 AF)", "\xF0\x80\x80\xAF"},
      {"overlong 4-byte U+FFFF (F0 8F BF BF)", "\xF0\x8F\xBF\xBF"},
      {"high surrogate U+D800", "\xED\xA0\x80"},
      {"low surrogate U+DFFF", "x\xED\xBF\xBFx"},
      {"surrogate pair encoded as two sequences", "\xED\xA0\xBD\xED\xB2\xA9"},
      {"truncated 2-byte at end", "ab\xC3"},
      {"truncated 3-byte at end", "\xE2\x82"},
      {"truncated 4-byte at end", "\xF0\x9D\x84"},
      {"truncated 3-byte before ASCII", "\xE2\x82\x41"},
      {"truncated 2-byte before a lead byte", "\xC3\xC3\xA9"},
      {"U+110000 (F4 90 80 80)", "\xF4\x90\x80\x80"},
      {"F5 lead byte", "\xF5\x80\x80\x80"},
      {"F7 BF BF BF", "\xF7\xBF\xBF\xBF"},
      {"5-byte lead F8", "\xF8\x88\x80\x80\x80"},
      {"FE", "\xFE"},
      {"FF", "\xFF"},
      {"stray continuation byte", "\x80"},
      {"stray continuation byte inside ASCII", "a\xBF\x62"},
      {"continuation after a complete sequence", "\xC3\xA9\xA9"},
  };
  for (const auto& [name, s] : invalid) {
    INFO(name);
    CHECK_FALSE(IsValidUtf8(s));
    CHECK(ReadString(s).code() == Code::kMalformed);
  }
}

TEST_CASE("Valid multi-byte UTF-8 is accepted", "[codec][utf8]") {
  const std::vector<std::pair<std::string, std::string>> valid = {
      {"empty", ""},
      {"ASCII with NUL", std::string("a\0b", 3)},
      {"U+0080 (smallest 2-byte)", "\xC2\x80"},
      {"U+00E9", "caf\xC3\xA9"},
      {"U+07FF (largest 2-byte)", "\xDF\xBF"},
      {"U+0800 (smallest 3-byte)", "\xE0\xA0\x80"},
      {"U+20AC euro", "\xE2\x82\xAC"},
      {"U+D7FF (below surrogates)", "\xED\x9F\xBF"},
      {"U+E000 (above surrogates)", "\xEE\x80\x80"},
      {"U+FFFF", "\xEF\xBF\xBF"},
      {"U+10000 (smallest 4-byte)", "\xF0\x90\x80\x80"},
      {"U+1D11E", "\xF0\x9D\x84\x9E"},
      {"U+10FFFF (largest)", "\xF4\x8F\xBF\xBF"},
      {"mixed", "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80z"},
  };
  for (const auto& [name, s] : valid) {
    INFO(name);
    CHECK(IsValidUtf8(s));
    CHECK(ReadString(s).ok());
  }
}

}  // namespace
}  // namespace covalue::codec
