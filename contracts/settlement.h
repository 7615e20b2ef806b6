// settlement.run (docs/spec/contracts/settlement.md): a venture member closes an ended
// period of the venture — its revenue split into lines by the formula in force
// (contracts/settlement_math.h), recorded costs repaid first, one payout instructed per
// paid line (contracts/payouts.h) — once per (venture, period), periods in order. Body
// grammar, the records it writes and their keys. Pure; thread-compatible.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "contracts/fields.h"
#include "contracts/kinds.h"
#include "contracts/period.h"
#include "contracts/settlement_math.h"
#include "contracts/ventures.h"

namespace covalue::contracts {

struct SettlementRunBody {
  std::string venture_id;
  Period period;
  bool operator==(const SettlementRunBody&) const = default;
  template <class V>
  void Fields(V& v) {
    v.Id("venture_id", venture_id);
    v.PeriodField("period", period);
  }
};

// "settlement/<venture_id>/<period name>": the statement of a settled period.
struct SettlementRecord {
  static constexpr uint16_t kRecordVersion = 1;
  std::string venture_id;
  Period period;
  uint32_t formula_version = 0;
  uint64_t revenue = 0;        // the period's revenue total
  uint32_t revenue_count = 0;  // how many revenue records it sums
  std::string currency;
  std::vector<SettlementLine> lines;  // one per venture member, by member id
  uint64_t settled_height = 0;
  int64_t settled_time_ms = 0;
  Hash32 tx_id{};
  bool operator==(const SettlementRecord&) const = default;
  template <class V>
  void Fields(V& v) {
    v.Id("venture_id", venture_id);
    v.PeriodField("period", period);
    v.U32("formula_version", formula_version);
    v.Amount("revenue", revenue);
    v.U32("revenue_count", revenue_count);
    v.Text("currency", currency, kMaxCurrencyLength);
    v.List("lines", lines, kMaxVentureMembers);
    v.U64("settled_height", settled_height);
    v.I64("settled_time_ms", settled_time_ms);
    v.Hash("tx_id", tx_id);
  }
};

// "recoup/<venture_id>/<member>": a member's recorded costs not repaid yet; absent when 0.
struct RecoupBalance {
  static constexpr uint16_t kRecordVersion = 1;
  uint64_t outstanding = 0;
  bool operator==(const RecoupBalance&) const = default;
  template <class V>
  void Fields(V& v) {
    v.U64("outstanding", outstanding);
  }
};

std::string SettlementKey(std::string_view venture_id, const Period& period);
std::string RecoupBalanceKey(std::string_view venture_id, std::string_view member);

// The settlement of `period`, nullopt if it is not settled; an error only for I/O or corruption.
Result<std::optional<SettlementRecord>> LoadSettlement(const LedgerReader& state,
                                                       std::string_view venture_id,
                                                       const Period& period);
// The member's outstanding balance (0 if none); an error only for I/O or corruption.
Result<uint64_t> LoadRecoupOutstanding(const LedgerReader& state, std::string_view venture_id,
                                       std::string_view member);

// The contract (contracts/kinds.h): ApplySettlementRun.

}  // namespace covalue::contracts
