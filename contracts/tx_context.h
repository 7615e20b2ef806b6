// What a contract knows about the transaction it applies, besides its body: the block it
// is in and the members who signed it. And what it returns: the result recorded on the
// ledger and the entities whose history the transaction belongs to. Plain values.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ledger/genesis.h"
#include "ledger/tx_result.h"

namespace covalue::contracts {

struct TxContext {
  std::string_view chain_id;
  uint64_t height = 0;
  int64_t time_ms = 0;  // the block's time: the only clock a contract has
  Hash32 tx_id{};
  std::vector<std::string> signer_members;  // member id of each signer, in signer order
  ledger::ChainParams params;  // the genesis's chain parameters
};

struct TxOutcome {
  ledger::TxResult result;
  // History index entries: "member/shipcorp", "dataset/telemetry", ...
  std::vector<std::string> entities;
  // An I/O or corruption error while reading state: the block must not be built from it.
  Status fault;
};

// A failed outcome with `code` and `message` (no events, no state change).
TxOutcome Rejected(Code code, std::string message);

// I/O and corruption errors are faults: the block cannot be built from this state.
inline bool IsFault(const Status& status) {
  return status.code() == Code::kIoError || status.code() == Code::kCorruption;
}
// The outcome for a failed `status`: a fault, or else the transaction's rejection with the
// status's code and message. Lets a contract's steps return Status and convert once.
TxOutcome FromStatus(const Status& status);
// The outcome of a contract written as a Result: a failure becomes its rejection or fault
// (FromStatus). Lets a contract use COVALUE_RETURN_IF_ERROR throughout.
inline TxOutcome OutcomeOf(Result<TxOutcome> outcome) {
  if (!outcome.ok()) return FromStatus(outcome.status());
  return std::move(outcome).value();
}

}  // namespace covalue::contracts
