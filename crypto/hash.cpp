#include "crypto/hash.h"

#include <openssl/evp.h>

#include <cstdio>
#include <cstdlib>

namespace covalue::crypto {
namespace {

// OpenSSL fails here only without memory or with a broken installation: nothing a caller
// could handle, and a wrong hash must never be returned.
void Require(int ok, const char* what) {
  if (ok == 1) return;
  std::fprintf(stderr, "covalue: OpenSSL SHA-256 failed (%s)\n", what);
  std::abort();
}

// Fetched once: a digest named at every init would be looked up each time (OpenSSL 3).
const EVP_MD* Sha256Method() {
  static const EVP_MD* method = [] {
    EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    Require(fetched != nullptr ? 1 : 0, "fetch");
    return fetched;
  }();
  return method;
}

EVP_MD_CTX* NewContext() {
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  Require(context != nullptr ? 1 : 0, "context");
  Require(EVP_DigestInit_ex(context, Sha256Method(), nullptr), "init");
  return context;
}

Hash32 Final(EVP_MD_CTX* context) {
  Hash32 out;
  unsigned int size = 0;
  Require(EVP_DigestFinal_ex(context, out.data(), &size), "final");
  Require(size == out.size() ? 1 : 0, "size");
  return out;
}

}  // namespace

Hash32 Sha256(ByteView data) {
  // One context per thread, reinitialised for each hash: no allocation per call.
  thread_local std::unique_ptr<EVP_MD_CTX, DigestContextFree> context(NewContext());
  Require(EVP_DigestInit_ex(context.get(), Sha256Method(), nullptr), "init");
  Require(EVP_DigestUpdate(context.get(), data.data(), data.size()), "update");
  return Final(context.get());
}

void DigestContextFree::operator()(evp_md_ctx_st* context) const {
  EVP_MD_CTX_free(context);
}

Sha256Hasher::Sha256Hasher() : m_context(NewContext()) {}

Sha256Hasher& Sha256Hasher::Update(ByteView data) {
  Require(EVP_DigestUpdate(m_context.get(), data.data(), data.size()), "update");
  return *this;
}

Hash32 Sha256Hasher::Finish() { return Final(m_context.get()); }

}  // namespace covalue::crypto
