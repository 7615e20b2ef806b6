#include "crypto/hash.h"

#include "crypto/sodium.h"

namespace covalue::crypto {

Hash32 Sha256(ByteView data) {
  EnsureSodium();
  Hash32 out;
  crypto_hash_sha256(out.data(), data.data(), data.size());
  return out;
}

Sha256Hasher::Sha256Hasher() {
  EnsureSodium();
  crypto_hash_sha256_init(&m_state);
}

Sha256Hasher& Sha256Hasher::Update(ByteView data) {
  crypto_hash_sha256_update(&m_state, data.data(), data.size());
  return *this;
}

Hash32 Sha256Hasher::Finish() {
  Hash32 out;
  crypto_hash_sha256_final(&m_state, out.data());
  return out;
}

}  // namespace covalue::crypto
