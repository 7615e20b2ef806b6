// The comparison of a data folder's derived data with what the auditor's replay wrote
// (docs/spec/audit.md step 8): every key family a block's commit writes — the genesis hash,
// the head, blocks, the transaction index, the Merkle log nodes, the state, the history and
// block-time indexes — byte for byte, and the state versions (sv/) the replay implies from
// the height the folder keeps them from (meta/indexes). A free function over two stores it
// only reads; thread-safe as the stores are.
#pragma once

#include <cstdint>

#include "node/storage/kv_store.h"
#include "node/worker_pool.h"

namespace covalue::audit {

// `replayed` is a store a ChainStore replayed the chain into from the genesis (so its state
// versions start at height 0), up to `head_height`. Returns the height the stored state
// versions start at; kCorruption "the data folder holds K, which the replay does not give",
// "… lacks K, which the replay gives", "… K differs from the replay's", or about
// meta/indexes, at the first difference in the order above (the families are compared on
// `pool`'s threads, and whichever thread finds its difference first, the same one is named).
Result<uint64_t> CompareStoredData(const storage::KvStore& stored, const storage::KvStore& replayed,
                                   uint64_t head_height, node::WorkerPool& pool);

}  // namespace covalue::audit
