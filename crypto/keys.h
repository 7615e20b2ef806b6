// Ed25519 keys (libsodium). A KeyPair owns its secret key and wipes it (sodium_memzero)
// when destroyed or moved from; it cannot be copied, so a secret lives in exactly one
// place. Public keys and signatures are plain values. All functions are thread-safe;
// a KeyPair may be used to sign from several threads at once (signing does not mutate it).
#pragma once

#include <array>
#include <cstdint>

#include "common/bytes.h"
#include "common/status.h"

namespace covalue::crypto {

using PublicKey = std::array<uint8_t, 32>;
using Signature = std::array<uint8_t, 64>;
inline constexpr size_t kSeedSize = 32;

class KeyPair {
 public:
  // A fresh key from the operating system's randomness.
  static KeyPair Generate();
  // The key determined by a 32-byte seed (key files store the seed).
  static Result<KeyPair> FromSeed(ByteView seed);

  KeyPair(KeyPair&& other) noexcept;
  KeyPair& operator=(KeyPair&& other) noexcept;
  KeyPair(const KeyPair&) = delete;
  KeyPair& operator=(const KeyPair&) = delete;
  ~KeyPair();

  const PublicKey& public_key() const { return m_public; }
  Signature Sign(ByteView message) const;
  // Copies the seed into `out` (32 bytes). The caller must wipe it after use.
  void ExportSeed(std::array<uint8_t, kSeedSize>* out) const;

 private:
  KeyPair() = default;
  void Wipe();

  std::array<uint8_t, 64> m_secret{};  // libsodium layout: seed ‖ public key
  PublicKey m_public{};
};

// True if `signature` is a valid Ed25519 signature of `message` by `key`.
bool Verify(const PublicKey& key, ByteView message, const Signature& signature);

}  // namespace covalue::crypto
