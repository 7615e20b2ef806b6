// Revenue of a venture (docs/spec/contracts/ventures.md): revenue.record, by the venture's
// treasurer, records money received for a period under an external reference (an invoice
// number) that can be recorded once per venture, and keeps the period's running total for
// settlement. Pure; thread-compatible.
#pragma once

#include <string>
#include <string_view>

#include "contracts/fields.h"
#include "contracts/kinds.h"
#include "contracts/period.h"
#include "contracts/ventures.h"

namespace covalue::contracts {

inline constexpr uint32_t kMaxExternalRefLength = 128;
inline constexpr uint32_t kMaxRevenueNoteLength = 256;

struct RevenueRecordBody {
  std::string venture_id;
  std::string external_ref;  // non-empty, printable, no surrounding spaces; once per venture
  uint64_t amount = 0;       // minor units, > 0
  std::string currency;      // the venture's
  Period period;
  std::string note;
  bool operator==(const RevenueRecordBody&) const = default;
  template <class V>
  void Fields(V& v) {
    v.Id("venture_id", venture_id);
    v.Text("external_ref", external_ref, kMaxExternalRefLength);
    v.Amount("amount", amount);
    v.Text("currency", currency, kMaxCurrencyLength);
    v.PeriodField("period", period);
    v.Text("note", note, kMaxRevenueNoteLength);
  }
};

// "revenue/<venture_id>/<64 hex SHA-256 of external_ref>": the revenue as recorded (flat:
// the body's fields first) and by whom.
struct RevenueRecord {
  static constexpr uint16_t kRecordVersion = 1;
  RevenueRecordBody entry;
  std::string recorder;  // the treasurer who recorded it
  Hash32 tx_id{};
  uint64_t recorded_height = 0;
  bool operator==(const RevenueRecord&) const = default;
  template <class V>
  void Fields(V& v) {
    entry.Fields(v);
    v.Id("recorder", recorder);
    v.Hash("tx_id", tx_id);
    v.U64("recorded_height", recorded_height);
  }
};

// "revenue-total/<venture_id>/<period name>": the period's recorded revenue.
struct RevenueTotal {
  static constexpr uint16_t kRecordVersion = 1;
  uint64_t amount = 0;  // ≤ kMaxAmount
  uint32_t count = 0;
  bool operator==(const RevenueTotal&) const = default;
  template <class V>
  void Fields(V& v) {
    v.U64("amount", amount);
    v.U32("count", count);
  }
};

std::string RevenueKey(std::string_view venture_id, std::string_view external_ref);
std::string RevenueTotalKey(std::string_view venture_id, const Period& period);
// The period's total; zero if nothing was recorded. An error only for I/O or corruption.
Result<RevenueTotal> LoadRevenueTotal(const LedgerReader& state, std::string_view venture_id,
                                      const Period& period);

}  // namespace covalue::contracts
