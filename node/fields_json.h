// JSON for field lists (contracts/fields.h): three more visitors over the one list each body
// or record declares — FieldsToJson (struct → JSON), FieldsFromJson (JSON → struct, refusing
// anything the canonical decoder would, with the field's path in the message) and FieldSpecs
// (name, type and rules of each field, for CLI flags and help). JSON forms are those listed
// in contracts/fields.h; I64 fields are times in ms and also accept "2026-03-31" or
// "2026-03-31T12:00:00Z". For people only: nothing here is signed or hashed.
// Pure templates and functions; thread-safe.
#pragma once

#include <limits>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "contracts/fields.h"
#include "node/json_fields.h"

namespace covalue::node {

// Every field type, its short name ("id", "amount", "id-list", "json" for List and Struct)
// and whether FieldsFromJson requires it (the others default to "", false, 0 or empty).
enum class FieldType { kId, kOptId, kText, kU8, kU32, kU64, kTime, kBool, kAmount, kHash,
                       kKey, kSig, kEnum, kPeriod, kIdList, kKeyList, kList, kStruct };
std::string_view FieldTypeName(FieldType type);
bool IsRequiredField(FieldType type);

struct FieldSpec {
  std::string name;    // as in the field list: "valid_until"
  FieldType type = FieldType::kId;
  std::string detail;  // the rule or the choices: "at most 256 bytes", "fixed|mixed", "[{…}]"
};

template <class T>
Json FieldsToJson(const T& value);
// JSON → T, then through EncodeFields/DecodeFields<T> so that the decoder's checks apply.
// kInvalidArgument (or the decoder's code) with a message such as
// "formula.fixed_shares[1].bps: must be an unsigned integer".
template <class T>
Result<T> FieldsFromJson(const Json& json);
template <class T>
std::vector<FieldSpec> FieldSpecs();

namespace fields_json_internal {

// Each reads one JSON value into `out` or returns the rule it breaks (message without path).
Status ReadString(const Json& json, std::string* out);
Status ReadUnsigned(const Json& json, uint64_t max, uint64_t* out);
Status ReadTime(const Json& json, int64_t* out);
Status ReadBool(const Json& json, bool* out);
Status ReadHex(const Json& json, std::span<uint8_t> out);
Status ReadPeriod(const Json& json, contracts::Period* out);
std::string JoinNames(const std::vector<std::string>& names, std::string_view separator);

template <class E>
std::vector<std::string> EnumValueNames() {
  std::vector<std::string> names;
  for (const auto& [value, name] : contracts::EnumNames<E>::kValues) names.emplace_back(name);
  return names;
}

class ToJsonVisitor {
 public:
  Json& json() { return m_out; }

  void Id(std::string_view n, const std::string& v) { Set(n, v); }
  void OptId(std::string_view n, const std::string& v) { Set(n, v); }
  void Text(std::string_view n, const std::string& v, uint32_t) { Set(n, v); }
  void U8(std::string_view n, const uint8_t& v) { Set(n, v); }
  void U32(std::string_view n, const uint32_t& v) { Set(n, v); }
  void U64(std::string_view n, const uint64_t& v) { Set(n, v); }
  void I64(std::string_view n, const int64_t& v) { Set(n, v); }
  void Bool(std::string_view n, const bool& v) { Set(n, v); }
  void Amount(std::string_view n, const uint64_t& v) { Set(n, v); }
  void Hash(std::string_view n, const Hash32& v) { Set(n, ToHex(v)); }
  void Key(std::string_view n, const crypto::PublicKey& v) { Set(n, ToHex(v)); }
  void Sig(std::string_view n, const crypto::Signature& v) { Set(n, ToHex(v)); }
  template <class E>
  void Enum(std::string_view n, const E& v) { Set(n, std::string(contracts::EnumName(v))); }
  void PeriodField(std::string_view n, const contracts::Period& v) { Set(n, contracts::PeriodName(v)); }
  void IdList(std::string_view n, const std::vector<std::string>& v, uint32_t) { Set(n, v); }
  void KeyList(std::string_view n, const std::vector<crypto::PublicKey>& v, uint32_t) {
    Json keys = Json::array();
    for (const auto& key : v) keys.push_back(ToHex(key));
    Set(n, std::move(keys));
  }
  template <class T>
  void List(std::string_view n, const std::vector<T>& v, uint32_t) {
    Json elements = Json::array();
    for (const auto& element : v) elements.push_back(FieldsToJson(element));
    Set(n, std::move(elements));
  }
  template <class T>
  void Struct(std::string_view n, const T& v) { Set(n, FieldsToJson(v)); }

