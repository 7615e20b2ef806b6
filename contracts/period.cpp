#include "contracts/period.h"

#include <cstdio>

#include "common/civil_time.h"

namespace covalue::contracts {
namespace {

uint32_t PerYear(PeriodLength length) { return length == PeriodLength::kQuarter ? 4 : 12; }
uint32_t MonthsEach(PeriodLength length) { return length == PeriodLength::kQuarter ? 3 : 1; }

int32_t YearOf(const Period& p) { return static_cast<int32_t>(p.index / PerYear(p.length)); }

// The civil month (1..12) the period starts in.
uint32_t FirstMonth(const Period& p) { return (p.index % PerYear(p.length)) * MonthsEach(p.length) + 1; }

}  // namespace

bool IsValidPeriod(const Period& p) {
  if (!EnumFromWire<PeriodLength>(static_cast<uint8_t>(p.length))) return false;
  int32_t year = YearOf(p);
  return year >= kMinPeriodYear && year <= kMaxPeriodYear;
}

Period PeriodOf(PeriodLength length, int64_t time_ms) {
  CivilDate date = CivilFromMillis(time_ms);
  uint32_t in_year = (date.month - 1) / MonthsEach(length);
  return Period{length, static_cast<uint32_t>(date.year) * PerYear(length) + in_year};
}

int64_t PeriodStartMs(const Period& p) {
  return DaysFromCivil(CivilDate{YearOf(p), FirstMonth(p), 1}) * kMillisPerDay;
}

int64_t PeriodEndMs(const Period& p) { return PeriodStartMs(NextPeriod(p)); }

Period NextPeriod(const Period& p) { return Period{p.length, p.index + 1}; }

std::string PeriodName(const Period& p) {
  char buffer[32];
  if (p.length == PeriodLength::kQuarter) {
    std::snprintf(buffer, sizeof(buffer), "%04d-Q%u", YearOf(p), p.index % 4 + 1);
  } else {
    std::snprintf(buffer, sizeof(buffer), "%04d-%02u", YearOf(p), p.index % 12 + 1);
  }
  return buffer;
}

Result<Period> ParsePeriod(std::string_view name) {
  auto bad = [&] {
    return Status(Code::kInvalidArgument,
                  "'" + std::string(name) + "' is not a period (YYYY-MM or YYYY-Qn)");
  };
  if (name.size() != 7 || name[4] != '-') return bad();
  uint32_t year = 0;
  for (size_t i = 0; i < 4; ++i) {
    if (name[i] < '0' || name[i] > '9') return bad();
    year = year * 10 + static_cast<uint32_t>(name[i] - '0');
  }
  Period period;
  if (name[5] == 'Q') {
    if (name[6] < '1' || name[6] > '4') return bad();
    period = Period{PeriodLength::kQuarter, year * 4 + static_cast<uint32_t>(name[6] - '1')};
  } else {
    if (name[5] < '0' || name[5] > '1' || name[6] < '0' || name[6] > '9') return bad();
    uint32_t month = static_cast<uint32_t>((name[5] - '0') * 10 + (name[6] - '0'));
    if (month < 1 || month > 12) return bad();
    period = Period{PeriodLength::kMonth, year * 12 + month - 1};
  }
  if (!IsValidPeriod(period)) return bad();
  return period;
}

}  // namespace covalue::contracts
