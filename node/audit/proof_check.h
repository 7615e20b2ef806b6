// Checks a transaction's inclusion proof as GET /v1/tx/{id}/proof answers it, trusting only
// the genesis: the block header is final (its commit certificate holds a quorum of the
// genesis validators), the transaction is the one asked for and its signatures verify, and
// the audit path leads from the log leaf of (height, index, transaction, result) to the log
// root of that certified header (docs/spec/audit.md §Proofs). Pure functions; thread-safe.
#pragma once

#include "ledger/block.h"
#include "ledger/genesis.h"
#include "node/json_fields.h"

namespace covalue::audit {

struct CheckedProof {
  ledger::Transaction tx;
  ledger::TxResult result;
  ledger::BlockHeader header;  // certified
  uint32_t index = 0;          // in its block
  uint64_t leaf_index = 0;     // in the log
  size_t certificate_signatures = 0;
};

// The first fault found: kMalformed for a field that is missing or does not decode,
// kConflict for a proof of another transaction, the certificate's or the signature's code,
// kCorruption when the audit path does not lead to the certified root.
Result<CheckedProof> CheckTxProof(const node::Json& proof, const Hash32& tx_id,
                                  const ledger::Genesis& genesis);

}  // namespace covalue::audit
