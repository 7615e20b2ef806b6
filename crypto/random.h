// Randomness from the operating system (libsodium's randombytes). For nonces and salts
// outside the deterministic core; consensus and contracts never call it. Thread-safe.
#pragma once

#include <cstdint>
#include <span>

namespace covalue::crypto {

uint64_t RandomU64();
void RandomBytes(std::span<uint8_t> out);

}  // namespace covalue::crypto
