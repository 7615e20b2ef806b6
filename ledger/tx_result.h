// The result of executing one committed transaction: a stable code (kOk or the rejection
// reason), a message, and the events it emitted. Results are hashed into the Merkle log
// together with their transaction, so their encoding is canonical. Plain values; thread-safe.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "codec/reader.h"
#include "codec/writer.h"
#include "common/status.h"

namespace covalue::ledger {

// The most events one result holds: a settlement of a 64-member venture writes 65.
inline constexpr uint32_t kMaxTxEvents = 128;

struct Event {
  std::string kind;  // "dataset.registered"
  std::vector<std::pair<std::string, std::string>> attributes;  // in the order the contract set them
  bool operator==(const Event&) const = default;
};

struct TxResult {
  Code code = Code::kOk;
  std::string message;
  std::vector<Event> events;
  bool ok() const { return code == Code::kOk; }
  bool operator==(const TxResult&) const = default;
};

void EncodeTxResult(codec::Writer& w, const TxResult& result);
Bytes EncodeTxResult(const TxResult& result);
Status DecodeTxResult(codec::Reader& r, TxResult* result);

}  // namespace covalue::ledger
