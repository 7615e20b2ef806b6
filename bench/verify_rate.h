// This machine's single-core Ed25519 verification rate, measured with libsodium's
// crypto_sign_verify_detached — the cost that bounds what a ledger of signed transactions can
// commit (issue #7: every throughput is also printed as a ratio to the limit this rate
// implies). Thread-safe: no shared state; the measuring thread runs flat out.
#pragma once

namespace covalue::bench {

// Verifications per second on the calling thread, over about `seconds` of verifying
// signatures of 200-byte messages (the size of a transaction's signed bytes) by 64 keys.
double MeasureVerifyRate(double seconds);

}  // namespace covalue::bench
