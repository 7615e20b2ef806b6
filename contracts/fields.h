// Field lists: every transaction body and state record lists its fields once, in order,
//   struct GrantRevokeBody {
//     std::string grant_id;
//     std::string reason;
//     template <class V> void Fields(V& v) {
//       v.Id("grant_id", grant_id);
//       v.Text("reason", reason, 256);
//     }
//   };
// and visitors walk that list: FieldEncoder/FieldDecoder here (the canonical binary
// encoding, docs/spec/encoding.md), the JSON and CLI visitors in node/. So a body's bytes,
// its JSON and its CLI flags cannot drift apart, and the decoder applies the same checks to
// every field of a type (ids valid, amounts in range, enums known, lists without
// duplicates) before any contract sees the value.
//
// Field types (wire form, JSON form):
//   Id       string, a valid identifier (ledger/identifiers.h)          "telemetry"
//   OptId    string, empty or a valid identifier                         "" / "g1"
//   Text     string (UTF-8) of at most `max` bytes                       "…"
//   U8/U32/U64/I64, Bool                                                 numbers, true/false
//   Amount   u64 in minor units, at most kMaxAmount                      12345
//   Hash     32 bytes                                                    64 hex
//   Key      32-byte Ed25519 public key                                  64 hex
//   Sig      64-byte Ed25519 signature                                   128 hex
//   Enum     u8, a value EnumNames<E> lists                              "quarter"
//   Period   u8 length ‖ u32 index (contracts/period.h)                  "2026-Q1"
//   IdList   u32 count ‖ ids; at most `max`, none twice                  ["a","b"]
//   KeyList  u32 count ‖ keys; at most `max`, none twice                 ["<hex>", …]
//   List<T>  u32 count ‖ T's fields each; at most `max`                  [{…}, …]
//   Struct<T> T's fields                                                 {…}
//
// Pure templates; thread-safe.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "codec/reader.h"
#include "codec/writer.h"
#include "contracts/enum_names.h"
#include "contracts/period.h"
#include "contracts/state.h"
#include "crypto/keys.h"
#include "ledger/identifiers.h"

namespace covalue::contracts {

// 10^15 minor units (10 trillion in a currency with cents): every amount's bound, so that
// sums and 128-bit products in settlement cannot overflow (docs/spec/contracts.md).
inline constexpr uint64_t kMaxAmount = 1'000'000'000'000'000ULL;

// Writes the canonical encoding of each field.
class FieldEncoder {
 public:
  explicit FieldEncoder(codec::Writer& w) : m_w(w) {}

  void Id(std::string_view, const std::string& v) { m_w.String(v); }
  void OptId(std::string_view, const std::string& v) { m_w.String(v); }
  void Text(std::string_view, const std::string& v, uint32_t) { m_w.String(v); }
  void U8(std::string_view, const uint8_t& v) { m_w.U8(v); }
  void U32(std::string_view, const uint32_t& v) { m_w.U32(v); }
  void U64(std::string_view, const uint64_t& v) { m_w.U64(v); }
  void I64(std::string_view, const int64_t& v) { m_w.I64(v); }
  void Bool(std::string_view, const bool& v) { m_w.Bool(v); }
  void Amount(std::string_view, const uint64_t& v) { m_w.U64(v); }
  void Hash(std::string_view, const Hash32& v) { m_w.Hash(v); }
  void Key(std::string_view, const crypto::PublicKey& v) { m_w.Raw(v); }
  void Sig(std::string_view, const crypto::Signature& v) { m_w.Raw(v); }
  template <class E>
  void Enum(std::string_view, const E& v) { m_w.U8(static_cast<uint8_t>(v)); }
  void PeriodField(std::string_view, const Period& v) {
    m_w.U8(static_cast<uint8_t>(v.length));
    m_w.U32(v.index);
  }
  void IdList(std::string_view, const std::vector<std::string>& v, uint32_t) {
    m_w.Count(v.size());
    for (const auto& id : v) m_w.String(id);
  }
  void KeyList(std::string_view, const std::vector<crypto::PublicKey>& v, uint32_t) {
    m_w.Count(v.size());
    for (const auto& key : v) m_w.Raw(key);
  }
  template <class T>
  void List(std::string_view, const std::vector<T>& v, uint32_t) {
    m_w.Count(v.size());
    for (const auto& element : v) Struct("", element);
  }
  // Fields() is non-const so that one list serves every visitor; this one only reads.
  template <class T>
  void Struct(std::string_view, const T& v) { const_cast<T&>(v).Fields(*this); }

