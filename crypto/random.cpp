#include "crypto/random.h"

#include <sodium.h>

#include "crypto/sodium.h"

namespace covalue::crypto {

uint64_t RandomU64() {
  uint64_t value = 0;
  RandomBytes({reinterpret_cast<uint8_t*>(&value), sizeof(value)});
  return value;
}

void RandomBytes(std::span<uint8_t> out) {
  EnsureSodium();
  randombytes_buf(out.data(), out.size());
}

}  // namespace covalue::crypto
