// Accounting periods of a venture: calendar months or quarters in UTC. A period is its length
// and an index (months since year 0: year × 12 + month − 1; quarters: year × 4 + quarter − 1),
// named "2026-03" or "2026-Q1". The block's time says which period is current. Pure,
// integer-only (common/civil_time.h); thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "contracts/enum_names.h"

namespace covalue::contracts {

// Wire format: never renumber.
enum class PeriodLength : uint8_t { kMonth = 1, kQuarter = 2 };

template <>
struct EnumNames<PeriodLength> {
  static constexpr std::array kValues = {std::pair{PeriodLength::kMonth, std::string_view("month")},
                                         std::pair{PeriodLength::kQuarter, std::string_view("quarter")}};
};

inline constexpr int32_t kMinPeriodYear = 1970;
inline constexpr int32_t kMaxPeriodYear = 9999;

struct Period {
  PeriodLength length = PeriodLength::kMonth;
  uint32_t index = 0;
  bool operator==(const Period&) const = default;
  auto operator<=>(const Period&) const = default;
};

// The length is known and the year within kMinPeriodYear..kMaxPeriodYear.
bool IsValidPeriod(const Period& period);
// The period of `length` that contains `time_ms` (a time from 1970 on).
Period PeriodOf(PeriodLength length, int64_t time_ms);
// First millisecond of the period, and first millisecond of the next one.
int64_t PeriodStartMs(const Period& period);
int64_t PeriodEndMs(const Period& period);
Period NextPeriod(const Period& period);
// "2026-03" (month), "2026-Q1" (quarter).
std::string PeriodName(const Period& period);
// The inverse of PeriodName; kInvalidArgument for anything else.
Result<Period> ParsePeriod(std::string_view name);

}  // namespace covalue::contracts
