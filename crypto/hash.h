// SHA-256 (FIPS 180-4) through OpenSSL's libcrypto, which uses the CPU's SHA instructions
// where it has them (about 3.5 × libsodium's portable code for a 300-byte transaction here;
// docs/dependencies.md). Sha256 is a function, safe from any thread (each thread keeps one
// reusable digest context). Sha256Hasher is incremental and owns its context: movable, not
// copyable, one thread at a time.
#pragma once

#include <memory>

#include "common/bytes.h"

struct evp_md_ctx_st;  // OpenSSL's EVP_MD_CTX

namespace covalue::crypto {

// Frees an OpenSSL digest context (for std::unique_ptr).
struct DigestContextFree {
  void operator()(evp_md_ctx_st* context) const;
};

Hash32 Sha256(ByteView data);

class Sha256Hasher {
 public:
  Sha256Hasher();
  Sha256Hasher& Update(ByteView data);
  Hash32 Finish();

 private:
  std::unique_ptr<evp_md_ctx_st, DigestContextFree> m_context;
};

}  // namespace covalue::crypto
