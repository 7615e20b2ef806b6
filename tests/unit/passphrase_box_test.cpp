// Passphrase boxes: round trip, wrong passphrase, tampering, and hostile parameters.
// Uses kInteractive strength throughout to stay fast.
#include "crypto/passphrase_box.h"

#include <catch2/catch.hpp>

namespace covalue::crypto {
namespace {

const Bytes kSecret = {1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15, 16,
                       17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};

SealedSecret Seal(std::string_view passphrase = "correct horse battery staple") {
  auto sealed = SealWithPassphrase(kSecret, passphrase, PwhashStrength::kInteractive);
  REQUIRE(sealed.ok());
  return std::move(sealed).value();
}

void RequireDenied(const SealedSecret& sealed) {
  auto opened = OpenWithPassphrase(sealed, "correct horse battery staple");
  REQUIRE_FALSE(opened.ok());
  CHECK(opened.status().code() == Code::kPermissionDenied);
  CHECK(opened.status().message() == "wrong passphrase or corrupted key file");
}

}  // namespace

TEST_CASE("a sealed secret opens with its passphrase", "[passphrase_box]") {
  SealedSecret sealed = Seal();
  CHECK(sealed.salt.size() == kPwhashSaltSize);
  CHECK(sealed.nonce.size() == kSecretboxNonceSize);
  CHECK(sealed.ciphertext.size() == kSecret.size() + kSecretboxMacSize);
  CHECK(sealed.opslimit > 0);
  CHECK(sealed.memlimit > 0);
  CHECK(Bytes(sealed.ciphertext.begin(), sealed.ciphertext.begin() + 32) != kSecret);

  auto opened = OpenWithPassphrase(sealed, "correct horse battery staple");
  REQUIRE(opened.ok());
  CHECK(opened.value() == kSecret);
}

TEST_CASE("sealing twice uses fresh salt and nonce", "[passphrase_box]") {
  SealedSecret first = Seal();
  SealedSecret second = Seal();
  CHECK(first.salt != second.salt);
  CHECK(first.nonce != second.nonce);
  CHECK(first.ciphertext != second.ciphertext);
}

TEST_CASE("an empty secret round-trips, an empty passphrase is refused", "[passphrase_box]") {
  auto sealed = SealWithPassphrase(Bytes(), "pw", PwhashStrength::kInteractive);
  REQUIRE(sealed.ok());
  auto opened = OpenWithPassphrase(sealed.value(), "pw");
  REQUIRE(opened.ok());
  CHECK(opened.value().empty());

  auto refused = SealWithPassphrase(kSecret, "", PwhashStrength::kInteractive);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == Code::kInvalidArgument);
}

TEST_CASE("a wrong passphrase is refused", "[passphrase_box]") {
  SealedSecret sealed = Seal();
  for (std::string_view wrong : {"correct horse battery stapl", "Correct horse battery staple",
                                 "correct horse battery staple ", ""}) {
    auto opened = OpenWithPassphrase(sealed, wrong);
    REQUIRE_FALSE(opened.ok());
    CHECK(opened.status().code() == Code::kPermissionDenied);
  }
}

TEST_CASE("a tampered box is refused", "[passphrase_box]") {
  SealedSecret sealed = Seal();

  SECTION("ciphertext body") {
    sealed.ciphertext.back() ^= 0x01;
    RequireDenied(sealed);
  }
  SECTION("authentication tag") {
    sealed.ciphertext.front() ^= 0x80;
    RequireDenied(sealed);
  }
  SECTION("nonce") {
    sealed.nonce[3] ^= 0x01;
    RequireDenied(sealed);
  }
  SECTION("salt") {
    sealed.salt[0] ^= 0x01;
    RequireDenied(sealed);
  }
  SECTION("opslimit (a different key comes out)") {
    sealed.opslimit += 1;
    RequireDenied(sealed);
  }
  SECTION("truncated ciphertext") {
    sealed.ciphertext.pop_back();
    RequireDenied(sealed);
  }
}

TEST_CASE("structurally wrong boxes are malformed", "[passphrase_box]") {
  SealedSecret sealed = Seal();
  SECTION("short salt") {
    sealed.salt.pop_back();
  }
  SECTION("long nonce") {
    sealed.nonce.push_back(0);
  }
  SECTION("ciphertext shorter than the tag") {
    sealed.ciphertext.resize(kSecretboxMacSize - 1);
  }
  auto opened = OpenWithPassphrase(sealed, "correct horse battery staple");
  REQUIRE_FALSE(opened.ok());
  CHECK(opened.status().code() == Code::kMalformed);
}

TEST_CASE("absurd key derivation parameters are refused before any work", "[passphrase_box]") {
  SealedSecret sealed = Seal();
  SECTION("opslimit zero") {
    sealed.opslimit = 0;
  }
  SECTION("opslimit huge") {
    sealed.opslimit = uint64_t{1} << 40;
  }
  SECTION("opslimit above the ceiling") {
    sealed.opslimit = 17;
  }
  SECTION("memlimit below libsodium's minimum") {
    sealed.memlimit = 1024;
  }
  SECTION("memlimit of a terabyte") {
    sealed.memlimit = uint64_t{1} << 40;
  }
  SECTION("memlimit of 2^64-1") {
    sealed.memlimit = ~uint64_t{0};
  }
  auto opened = OpenWithPassphrase(sealed, "correct horse battery staple");
  REQUIRE_FALSE(opened.ok());
  CHECK(opened.status().code() == Code::kInvalidArgument);
}

}  // namespace covalue::crypto
