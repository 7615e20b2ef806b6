#include "node/json_fields.h"

#include <cstdio>
#include <fstream>
#include <sstream>

namespace covalue::node {
namespace {

Status FieldError(std::string_view name, std::string_view expected) {
  return Status(Code::kInvalidArgument,
                "field '" + std::string(name) + "' must be " + std::string(expected));
}

}  // namespace

Result<Json> ParseJson(std::string_view text, std::string_view what) {
  std::string duplicate;
  // The callback sees each key as it is parsed; a key already present in the object being
  // built is a duplicate. nlohmann keeps the last one silently, which we refuse.
  std::vector<std::vector<std::string>> keys_stack;
  auto callback = [&](int /*depth*/, Json::parse_event_t event, Json& parsed) {
    switch (event) {
      case Json::parse_event_t::object_start: keys_stack.emplace_back(); break;
      case Json::parse_event_t::object_end: keys_stack.pop_back(); break;
      case Json::parse_event_t::key: {
        auto& keys = keys_stack.back();
        const auto& key = parsed.get_ref<const std::string&>();
        for (const auto& k : keys) {
          if (k == key && duplicate.empty()) duplicate = key;
        }
        keys.push_back(key);
        break;
      }
      default: break;
    }
    return true;
  };
  Json value = Json::parse(text.begin(), text.end(), callback, /*allow_exceptions=*/false);
  if (value.is_discarded()) return Status(Code::kMalformed, std::string(what) + " is not valid JSON");
  if (!duplicate.empty()) {
    return Status(Code::kMalformed, std::string(what) + " has key '" + duplicate + "' twice");
  }
  return value;
}

Result<Json> ReadJsonFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status(Code::kNotFound, "cannot open " + path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return ParseJson(buffer.str(), path);
}

Status WriteJsonFile(const std::string& path, const Json& value) {
  std::string temp = path + ".tmp";
  {
    std::ofstream out(temp, std::ios::trunc);
    if (!out) return Status(Code::kIoError, "cannot write " + temp);
    out << value.dump(2) << "\n";
    if (!out.flush()) return Status(Code::kIoError, "cannot write " + temp);
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    return Status(Code::kIoError, "cannot rename " + temp + " to " + path);
  }
  return Status::Ok();
}

Result<std::string> StringField(const Json& object, std::string_view name) {
  auto it = object.find(name);
  if (it == object.end() || !it->is_string()) return FieldError(name, "a string");
  return it->get<std::string>();
}

Result<uint64_t> UintField(const Json& object, std::string_view name) {
  auto it = object.find(name);
  // Parsed JSON gives non-negative integers the unsigned type; JSON built in code may hold
  // them as signed.
  bool non_negative = it != object.end() && (it->is_number_unsigned() ||
                                             (it->is_number_integer() && it->get<int64_t>() >= 0));
  if (!non_negative) return FieldError(name, "a non-negative integer");
  return it->get<uint64_t>();
}

Result<Hash32> Hash32Field(const Json& object, std::string_view name) {
  COVALUE_ASSIGN_OR_RETURN(std::string hex, StringField(object, name));
  auto hash = Hash32FromHex(hex);
  if (!hash.ok()) return FieldError(name, "64 hex characters");
  return hash;
}

Result<std::string> StringField(const Json& object, std::string_view name, std::string fallback) {
  if (!object.contains(name)) return fallback;
  return StringField(object, name);
}

Result<uint64_t> UintField(const Json& object, std::string_view name, uint64_t fallback) {
  if (!object.contains(name)) return fallback;
  return UintField(object, name);
}

}  // namespace covalue::node