 private:
  void Set(std::string_view name, Json value) { m_out[std::string(name)] = std::move(value); }
  Json m_out = Json::object();
};

// Reads the fields of one JSON object; stops at the first error. `prefix` is the path of
// the object ("" at the top, "formula." or "fixed_shares[1]." below).
class FromJsonVisitor {
 public:
  FromJsonVisitor(const Json& object, std::string prefix)
      : m_object(object), m_prefix(std::move(prefix)) {}
  // The first error; an unknown key takes precedence (a misspelt key usually also leaves a
  // required one missing, and the misspelling is what the person needs to see).
  Status Finish() const;

  void Id(std::string_view n, std::string& v) {
    Leaf(n, FieldType::kId, v, ReadString, [&](auto& c, auto& x) { c.Id(n, x); });
  }
  void OptId(std::string_view n, std::string& v) {
    Leaf(n, FieldType::kOptId, v, ReadString, [&](auto& c, auto& x) { c.OptId(n, x); });
  }
  void Text(std::string_view n, std::string& v, uint32_t max) {
    Leaf(n, FieldType::kText, v, ReadString, [&](auto& c, auto& x) { c.Text(n, x, max); });
  }
  void U8(std::string_view n, uint8_t& v) { Unsigned(n, FieldType::kU8, v); }
  void U32(std::string_view n, uint32_t& v) { Unsigned(n, FieldType::kU32, v); }
  void U64(std::string_view n, uint64_t& v) { Unsigned(n, FieldType::kU64, v); }
  void Amount(std::string_view n, uint64_t& v) {
    Unsigned(n, FieldType::kAmount, v);
    Check(n, v, [&](auto& c, auto& x) { c.Amount(n, x); });
  }
  void I64(std::string_view n, int64_t& v) { Leaf(n, FieldType::kTime, v, ReadTime, nullptr); }
  void Bool(std::string_view n, bool& v) { Leaf(n, FieldType::kBool, v, ReadBool, nullptr); }
  void Hash(std::string_view n, Hash32& v) { Leaf(n, FieldType::kHash, v, ReadFixedHex<32>, nullptr); }
  void Key(std::string_view n, crypto::PublicKey& v) { Leaf(n, FieldType::kKey, v, ReadFixedHex<32>, nullptr); }
  void Sig(std::string_view n, crypto::Signature& v) { Leaf(n, FieldType::kSig, v, ReadFixedHex<64>, nullptr); }
  template <class E>
  void Enum(std::string_view n, E& v) {
    auto read = [](const Json& json, E* out) -> Status {
      std::string name;
      if (json.is_string()) name = json.get<std::string>();
      auto value = contracts::EnumFromName<E>(name);
      if (!json.is_string() || !value) {
        return Status(Code::kInvalidArgument,
                      "must be one of " + JoinNames(EnumValueNames<E>(), ", ") +
                          (json.is_string() ? ", not '" + name + "'" : ""));
      }
      *out = *value;
      return Status::Ok();
    };
    Leaf(n, FieldType::kEnum, v, read, nullptr);
  }
  void PeriodField(std::string_view n, contracts::Period& v) {
    Leaf(n, FieldType::kPeriod, v, ReadPeriod, nullptr);
  }
  void IdList(std::string_view n, std::vector<std::string>& v, uint32_t max) {
    Elements(n, FieldType::kIdList, v, [&](const Json& json, const std::string& path, std::string& id) {
      At(path, ReadString(json, &id));
      Check(path, id, [&](auto& c, auto& x) { c.Id(n, x); }, n);
    });
    Check(n, v, [&](auto& c, auto& x) { c.IdList(n, x, max); });
  }
  void KeyList(std::string_view n, std::vector<crypto::PublicKey>& v, uint32_t max) {
    Elements(n, FieldType::kKeyList, v, [&](const Json& json, const std::string& path, crypto::PublicKey& key) {
      At(path, ReadHex(json, key));
    });
    Check(n, v, [&](auto& c, auto& x) { c.KeyList(n, x, max); });
  }
  template <class T>
  void List(std::string_view n, std::vector<T>& v, uint32_t max) {
    Elements(n, FieldType::kList, v, [&](const Json& json, const std::string& path, T& element) {
      if (m_status.ok()) m_status = ReadObject(json, path, element);
    });
    Check(n, v, [&](auto& c, auto& x) { c.List(n, x, max); });
  }
  template <class T>
  void Struct(std::string_view n, T& v) {
    const Json* json = Find(n, FieldType::kStruct);
    if (json != nullptr) m_status = ReadObject(*json, m_prefix + std::string(n), v);
  }

