// Calendar arithmetic on the proleptic Gregorian calendar in UTC, integer only: days since
// 1970-01-01 from a civil date and back (H. Hinnant's days_from_civil algorithm), and
// "YYYY-MM-DD" / "YYYY-MM-DDTHH:MM:SSZ" text. Contracts use it to place a block's time in a
// month or quarter, so it must give the same answer on every node: no time zones, no libc.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace covalue {

struct CivilDate {
  int32_t year = 1970;
  uint32_t month = 1;  // 1..12
  uint32_t day = 1;    // 1..31
  bool operator==(const CivilDate&) const = default;
};

inline constexpr int64_t kMillisPerDay = 86'400'000;

// Days since 1970-01-01 (negative before). `date` must be a real date.
int64_t DaysFromCivil(const CivilDate& date);
CivilDate CivilFromDays(int64_t days);
// The civil date (UTC) of a time in milliseconds since the epoch (floor for negative times).
CivilDate CivilFromMillis(int64_t time_ms);
bool IsValidCivilDate(const CivilDate& date);

// "2026-03-31" (midnight UTC) or "2026-03-31T12:00:00Z" → milliseconds since the epoch;
// years 1970..9999.
Result<int64_t> ParseUtcTime(std::string_view text);
// "2026-03-31T12:00:00.250Z" (milliseconds only when not zero); a time outside the years
// 0..9999 as "<ms>ms".
std::string FormatUtcTime(int64_t time_ms);

}  // namespace covalue
