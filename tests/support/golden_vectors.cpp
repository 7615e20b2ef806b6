#include "tests/support/golden_vectors.h"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "crypto/hash.h"

namespace covalue::testing {

using Json = nlohmann::ordered_json;

bool UpdateMode() {
  const char* flag = std::getenv("COVALUE_UPDATE_VECTORS");
  return flag != nullptr && std::string_view(flag) == "1";
}

std::string PathOf(const std::string& file) {
  return std::string(COVALUE_VECTORS_DIR) + "/" + file;
}

void CheckVectorFile(const VectorFile& expected) {
  const std::string path = PathOf(expected.file);
  if (UpdateMode()) {
    Json doc;
    doc["description"] = expected.description;
    doc["vectors"] = Json::array();
    for (const auto& v : expected.vectors) {
      doc["vectors"].push_back({{"name", v.name}, {"inputs", v.inputs}, {"hex", ToHex(v.bytes)}});
    }
    std::ofstream out(path, std::ios::trunc);
    REQUIRE(out.good());
    out << doc.dump(2) << "\n";
    REQUIRE(out.good());
    WARN("COVALUE_UPDATE_VECTORS=1: rewrote " << path);
    return;
  }
  std::ifstream in(path);
  INFO("vector file " << path << " (regenerate with COVALUE_UPDATE_VECTORS=1)");
  REQUIRE(in.good());
  Json doc = Json::parse(in);
  std::map<std::string, std::string> stored;
  for (const auto& v : doc.at("vectors")) {
    std::string name = v.at("name").get<std::string>();
    INFO("vector " << name);
    CHECK(stored.emplace(name, v.at("hex").get<std::string>()).second);  // names are unique
  }
  for (const auto& v : expected.vectors) {
    INFO("vector " << v.name << " (" << v.inputs << ")");
    auto it = stored.find(v.name);
    REQUIRE(it != stored.end());
    CHECK(it->second == ToHex(v.bytes));
  }
  CHECK(stored.size() == expected.vectors.size());  // no stale entries in the file
}

Bytes StoredBytes(const std::string& file, const std::string& name) {
  std::ifstream in(PathOf(file));
  REQUIRE(in.good());
  Json doc = Json::parse(in);
  for (const auto& v : doc.at("vectors")) {
    if (v.at("name") == name) return FromHex(v.at("hex").get<std::string>()).value();
  }
  FAIL("no vector " << name << " in " << file);
  return {};
}

Bytes ToBytes(ByteView v) {
  return Bytes(v.begin(), v.end());
}

Hash32 H(std::string_view label) {
  return crypto::Sha256(AsBytes(label));
}

}  // namespace covalue::testing
