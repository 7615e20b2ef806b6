// dataset.register (docs/spec/contracts.md): a member registers a dataset it owns — an id
// unique on the ledger, the content hash of the data (the data never goes on the ledger)
// and a description. Body grammar, the stored record and the rule. Pure; thread-compatible.
#pragma once

#include <string>

#include "contracts/fields.h"
#include "contracts/kinds.h"
#include "ledger/transaction.h"

namespace covalue::contracts {

inline constexpr uint32_t kMaxDescriptionLength = 1024;

struct DatasetRegisterBody {
  std::string dataset_id;
  Hash32 content_hash{};
  std::string description;
  bool operator==(const DatasetRegisterBody&) const = default;
  template <class V>
  void Fields(V& v) {
    v.Id("dataset_id", dataset_id);
    v.Hash("content_hash", content_hash);
    v.Text("description", description, kMaxDescriptionLength);
  }
};
inline Bytes EncodeDatasetRegisterBody(const DatasetRegisterBody& body) { return EncodeFields(body); }
inline Result<DatasetRegisterBody> DecodeDatasetRegisterBody(ByteView bytes) {
  return DecodeFields<DatasetRegisterBody>(bytes);
}

struct DatasetRecord {
  static constexpr uint16_t kRecordVersion = 1;
  std::string id;
  std::string owner;  // member id
  Hash32 content_hash{};
  std::string description;
  uint64_t registered_height = 0;
  int64_t registered_time_ms = 0;
  bool operator==(const DatasetRecord&) const = default;
  template <class V>
  void Fields(V& v) {
    v.Id("id", id);
    v.Id("owner", owner);
    v.Hash("content_hash", content_hash);
    v.Text("description", description, kMaxDescriptionLength);
    v.U64("registered_height", registered_height);
    v.I64("registered_time_ms", registered_time_ms);
  }
};
std::string DatasetStateKey(std::string_view dataset_id);
inline Bytes EncodeDatasetRecord(const DatasetRecord& record) { return EncodeRecord(record); }
inline Result<DatasetRecord> DecodeDatasetRecord(ByteView bytes) { return DecodeRecord<DatasetRecord>(bytes); }

// The contract (contracts/kinds.h): one signer, a member with the `member` role; the id is
// valid and not yet registered.

}  // namespace covalue::contracts
