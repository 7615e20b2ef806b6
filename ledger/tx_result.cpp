#include "ledger/tx_result.h"

namespace covalue::ledger {
namespace {
constexpr uint32_t kMaxAttributes = 32;
constexpr uint32_t kMaxValueLength = 1024;
}  // namespace

void EncodeTxResult(codec::Writer& w, const TxResult& result) {
  w.U16(static_cast<uint16_t>(result.code));
  w.String(result.message);
  w.Count(result.events.size());
  for (const auto& event : result.events) {
    w.String(event.kind);
    w.Count(event.attributes.size());
    for (const auto& [key, value] : event.attributes) {
      w.String(key);
      w.String(value);
    }
  }
}

Bytes EncodeTxResult(const TxResult& result) {
  codec::Writer w;
  EncodeTxResult(w, result);
  return std::move(w).Take();
}

Status DecodeTxResult(codec::Reader& r, TxResult* result) {
  uint16_t code = 0;
  COVALUE_RETURN_IF_ERROR(r.U16(&code));
  if (!IsKnownCode(code)) {
    return Status(Code::kUnknownEnum, "unknown result code " + std::to_string(code));
  }
  result->code = static_cast<Code>(code);
  COVALUE_RETURN_IF_ERROR(r.String(&result->message));
  uint32_t events = 0;
  COVALUE_RETURN_IF_ERROR(r.Count(&events, kMaxTxEvents, 8));
  result->events.resize(events);
  for (auto& event : result->events) {
    COVALUE_RETURN_IF_ERROR(r.String(&event.kind, 128));
    uint32_t attributes = 0;
    COVALUE_RETURN_IF_ERROR(r.Count(&attributes, kMaxAttributes, 8));
    event.attributes.resize(attributes);
    for (auto& [key, value] : event.attributes) {
      COVALUE_RETURN_IF_ERROR(r.String(&key, 128));
      COVALUE_RETURN_IF_ERROR(r.String(&value, kMaxValueLength));
    }
  }
  return Status::Ok();
}

}  // namespace covalue::ledger
