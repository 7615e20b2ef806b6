// usage.record (docs/spec/contracts/grants.md): a receipt, signed by both the dataset's
// owner (the provider) and a grant's grantee (the consumer), that the consumer used a
// quantity of the dataset under the grant. It counts against the grant's usage cap and
// every ancestor's. Body grammar and the stored receipt. Pure; thread-compatible.
#pragma once

#include <string>

#include "contracts/fields.h"
#include "contracts/kinds.h"

namespace covalue::contracts {

inline constexpr uint32_t kMaxUsageUnitLength = 32;

struct UsageRecordBody {
  std::string receipt_id;
  std::string grant_id;
  std::string purpose;
  std::string operation;
  uint64_t quantity = 0;  // > 0, in `unit`
  std::string unit;       // "rows", "api-calls", "GB"
  int64_t used_at_ms = 0;
  Hash32 evidence_hash{};  // of the off-ledger evidence both parties hold (logs, invoices)
  bool operator==(const UsageRecordBody&) const = default;
  template <class V>
  void Fields(V& v) {
    v.Id("receipt_id", receipt_id);
    v.Id("grant_id", grant_id);
    v.Id("purpose", purpose);
    v.Id("operation", operation);
    v.U64("quantity", quantity);
    v.Text("unit", unit, kMaxUsageUnitLength);
    v.I64("used_at_ms", used_at_ms);
    v.Hash("evidence_hash", evidence_hash);
  }
};

// "receipt/<receipt_id>": the receipt as signed (flat: the body's fields first) and where
// it was recorded.
struct UsageReceiptRecord {
  static constexpr uint16_t kRecordVersion = 1;
  UsageRecordBody usage;
  std::string dataset;   // the grant's dataset
  std::string provider;  // the dataset's owner
  std::string consumer;  // the grant's grantee
  uint64_t recorded_height = 0;
  int64_t recorded_time_ms = 0;
  bool operator==(const UsageReceiptRecord&) const = default;
  template <class V>
  void Fields(V& v) {
    usage.Fields(v);
    v.Id("dataset", dataset);
    v.Id("provider", provider);
    v.Id("consumer", consumer);
    v.U64("recorded_height", recorded_height);
    v.I64("recorded_time_ms", recorded_time_ms);
  }
};

std::string ReceiptStateKey(std::string_view receipt_id);

// The contract is ApplyUsageRecord (contracts/kinds.h).

}  // namespace covalue::contracts
