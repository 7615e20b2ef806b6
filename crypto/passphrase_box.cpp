#include "crypto/passphrase_box.h"

#include <sodium.h>

#include <array>

#include "crypto/sodium.h"

namespace covalue::crypto {
namespace {

static_assert(kPwhashSaltSize == crypto_pwhash_argon2id_SALTBYTES);
static_assert(kSecretboxNonceSize == crypto_secretbox_NONCEBYTES);
static_assert(kSecretboxMacSize == crypto_secretbox_MACBYTES);

// Ceilings above libsodium's own limits: 4x the Sensitive preset.
constexpr uint64_t kMaxOpslimit = 16;
constexpr uint64_t kMaxMemlimit = uint64_t{4} << 30;

// A secretbox key that wipes itself however the function using it returns.
class DerivedKey {
 public:
  DerivedKey() = default;
  ~DerivedKey() { sodium_memzero(m_key.data(), m_key.size()); }
  DerivedKey(const DerivedKey&) = delete;
  DerivedKey& operator=(const DerivedKey&) = delete;

  uint8_t* data() { return m_key.data(); }
  size_t size() const { return m_key.size(); }

 private:
  std::array<uint8_t, crypto_secretbox_KEYBYTES> m_key{};
};

Status CheckLimits(uint64_t opslimit, uint64_t memlimit) {
  if (opslimit < crypto_pwhash_argon2id_OPSLIMIT_MIN ||
      opslimit > crypto_pwhash_argon2id_OPSLIMIT_MAX || opslimit > kMaxOpslimit) {
    return Status(Code::kInvalidArgument, "key derivation opslimit " + std::to_string(opslimit) +
                                              " is out of range [" +
                                              std::to_string(crypto_pwhash_argon2id_OPSLIMIT_MIN) +
                                              ", " + std::to_string(kMaxOpslimit) + "]");
  }
  if (memlimit < crypto_pwhash_argon2id_MEMLIMIT_MIN ||
      memlimit > crypto_pwhash_argon2id_MEMLIMIT_MAX || memlimit > kMaxMemlimit) {
    return Status(Code::kInvalidArgument, "key derivation memlimit " + std::to_string(memlimit) +
                                              " is out of range [" +
                                              std::to_string(crypto_pwhash_argon2id_MEMLIMIT_MIN) +
                                              ", " + std::to_string(kMaxMemlimit) + "] bytes");
  }
  return Status::Ok();
}

Status DeriveKey(std::string_view passphrase, ByteView salt, uint64_t opslimit, uint64_t memlimit,
                 DerivedKey* key) {
  if (crypto_pwhash(key->data(), key->size(), passphrase.data(), passphrase.size(), salt.data(),
                    opslimit, static_cast<size_t>(memlimit),
                    crypto_pwhash_argon2id_ALG_ARGON2ID13) != 0) {
    return Status(Code::kInternal, "key derivation failed (out of memory? it needs " +
                                       std::to_string(memlimit >> 20) + " MiB)");
  }
  return Status::Ok();
}

}  // namespace

Result<SealedSecret> SealWithPassphrase(ByteView secret, std::string_view passphrase,
                                        PwhashStrength strength) {
  EnsureSodium();
  if (passphrase.empty()) return Status(Code::kInvalidArgument, "passphrase is empty");

  SealedSecret sealed;
  switch (strength) {
    case PwhashStrength::kInteractive:
      sealed.opslimit = crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE;
      sealed.memlimit = crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE;
      break;
    case PwhashStrength::kModerate:
      sealed.opslimit = crypto_pwhash_argon2id_OPSLIMIT_MODERATE;
      sealed.memlimit = crypto_pwhash_argon2id_MEMLIMIT_MODERATE;
      break;
    case PwhashStrength::kSensitive:
      sealed.opslimit = crypto_pwhash_argon2id_OPSLIMIT_SENSITIVE;
      sealed.memlimit = crypto_pwhash_argon2id_MEMLIMIT_SENSITIVE;
      break;
    default:
      return Status(Code::kInvalidArgument, "unknown key derivation strength");
  }
  sealed.salt.resize(kPwhashSaltSize);
  sealed.nonce.resize(kSecretboxNonceSize);
  randombytes_buf(sealed.salt.data(), sealed.salt.size());
  randombytes_buf(sealed.nonce.data(), sealed.nonce.size());

  DerivedKey key;
  COVALUE_RETURN_IF_ERROR(
      DeriveKey(passphrase, sealed.salt, sealed.opslimit, sealed.memlimit, &key));
  sealed.ciphertext.resize(secret.size() + kSecretboxMacSize);
  crypto_secretbox_easy(sealed.ciphertext.data(), secret.data(), secret.size(), sealed.nonce.data(),
                        key.data());
  return sealed;
}

Result<Bytes> OpenWithPassphrase(const SealedSecret& sealed, std::string_view passphrase) {
  EnsureSodium();
  COVALUE_RETURN_IF_ERROR(CheckLimits(sealed.opslimit, sealed.memlimit));
  if (sealed.salt.size() != kPwhashSaltSize) {
    return Status(Code::kMalformed, "salt must be " + std::to_string(kPwhashSaltSize) + " bytes");
  }
  if (sealed.nonce.size() != kSecretboxNonceSize) {
    return Status(Code::kMalformed,
                  "nonce must be " + std::to_string(kSecretboxNonceSize) + " bytes");
  }
  if (sealed.ciphertext.size() < kSecretboxMacSize) {
    return Status(Code::kMalformed, "ciphertext is shorter than its authentication tag");
  }

  DerivedKey key;
  COVALUE_RETURN_IF_ERROR(
      DeriveKey(passphrase, sealed.salt, sealed.opslimit, sealed.memlimit, &key));
  Bytes secret(sealed.ciphertext.size() - kSecretboxMacSize);
  if (crypto_secretbox_open_easy(secret.data(), sealed.ciphertext.data(), sealed.ciphertext.size(),
                                 sealed.nonce.data(), key.data()) != 0) {
    sodium_memzero(secret.data(), secret.size());
    return Status(Code::kPermissionDenied, "wrong passphrase or corrupted key file");
  }
  return secret;
}

}  // namespace covalue::crypto
