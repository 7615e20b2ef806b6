// Drafts of transactions and their signing on every core, for the benchmarks' generators
// (bench_chain.h builds a chain from them, live_mix.h submits them to a network): a draft
// is an unsigned transaction and the members (indices into a key list) who must sign it.
// Pure functions over their arguments; thread-safe.
#pragma once

#include <cstdint>
#include <vector>

#include "common/status.h"
#include "crypto/keys.h"
#include "ledger/transaction.h"

namespace covalue::bench {

struct Draft {
  ledger::Transaction tx;         // without signers and signatures
  std::vector<uint32_t> signers;  // indices into the key list, in signing order
};

// Sets each draft's signers to the keys' public keys and signs it, on `threads` threads
// (0: one per core). Fails (kInvalidArgument) on a draft the decoder would refuse.
Result<std::vector<ledger::Transaction>> SignDrafts(std::vector<Draft> drafts,
                                                    const std::vector<crypto::KeyPair>& keys,
                                                    unsigned threads);

}  // namespace covalue::bench
