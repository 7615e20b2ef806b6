#include "node/fields_json.h"

#include <cmath>

#include "common/civil_time.h"

namespace covalue::node {

std::string_view FieldTypeName(FieldType type) {
  switch (type) {
    case FieldType::kId: return "id";
    case FieldType::kOptId: return "opt-id";
    case FieldType::kText: return "text";
    case FieldType::kU8: return "u8";
    case FieldType::kU32: return "u32";
    case FieldType::kU64: return "u64";
    case FieldType::kTime: return "time";
    case FieldType::kBool: return "bool";
    case FieldType::kAmount: return "amount";
    case FieldType::kHash: return "hash";
    case FieldType::kKey: return "key";
    case FieldType::kSig: return "sig";
    case FieldType::kEnum: return "enum";
    case FieldType::kPeriod: return "period";
    case FieldType::kIdList: return "id-list";
    case FieldType::kKeyList: return "key-list";
    case FieldType::kList: return "json";
    case FieldType::kStruct: return "json";
  }
  return "unknown";
}

bool IsRequiredField(FieldType type) {
  switch (type) {
    case FieldType::kOptId:
    case FieldType::kText:
    case FieldType::kBool:
    case FieldType::kU8:
    case FieldType::kU32:
    case FieldType::kIdList:
    case FieldType::kKeyList:
    case FieldType::kList:
      return false;
    default:
      return true;
  }
}

namespace fields_json_internal {
namespace {

Status Rule(std::string message) { return Status(Code::kInvalidArgument, std::move(message)); }

}  // namespace

Status ReadString(const Json& json, std::string* out) {
  if (!json.is_string()) return Rule("must be a string");
  *out = json.get<std::string>();
  return Status::Ok();
}

Status ReadUnsigned(const Json& json, uint64_t max, uint64_t* out) {
  std::string at_most = "must be at most " + std::to_string(max);
  if (json.is_number_unsigned()) {
    *out = json.get<uint64_t>();
  } else if (json.is_number_integer()) {  // JSON built in code may hold a signed value
    int64_t value = json.get<int64_t>();
    if (value < 0) return Rule("must not be negative");
    *out = static_cast<uint64_t>(value);
  } else if (json.is_number_float()) {  // nlohmann parses 1.5, 2.0, -0.0 and 1e30 as floats
    double value = json.get<double>();
    if (std::signbit(value)) return Rule("must not be negative");
    if (value != std::floor(value)) return Rule("must be a whole number");
    if (value > static_cast<double>(max)) return Rule(at_most);
    return Rule("must be an unsigned integer (without a decimal point or exponent)");
  } else {
    return Rule("must be an unsigned integer");
  }
  if (*out > max) return Rule(at_most);
  return Status::Ok();
}

Status ReadTime(const Json& json, int64_t* out) {
  if (json.is_string()) {
    auto time = ParseUtcTime(json.get<std::string>());
    if (!time.ok()) return time.status();
    *out = *time;
    return Status::Ok();
  }
  if (json.is_number_unsigned()) {
    if (json.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return Rule("must be at most " + std::to_string(std::numeric_limits<int64_t>::max()));
    }
    *out = static_cast<int64_t>(json.get<uint64_t>());
    return Status::Ok();
  }
  if (json.is_number_integer()) {
    *out = json.get<int64_t>();
    return Status::Ok();
  }
  return Rule("must be a time: an integer (ms since 1970) or UTC text YYYY-MM-DD[THH:MM:SSZ]");
}

Status ReadBool(const Json& json, bool* out) {
  if (!json.is_boolean()) return Rule("must be true or false");
  *out = json.get<bool>();
  return Status::Ok();
}

Status ReadHex(const Json& json, std::span<uint8_t> out) {
  std::string rule = "must be " + std::to_string(out.size() * 2) + " hex characters";
  if (!json.is_string()) return Rule(rule);
  auto bytes = FromHex(json.get<std::string>());
  if (!bytes.ok() || bytes->size() != out.size()) return Rule(rule);
  std::copy(bytes->begin(), bytes->end(), out.begin());
  return Status::Ok();
}

Status ReadPeriod(const Json& json, contracts::Period* out) {
  if (!json.is_string()) return Rule("must be a period: YYYY-MM or YYYY-Qn");
  auto period = contracts::ParsePeriod(json.get<std::string>());
  if (!period.ok()) return period.status();
  *out = *period;
  return Status::Ok();
}

std::string JoinNames(const std::vector<std::string>& names, std::string_view separator) {
  std::string out;
  for (const auto& name : names) {
    if (!out.empty()) out += separator;
    out += name;
  }
  return out;
}

Status FromJsonVisitor::PathError(const std::string& path, const Status& rule) {
  if (path.empty()) return rule;
  return Status(rule.code(), path + ": " + rule.message());
}

const Json* FromJsonVisitor::Find(std::string_view name, FieldType type) {
  m_seen.emplace(name);
  if (!m_status.ok()) return nullptr;
  auto it = m_object.find(name);
  if (it != m_object.end()) return &*it;
  if (IsRequiredField(type)) At(m_prefix + std::string(name), Rule("is required"));
  return nullptr;
}

Status FromJsonVisitor::Finish() const {
  for (auto it = m_object.begin(); it != m_object.end(); ++it) {
    if (m_seen.count(it.key()) != 0) continue;
    std::vector<std::string> known(m_seen.begin(), m_seen.end());
    return PathError(m_prefix + it.key(),
                     Rule("unknown field (known here: " + JoinNames(known, ", ") + ")"));
  }
  return m_status;
}

}  // namespace fields_json_internal
}  // namespace covalue::node
