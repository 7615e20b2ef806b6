// Envelope admission: the checks every transaction passes before any contract sees it —
// chain id, expiry window, signatures, known and unretired signer keys, replay — each
// refused with its own stable code. Run when a transaction is submitted and again, against
// the block's state, when it is put into a block. Pure; thread-safe if the reader is.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "contracts/state.h"
#include "ledger/genesis.h"
#include "ledger/transaction.h"

namespace covalue::contracts {

struct AdmissionContext {
  std::string_view chain_id;
  uint64_t height = 0;  // the height the transaction would commit at
  ledger::ChainParams params;
  // False when the caller verified the signatures already (a transaction is verified once,
  // when it is admitted to the mempool).
  bool verify_signatures = true;
};

// The lowest height a transaction expiring at `expiry_height` can commit at: admission
// requires expiry_height − height ≤ max_tx_lifetime (0 if that reaches below the genesis).
// So an earlier commit of the same id (which covers its expiry) lies at or above it
// (docs/spec/signing.md §Replay protection).
uint64_t EarliestCommitHeight(uint64_t expiry_height, const ledger::ChainParams& params);

// On success, the member id of each signer (in signer order).
Result<std::vector<std::string>> AdmitTransaction(const ledger::Transaction& tx,
                                                  const Hash32& tx_id,
                                                  const AdmissionContext& context,
                                                  const LedgerReader& state);

}  // namespace covalue::contracts
