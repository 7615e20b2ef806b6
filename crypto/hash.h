// SHA-256 (FIPS 180-4) through libsodium. Sha256Hasher is incremental; both are
// thread-compatible value types.
#pragma once

#include <sodium.h>

#include "common/bytes.h"

namespace covalue::crypto {

Hash32 Sha256(ByteView data);

class Sha256Hasher {
 public:
  Sha256Hasher();
  Sha256Hasher& Update(ByteView data);
  Hash32 Finish();

 private:
  crypto_hash_sha256_state m_state;
};

}  // namespace covalue::crypto
