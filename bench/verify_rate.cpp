#include "bench/verify_rate.h"

#include <sodium.h>

#include <array>
#include <chrono>
#include <cstdlib>
#include <vector>

#include "bench/bench_util.h"

namespace covalue::bench {

double MeasureVerifyRate(double seconds) {
  if (sodium_init() < 0) Fail("libsodium cannot be initialized");
  constexpr size_t kSamples = 64;
  constexpr size_t kMessageBytes = 200;
  struct Sample {
    std::array<unsigned char, crypto_sign_PUBLICKEYBYTES> key;
    std::array<unsigned char, kMessageBytes> message;
    std::array<unsigned char, crypto_sign_BYTES> signature;
  };
  std::vector<Sample> samples(kSamples);
  for (Sample& s : samples) {
    std::array<unsigned char, crypto_sign_SECRETKEYBYTES> secret;
    crypto_sign_keypair(s.key.data(), secret.data());
    randombytes_buf(s.message.data(), s.message.size());
    crypto_sign_detached(s.signature.data(), nullptr, s.message.data(), s.message.size(),
                         secret.data());
    sodium_memzero(secret.data(), secret.size());
  }
  using Clock = std::chrono::steady_clock;
  const Clock::time_point start = Clock::now();
  const Clock::time_point until =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  uint64_t verified = 0;
  Clock::time_point now = start;
  while (now < until) {
    for (const Sample& s : samples) {  // a round of 64 between clock reads
      if (crypto_sign_verify_detached(s.signature.data(), s.message.data(), s.message.size(),
                                      s.key.data()) != 0) {
        Fail("a valid signature did not verify");
      }
    }
    verified += kSamples;
    now = Clock::now();
  }
  return static_cast<double>(verified) / std::chrono::duration<double>(now - start).count();
}

}  // namespace covalue::bench
