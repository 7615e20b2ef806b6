// dataset.register (docs/spec/contracts.md): a member registers a dataset it owns — an id
// unique on the ledger, the content hash of the data (the data never goes on the ledger)
// and a description. Body grammar, the stored record and the rule. Pure; thread-compatible.
#pragma once

#include <string>

#include "contracts/state.h"
#include "contracts/tx_context.h"
#include "ledger/transaction.h"

namespace covalue::contracts {

inline constexpr uint32_t kMaxDescriptionLength = 1024;

struct DatasetRegisterBody {
  std::string dataset_id;
  Hash32 content_hash{};
  std::string description;
  bool operator==(const DatasetRegisterBody&) const = default;
};
Bytes EncodeDatasetRegisterBody(const DatasetRegisterBody& body);
Result<DatasetRegisterBody> DecodeDatasetRegisterBody(ByteView bytes);

struct DatasetRecord {
  std::string id;
  std::string owner;  // member id
  Hash32 content_hash{};
  std::string description;
  uint64_t registered_height = 0;
  int64_t registered_time_ms = 0;
  bool operator==(const DatasetRecord&) const = default;
};
std::string DatasetStateKey(std::string_view dataset_id);
Bytes EncodeDatasetRecord(const DatasetRecord& record);
Result<DatasetRecord> DecodeDatasetRecord(ByteView bytes);

// One signer, a member with the `member` role; the id is valid and not yet registered.
TxOutcome ApplyDatasetRegister(const ledger::Transaction& tx, const TxContext& context,
                               StateOverlay& state);

}  // namespace covalue::contracts
