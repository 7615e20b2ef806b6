// Key files: round trips (plain and encrypted), file modes, refusals, and damaged files.
// Encrypted files use kInteractive strength to stay fast.
#include "node/key_file.h"

#include <stdlib.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "tests/support/temp_dir.h"
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>

namespace covalue::node {
namespace {

using crypto::KeyPair;
using crypto::PwhashStrength;

using covalue::testing::TempDir;

mode_t FileMode(const std::string& path) {
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  return info.st_mode & 07777;
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Replaces the file's contents, keeping mode 0600.
void ReplaceText(const std::string& path, const std::string& text) {
  {
    std::ofstream out(path, std::ios::trunc);
    out << text;
  }
  REQUIRE(::chmod(path.c_str(), 0600) == 0);
}

KeyPair FixedKey() {
  Bytes seed(crypto::kSeedSize);
  for (size_t i = 0; i < seed.size(); ++i) seed[i] = static_cast<uint8_t>(i * 7 + 1);
  auto key = KeyPair::FromSeed(seed);
  REQUIRE(key.ok());
  return std::move(key).value();
}

void CheckSameKey(const KeyPair& a, const KeyPair& b) {
  CHECK(a.public_key() == b.public_key());
  const Bytes message = {'h', 'i'};
  CHECK(crypto::Verify(a.public_key(), message, b.Sign(message)));
}

}  // namespace

TEST_CASE("an unencrypted key file round-trips with mode 0600", "[key_file]") {
  TempDir dir;
  const std::string path = dir.Sub("validator.key");
  KeyPair key = KeyPair::Generate();
  REQUIRE(WriteKeyFile(path, key, std::nullopt).ok());
  CHECK(FileMode(path) == 0600);

  auto document = nlohmann::json::parse(ReadText(path));
  CHECK(document["type"] == "covalue-ed25519-key");
  CHECK(document["version"] == 1);
  CHECK(document["public_key"] == ToHex(key.public_key()));
  CHECK(document["seed"].get<std::string>().size() == 64);
  CHECK_FALSE(document.contains("encrypted"));

  auto read = ReadKeyFile(path, std::nullopt);
  REQUIRE(read.ok());
  CheckSameKey(key, read.value());

  // A passphrase given for a plain file is not needed and does no harm.
  auto with_passphrase = ReadKeyFile(path, std::string("unused"));
  REQUIRE(with_passphrase.ok());
  CheckSameKey(key, with_passphrase.value());

  auto public_key = ReadPublicKey(path);
  REQUIRE(public_key.ok());
  CHECK(public_key.value() == key.public_key());
}

TEST_CASE("an encrypted key file round-trips and needs its passphrase", "[key_file]") {
  TempDir dir;
  const std::string path = dir.Sub("member.key");
  KeyPair key = FixedKey();
  REQUIRE(WriteKeyFile(path, key, std::string("hunter2 but longer"), PwhashStrength::kInteractive)
              .ok());
  CHECK(FileMode(path) == 0600);

  const std::string text = ReadText(path);
  auto document = nlohmann::json::parse(text);
  CHECK_FALSE(document.contains("seed"));
  CHECK(document["encrypted"]["kdf"] == "argon2id13");
  std::array<uint8_t, crypto::kSeedSize> seed{};
  key.ExportSeed(&seed);
  CHECK(text.find(ToHex(seed)) == std::string::npos);  // the seed is not in the clear

  auto read = ReadKeyFile(path, std::string("hunter2 but longer"));
  REQUIRE(read.ok());
  CheckSameKey(key, read.value());

  auto public_key = ReadPublicKey(path);  // no passphrase needed
  REQUIRE(public_key.ok());
  CHECK(public_key.value() == key.public_key());

  SECTION("without a passphrase") {
    auto refused = ReadKeyFile(path, std::nullopt);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.status().code() == Code::kPermissionDenied);
    CHECK(refused.status().message().find("key file is encrypted: passphrase required") !=
          std::string::npos);
  }
  SECTION("with the wrong passphrase") {
    auto refused = ReadKeyFile(path, std::string("hunter3 but longer"));
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.status().code() == Code::kPermissionDenied);
    CHECK(refused.status().message().find("wrong passphrase or corrupted key file") !=
          std::string::npos);
  }
  SECTION("with absurd key derivation parameters") {
    document["encrypted"]["memlimit"] = uint64_t{1} << 42;
    ReplaceText(path, document.dump());
    auto refused = ReadKeyFile(path, std::string("hunter2 but longer"));
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.status().code() == Code::kInvalidArgument);
  }
  SECTION("with a tampered ciphertext") {
    std::string ciphertext = document["encrypted"]["ciphertext"];
    ciphertext[10] = ciphertext[10] == '0' ? '1' : '0';
    document["encrypted"]["ciphertext"] = ciphertext;
    ReplaceText(path, document.dump());
    auto refused = ReadKeyFile(path, std::string("hunter2 but longer"));
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.status().code() == Code::kPermissionDenied);
  }
}