 private:
  codec::Writer& m_w;
};

// Reads each field from untrusted bytes, checking it; stops at the first failure, which
// status() reports with the field's name ("grant_id: …").
class FieldDecoder {
 public:
  explicit FieldDecoder(codec::Reader& r) : m_r(r) {}
  const Status& status() const { return m_status; }

  void Id(std::string_view name, std::string& v) {
    Read(name, m_r.String(&v, ledger::kMaxIdLength));
    if (m_status.ok() && !ledger::IsValidId(v)) Fail(name, Code::kInvalidArgument, "not a valid id");
  }
  void OptId(std::string_view name, std::string& v) {
    Read(name, m_r.String(&v, ledger::kMaxIdLength));
    if (m_status.ok() && !v.empty() && !ledger::IsValidId(v)) {
      Fail(name, Code::kInvalidArgument, "not a valid id");
    }
  }
  void Text(std::string_view name, std::string& v, uint32_t max) { Read(name, m_r.String(&v, max)); }
  void U8(std::string_view name, uint8_t& v) { Read(name, m_r.U8(&v)); }
  void U32(std::string_view name, uint32_t& v) { Read(name, m_r.U32(&v)); }
  void U64(std::string_view name, uint64_t& v) { Read(name, m_r.U64(&v)); }
  void I64(std::string_view name, int64_t& v) { Read(name, m_r.I64(&v)); }
  void Bool(std::string_view name, bool& v) { Read(name, m_r.Bool(&v)); }
  void Amount(std::string_view name, uint64_t& v) {
    Read(name, m_r.U64(&v));
    if (m_status.ok() && v > kMaxAmount) Fail(name, Code::kInvalidArgument, "over 10^15 minor units");
  }
  void Hash(std::string_view name, Hash32& v) { Read(name, m_r.Hash(&v)); }
  void Key(std::string_view name, crypto::PublicKey& v) { Read(name, m_r.Raw(v)); }
  void Sig(std::string_view name, crypto::Signature& v) { Read(name, m_r.Raw(v)); }
  template <class E>
  void Enum(std::string_view name, E& v) {
    uint8_t wire = 0;
    Read(name, m_r.U8(&wire));
    if (!m_status.ok()) return;
    auto value = EnumFromWire<E>(wire);
    if (!value) return Fail(name, Code::kUnknownEnum, "unknown value " + std::to_string(wire));
    v = *value;
  }
  void PeriodField(std::string_view name, Period& v) {
    uint8_t length = 0;
    Read(name, m_r.U8(&length));
    Read(name, m_r.U32(&v.index));
    if (!m_status.ok()) return;
    v.length = static_cast<PeriodLength>(length);
    if (!IsValidPeriod(v)) Fail(name, Code::kInvalidArgument, "not a valid period");
  }
  void IdList(std::string_view name, std::vector<std::string>& v, uint32_t max) {
    uint32_t count = 0;
    Read(name, m_r.Count(&count, max, 4));
    if (!m_status.ok()) return;
    v.resize(count);
    std::set<std::string_view> seen;
    for (auto& id : v) {
      Id(name, id);
      if (!m_status.ok()) return;
      if (!seen.insert(id).second) return Fail(name, Code::kInvalidArgument, "'" + id + "' listed twice");
    }
  }
  void KeyList(std::string_view name, std::vector<crypto::PublicKey>& v, uint32_t max) {
    uint32_t count = 0;
    Read(name, m_r.Count(&count, max, 32));
    if (!m_status.ok()) return;
    v.resize(count);
    std::set<crypto::PublicKey> seen;
    for (auto& key : v) {
      Key(name, key);
      if (!m_status.ok()) return;
      if (!seen.insert(key).second) return Fail(name, Code::kInvalidArgument, "a key listed twice");
    }
  }
  template <class T>
  void List(std::string_view name, std::vector<T>& v, uint32_t max) {
    uint32_t count = 0;
    Read(name, m_r.Count(&count, max, 1));
    if (!m_status.ok()) return;
    v.resize(count);
    for (auto& element : v) {
      Struct(name, element);
      if (!m_status.ok()) return;
    }
  }
  template <class T>
  void Struct(std::string_view, T& v) {
    if (m_status.ok()) v.Fields(*this);
  }