  // The fields of `json` (which must be an object) into `value`; `path` names the object.
  template <class T>
  static Status ReadObject(const Json& json, const std::string& path, T& value) {
    if (!json.is_object()) return PathError(path, Status(Code::kInvalidArgument, "must be a JSON object"));
    FromJsonVisitor visitor(json, path.empty() ? "" : path + ".");
    value.Fields(visitor);
    return visitor.Finish();
  }

 private:
  static Status PathError(const std::string& path, const Status& rule);
  template <size_t N>
  static Status ReadFixedHex(const Json& json, std::array<uint8_t, N>* out) { return ReadHex(json, *out); }

  // The value of field `name`, or nullptr if it is absent (an error if `type` is
  // required) or an error was found before.
  const Json* Find(std::string_view name, FieldType type);
  void At(const std::string& path, const Status& rule) {
    if (m_status.ok() && !rule.ok()) m_status = PathError(path, rule);
  }

  template <class Value, class Read, class Visit>
  void Leaf(std::string_view name, FieldType type, Value& value, Read read, Visit visit) {
    const Json* json = Find(name, type);
    if (json == nullptr) return;
    At(m_prefix + std::string(name), read(*json, &value));
    if constexpr (!std::is_null_pointer_v<Visit>) Check(name, value, visit);
  }
  template <class Value>
  void Unsigned(std::string_view name, FieldType type, Value& value) {
    auto read = [](const Json& json, Value* out) {
      uint64_t wide = 0;
      Status status = ReadUnsigned(json, std::numeric_limits<Value>::max(), &wide);
      *out = static_cast<Value>(wide);
      return status;
    };
    Leaf(name, type, value, read, nullptr);
  }
  // A JSON array into `values`, one element at a time with its path ("purposes[2]").
  template <class Element, class ReadElement>
  void Elements(std::string_view name, FieldType type, std::vector<Element>& values, ReadElement read_element) {
    const Json* json = Find(name, type);
    if (json == nullptr) return;
    std::string path = m_prefix + std::string(name);
    if (!json->is_array()) return At(path, Status(Code::kInvalidArgument, "must be a JSON array"));
    values.resize(json->size());
    for (size_t i = 0; i < values.size() && m_status.ok(); ++i) {
      read_element((*json)[i], path + "[" + std::to_string(i) + "]", values[i]);
    }
  }
  // Runs the canonical encoder and decoder over one field, so that the decoder's rules
  // (valid ids, amount bound, lengths, duplicates) apply with this field's path.
  template <class Value, class Visit>
  void Check(std::string_view name, Value& value, Visit visit) {
    Check(m_prefix + std::string(name), value, visit, name);
  }
  template <class Value, class Visit>
  void Check(const std::string& path, Value& value, Visit visit, std::string_view decoder_name) {
    if (!m_status.ok()) return;
    codec::Writer w;
    contracts::FieldEncoder encoder(w);
    visit(encoder, value);
    Bytes bytes = std::move(w).Take();
    codec::Reader r(bytes);
    contracts::FieldDecoder decoder(r);
    Value copy{};
    visit(decoder, copy);
    if (decoder.status().ok()) return;
    // The decoder says "<name>: <rule>"; keep the rule, put the path in front.
    std::string message = decoder.status().message();
    std::string said = std::string(decoder_name) + ": ";
    if (message.rfind(said, 0) == 0) message = message.substr(said.size());
    m_status = PathError(path, Status(decoder.status().code(), message));
  }