TEST_CASE("a key file readable by others is refused", "[key_file]") {
  TempDir dir;
  const std::string path = dir.Sub("validator.key");
  REQUIRE(WriteKeyFile(path, FixedKey(), std::nullopt).ok());

  mode_t mode = GENERATE(mode_t{0644}, mode_t{0640}, mode_t{0604}, mode_t{0601}, mode_t{0660});
  REQUIRE(::chmod(path.c_str(), mode) == 0);
  auto refused = ReadKeyFile(path, std::nullopt);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == Code::kPermissionDenied);
  const std::string& message = refused.status().message();
  CHECK(message.find("chmod 600 " + path) != std::string::npos);
  char mode_text[8];
  std::snprintf(mode_text, sizeof(mode_text), "%04o", static_cast<unsigned>(mode));
  CHECK(message.find(mode_text) != std::string::npos);

  auto public_refused = ReadPublicKey(path);
  REQUIRE_FALSE(public_refused.ok());
  CHECK(public_refused.status().code() == Code::kPermissionDenied);

  // Stricter than 0600 is fine.
  REQUIRE(::chmod(path.c_str(), 0400) == 0);
  CHECK(ReadKeyFile(path, std::nullopt).ok());
}

TEST_CASE("WriteKeyFile never overwrites", "[key_file]") {
  TempDir dir;
  const std::string path = dir.Sub("validator.key");
  KeyPair first = FixedKey();
  REQUIRE(WriteKeyFile(path, first, std::nullopt).ok());
  const std::string before = ReadText(path);

  Status again = WriteKeyFile(path, KeyPair::Generate(), std::nullopt);
  CHECK(again.code() == Code::kAlreadyExists);
  CHECK(ReadText(path) == before);

  Status into_missing_folder = WriteKeyFile(dir.Sub("no/such/folder.key"), first, std::nullopt);
  CHECK(into_missing_folder.code() == Code::kNotFound);
}

TEST_CASE("a missing key file is kNotFound", "[key_file]") {
  TempDir dir;
  auto read = ReadKeyFile(dir.Sub("absent.key"), std::nullopt);
  REQUIRE_FALSE(read.ok());
  CHECK(read.status().code() == Code::kNotFound);
  CHECK(ReadPublicKey(dir.Sub("absent.key")).status().code() == Code::kNotFound);
}

TEST_CASE("damaged or foreign key files are refused", "[key_file]") {
  TempDir dir;
  const std::string path = dir.Sub("validator.key");
  KeyPair key = FixedKey();
  REQUIRE(WriteKeyFile(path, key, std::nullopt).ok());
  auto document = nlohmann::json::parse(ReadText(path));

  struct Case {
    std::string name;
    std::string text;
    Code expected;
  };
  auto with = [&](const char* field, nlohmann::json value) {
    auto changed = document;
    changed[field] = std::move(value);
    return changed.dump();
  };
  auto without = [&](const char* field) {
    auto changed = document;
    changed.erase(field);
    return changed.dump();
  };
  KeyPair other = KeyPair::Generate();
  const std::string seed_hex = document["seed"];
  std::string truncated_seed = seed_hex.substr(0, 62);

  const std::vector<Case> cases = {
      {"empty file", "", Code::kMalformed},
      {"not JSON", "this is not json", Code::kMalformed},
      {"truncated JSON", ReadText(path).substr(0, 40), Code::kMalformed},
      {"JSON array", "[1, 2, 3]", Code::kMalformed},
      {"wrong type", with("type", "ssh-ed25519"), Code::kMalformed},
      {"type not a string", with("type", 7), Code::kMalformed},
      {"future version", with("version", 2), Code::kUnsupportedVersion},
      {"negative version", with("version", -1), Code::kMalformed},
      {"missing public key", without("public_key"), Code::kMalformed},
      {"short public key", with("public_key", "abcd"), Code::kMalformed},
      {"public key not hex", with("public_key", std::string(64, 'z')), Code::kMalformed},
      {"public key of another key", with("public_key", ToHex(other.public_key())),
       Code::kCorruption},
      {"no seed and no encrypted", without("seed"), Code::kMalformed},
      {"seed not hex", with("seed", std::string(64, 'q')), Code::kMalformed},
      {"seed too short", with("seed", truncated_seed), Code::kCorruption},
      {"seed and encrypted", with("encrypted", nlohmann::json::object()), Code::kMalformed},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    ReplaceText(path, c.text);
    auto read = ReadKeyFile(path, std::nullopt);
    REQUIRE_FALSE(read.ok());
    CHECK(read.status().code() == c.expected);
  }
}

}  // namespace covalue::node