 private:
  void Read(std::string_view name, Status status) {
    if (m_status.ok() && !status.ok()) m_status = Status(status.code(), std::string(name) + ": " + status.message());
  }
  void Fail(std::string_view name, Code code, std::string message) {
    if (m_status.ok()) m_status = Status(code, std::string(name) + ": " + std::move(message));
  }

  codec::Reader& m_r;
  Status m_status;
};

template <class T>
void EncodeFields(codec::Writer& w, const T& value) {
  FieldEncoder encoder(w);
  encoder.Struct("", value);
}

template <class T>
Bytes EncodeFields(const T& value) {
  codec::Writer w;
  EncodeFields(w, value);
  return std::move(w).Take();
}

// A whole buffer holding exactly one T.
template <class T>
Result<T> DecodeFields(ByteView bytes) {
  codec::Reader r(bytes);
  T value{};
  FieldDecoder decoder(r);
  decoder.Struct("", value);
  COVALUE_RETURN_IF_ERROR(decoder.status());
  COVALUE_RETURN_IF_ERROR(r.Finish());
  return value;
}

// A transaction body as `T`: its decoding failure, the message prefixed "body: " (the code
// kept), is the transaction's rejection.
template <class T>
Result<T> DecodeTxBody(ByteView body) {
  auto decoded = DecodeFields<T>(body);
  if (!decoded.ok()) return Status(decoded.status().code(), "body: " + decoded.status().message());
  return decoded;
}

// State records: u16 T::kRecordVersion ‖ T's fields. A record that does not decode is
// corruption (only contracts write state).
template <class T>
Bytes EncodeRecord(const T& record) {
  codec::Writer w;
  w.U16(T::kRecordVersion);
  EncodeFields(w, record);
  return std::move(w).Take();
}

template <class T>
Result<T> DecodeRecord(ByteView bytes) {
  codec::Reader r(bytes);
  uint16_t version = 0;
  Status read = r.U16(&version);
  if (!read.ok() || version != T::kRecordVersion) {
    return Status(Code::kCorruption, "record version unknown");
  }
  T value{};
  FieldDecoder decoder(r);
  decoder.Struct("", value);
  if (!decoder.status().ok()) return Status(Code::kCorruption, "record: " + decoder.status().message());
  if (!r.Finish().ok()) return Status(Code::kCorruption, "record: trailing bytes");
  return value;
}

// The record at `key`, nullopt if absent; an error only for I/O or corruption.
template <class T>
Result<std::optional<T>> LoadRecord(const LedgerReader& state, std::string_view key) {
  COVALUE_ASSIGN_OR_RETURN(auto bytes, state.Get(key));
  if (!bytes) return std::optional<T>();
  COVALUE_ASSIGN_OR_RETURN(T value, DecodeRecord<T>(*bytes));
  return std::optional<T>(std::move(value));
}

template <class T>
void StoreRecord(StateOverlay& state, std::string_view key, const T& record) {
  state.Put(key, EncodeRecord(record));
}

}  // namespace covalue::contracts
