#include "crypto/keys.h"

#include <sodium.h>

#include <algorithm>

#include "crypto/sodium.h"

namespace covalue::crypto {

KeyPair KeyPair::Generate() {
  EnsureSodium();
  KeyPair key;
  crypto_sign_keypair(key.m_public.data(), key.m_secret.data());
  return key;
}

Result<KeyPair> KeyPair::FromSeed(ByteView seed) {
  EnsureSodium();
  if (seed.size() != kSeedSize) return Status(Code::kInvalidArgument, "seed must be 32 bytes");
  KeyPair key;
  crypto_sign_seed_keypair(key.m_public.data(), key.m_secret.data(), seed.data());
  return key;
}

KeyPair::KeyPair(KeyPair&& other) noexcept : m_secret(other.m_secret), m_public(other.m_public) {
  other.Wipe();
}

KeyPair& KeyPair::operator=(KeyPair&& other) noexcept {
  if (this != &other) {
    m_secret = other.m_secret;
    m_public = other.m_public;
    other.Wipe();
  }
  return *this;
}

KeyPair::~KeyPair() { Wipe(); }

void KeyPair::Wipe() { sodium_memzero(m_secret.data(), m_secret.size()); }

Signature KeyPair::Sign(ByteView message) const {
  Signature signature;
  crypto_sign_detached(signature.data(), nullptr, message.data(), message.size(),
                       m_secret.data());
  return signature;
}

void KeyPair::ExportSeed(std::array<uint8_t, kSeedSize>* out) const {
  crypto_sign_ed25519_sk_to_seed(out->data(), m_secret.data());
}

bool Verify(const PublicKey& key, ByteView message, const Signature& signature) {
  EnsureSodium();
  return crypto_sign_verify_detached(signature.data(), message.data(), message.size(),
                                     key.data()) == 0;
}

}  // namespace covalue::crypto
