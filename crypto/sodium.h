// Internal to crypto/: makes sure libsodium is initialised before first use.
// Thread-safe (sodium_init is idempotent and safe to race; the result is cached).
#pragma once

namespace covalue::crypto {

// Aborts the process if libsodium cannot initialise (no usable randomness source).
void EnsureSodium();

}  // namespace covalue::crypto
