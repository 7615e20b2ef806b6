// Typed, error-reporting access to JSON objects read from files and requests, so that
// every bad field becomes a Status naming it (never an exception). Also parsing that
// refuses duplicate keys. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/bytes.h"
#include "common/status.h"

namespace covalue::node {

using Json = nlohmann::json;

// Parses `text`; refuses invalid JSON and objects with a key given twice (kMalformed).
Result<Json> ParseJson(std::string_view text, std::string_view what);
Result<Json> ReadJsonFile(const std::string& path);
// Writes `value` pretty-printed, replacing the file atomically (temp file + rename).
Status WriteJsonFile(const std::string& path, const Json& value);

Result<std::string> StringField(const Json& object, std::string_view name);
Result<uint64_t> UintField(const Json& object, std::string_view name);
Result<Hash32> Hash32Field(const Json& object, std::string_view name);
// Optional fields: `fallback` when absent, an error when present with the wrong type.
Result<std::string> StringField(const Json& object, std::string_view name, std::string fallback);
Result<uint64_t> UintField(const Json& object, std::string_view name, uint64_t fallback);

}  // namespace covalue::node
