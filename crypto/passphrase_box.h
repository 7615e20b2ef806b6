// Passphrase boxes: seal a small secret (a key seed) under a passphrase, for key files.
// Key = Argon2id13(passphrase, random 16-byte salt, opslimit, memlimit); box =
// XSalsa20-Poly1305 (crypto_secretbox) with a random 24-byte nonce. A SealedSecret
// carries everything needed to open it except the passphrase. Derived keys are wiped.
// All functions are thread-safe; each call allocates `memlimit` bytes while it runs.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/bytes.h"
#include "common/status.h"

namespace covalue::crypto {

// How hard the key derivation is (libsodium's Argon2id presets). Interactive: 64 MiB,
// well under a second, for tests. Moderate: 256 MiB, about a second; the default.
// Sensitive: 1 GiB, several seconds.
enum class PwhashStrength : uint8_t { kInteractive = 0, kModerate = 1, kSensitive = 2 };

inline constexpr size_t kPwhashSaltSize = 16;
inline constexpr size_t kSecretboxNonceSize = 24;
inline constexpr size_t kSecretboxMacSize = 16;

struct SealedSecret {
  uint64_t opslimit = 0;
  uint64_t memlimit = 0;  // bytes
  Bytes salt;             // kPwhashSaltSize bytes
  Bytes nonce;            // kSecretboxNonceSize bytes
  Bytes ciphertext;       // secret size + kSecretboxMacSize bytes
};

// Seals `secret` under `passphrase` (which must not be empty).
Result<SealedSecret> SealWithPassphrase(ByteView secret, std::string_view passphrase,
                                        PwhashStrength strength = PwhashStrength::kModerate);

// The secret in `sealed`. kPermissionDenied if the passphrase is wrong or the box was
// altered (the two cannot be told apart); kInvalidArgument if opslimit or memlimit is
// outside what libsodium accepts or above a sane ceiling (16 passes, 4 GiB), so a hostile
// file cannot make us spin or allocate without end; kMalformed if a field has the wrong
// size. The caller owns the returned secret and should sodium_memzero it after use.
Result<Bytes> OpenWithPassphrase(const SealedSecret& sealed, std::string_view passphrase);

}  // namespace covalue::crypto