  const Json& m_object;
  std::string m_prefix;
  std::set<std::string, std::less<>> m_seen;
  Status m_status;
};

class SpecVisitor {
 public:
  std::vector<FieldSpec>& specs() { return m_specs; }

  void Id(std::string_view n, const std::string&) { Add(n, FieldType::kId); }
  void OptId(std::string_view n, const std::string&) { Add(n, FieldType::kOptId, "may be empty"); }
  void Text(std::string_view n, const std::string&, uint32_t max) {
    Add(n, FieldType::kText, "at most " + std::to_string(max) + " bytes");
  }
  void U8(std::string_view n, const uint8_t&) { Add(n, FieldType::kU8); }
  void U32(std::string_view n, const uint32_t&) { Add(n, FieldType::kU32); }
  void U64(std::string_view n, const uint64_t&) { Add(n, FieldType::kU64); }
  void I64(std::string_view n, const int64_t&) {
    Add(n, FieldType::kTime, "ms since 1970, or YYYY-MM-DD[THH:MM:SSZ] (UTC)");
  }
  void Bool(std::string_view n, const bool&) { Add(n, FieldType::kBool); }
  void Amount(std::string_view n, const uint64_t&) { Add(n, FieldType::kAmount, "minor units, at most 10^15"); }
  void Hash(std::string_view n, const Hash32&) { Add(n, FieldType::kHash, "64 hex"); }
  void Key(std::string_view n, const crypto::PublicKey&) { Add(n, FieldType::kKey, "64 hex"); }
  void Sig(std::string_view n, const crypto::Signature&) { Add(n, FieldType::kSig, "128 hex"); }
  template <class E>
  void Enum(std::string_view n, const E&) { Add(n, FieldType::kEnum, JoinNames(EnumValueNames<E>(), "|")); }
  void PeriodField(std::string_view n, const contracts::Period&) { Add(n, FieldType::kPeriod, "YYYY-MM or YYYY-Qn"); }
  void IdList(std::string_view n, const std::vector<std::string>&, uint32_t max) {
    Add(n, FieldType::kIdList, "at most " + std::to_string(max));
  }
  void KeyList(std::string_view n, const std::vector<crypto::PublicKey>&, uint32_t max) {
    Add(n, FieldType::kKeyList, "at most " + std::to_string(max));
  }
  template <class T>
  void List(std::string_view n, const std::vector<T>&, uint32_t max) {
    Add(n, FieldType::kList, "[" + Shape<T>() + ", ...] at most " + std::to_string(max));
  }
  template <class T>
  void Struct(std::string_view n, const T&) { Add(n, FieldType::kStruct, Shape<T>()); }

 private:
  // "{member: id, bps: u32}"
  template <class T>
  static std::string Shape() {
    std::vector<std::string> parts;
    for (const auto& spec : FieldSpecs<T>()) {
      parts.push_back(spec.name + ": " + std::string(FieldTypeName(spec.type)));
    }
    return "{" + JoinNames(parts, ", ") + "}";
  }
  void Add(std::string_view name, FieldType type, std::string detail = "") {
    m_specs.push_back(FieldSpec{std::string(name), type, std::move(detail)});
  }
  std::vector<FieldSpec> m_specs;
};

}  // namespace fields_json_internal

template <class T>
Json FieldsToJson(const T& value) {
  fields_json_internal::ToJsonVisitor visitor;
  const_cast<T&>(value).Fields(visitor);  // Fields() is non-const; this visitor only reads
  return std::move(visitor.json());
}

template <class T>
Result<T> FieldsFromJson(const Json& json) {
  T value{};
  COVALUE_RETURN_IF_ERROR(fields_json_internal::FromJsonVisitor::ReadObject(json, "", value));
  return contracts::DecodeFields<T>(contracts::EncodeFields(value));
}

template <class T>
std::vector<FieldSpec> FieldSpecs() {
  fields_json_internal::SpecVisitor visitor;
  T value{};
  value.Fields(visitor);
  return std::move(visitor.specs());
}

}  // namespace covalue::node
