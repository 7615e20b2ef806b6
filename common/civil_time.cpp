#include "common/civil_time.h"

#include <cstdio>

namespace covalue {
namespace {

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

bool IsLeap(int32_t year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

uint32_t DaysInMonth(int32_t year, uint32_t month) {
  static constexpr uint32_t kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeap(year) ? 29 : kDays[month - 1];
}

// Parses exactly `width` decimal digits at `text[pos]`.
bool Digits(std::string_view text, size_t pos, size_t width, uint32_t* out) {
  if (pos + width > text.size()) return false;
  uint32_t value = 0;
  for (size_t i = pos; i < pos + width; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    value = value * 10 + static_cast<uint32_t>(text[i] - '0');
  }
  *out = value;
  return true;
}

}  // namespace

bool IsValidCivilDate(const CivilDate& d) {
  return d.month >= 1 && d.month <= 12 && d.day >= 1 && d.day <= DaysInMonth(d.year, d.month);
}

int64_t DaysFromCivil(const CivilDate& d) {
  int64_t y = d.year - (d.month <= 2 ? 1 : 0);
  int64_t era = FloorDiv(y, 400);
  int64_t yoe = y - era * 400;                                             // [0, 399]
  int64_t mp = (static_cast<int64_t>(d.month) + 9) % 12;                   // March = 0
  int64_t doy = (153 * mp + 2) / 5 + static_cast<int64_t>(d.day) - 1;      // [0, 365]
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;                     // [0, 146096]
  return era * 146097 + doe - 719468;
}

CivilDate CivilFromDays(int64_t days) {
  int64_t z = days + 719468;
  int64_t era = FloorDiv(z, 146097);
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  uint32_t day = static_cast<uint32_t>(doy - (153 * mp + 2) / 5 + 1);
  uint32_t month = static_cast<uint32_t>(mp < 10 ? mp + 3 : mp - 9);
  int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return CivilDate{static_cast<int32_t>(year), month, day};
}

CivilDate CivilFromMillis(int64_t time_ms) { return CivilFromDays(FloorDiv(time_ms, kMillisPerDay)); }

Result<int64_t> ParseUtcTime(std::string_view text) {
  auto bad = [&] {
    return Status(Code::kInvalidArgument,
                  "'" + std::string(text) + "' is not a UTC time (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)");
  };
  uint32_t year = 0, month = 0, day = 0;
  if (!Digits(text, 0, 4, &year) || text.size() < 10 || text[4] != '-' ||
      !Digits(text, 5, 2, &month) || text[7] != '-' || !Digits(text, 8, 2, &day)) {
    return bad();
  }
  CivilDate date{static_cast<int32_t>(year), month, day};
  if (year < 1970 || !IsValidCivilDate(date)) return bad();
  int64_t ms = DaysFromCivil(date) * kMillisPerDay;
  if (text.size() == 10) return ms;
  uint32_t hour = 0, minute = 0, second = 0;
  if (text.size() != 20 || text[10] != 'T' || !Digits(text, 11, 2, &hour) || text[13] != ':' ||
      !Digits(text, 14, 2, &minute) || text[16] != ':' || !Digits(text, 17, 2, &second) ||
      text[19] != 'Z' || hour > 23 || minute > 59 || second > 59) {
    return bad();
  }
  return ms + ((hour * 60 + minute) * 60 + second) * int64_t{1000};
}

std::string FormatUtcTime(int64_t time_ms) {
  // Years 0..9999 only: beyond them the day arithmetic could overflow, and no ledger time
  // is there (contracts bound the times they accept).
  constexpr int64_t kMin = -62'167'219'200'000;  // 0000-01-01
  constexpr int64_t kMax = 253'402'300'800'000;  // 10000-01-01
  if (time_ms < kMin || time_ms >= kMax) return std::to_string(time_ms) + "ms";
  CivilDate date = CivilFromMillis(time_ms);
  int64_t in_day = time_ms - DaysFromCivil(date) * kMillisPerDay;
  int64_t seconds = in_day / 1000;
  int64_t millis = in_day % 1000;
  char buffer[48];
  int n = std::snprintf(buffer, sizeof(buffer), "%04d-%02u-%02uT%02lld:%02lld:%02lld", date.year,
                        date.month, date.day, static_cast<long long>(seconds / 3600),
                        static_cast<long long>(seconds / 60 % 60), static_cast<long long>(seconds % 60));
  std::string out(buffer, static_cast<size_t>(n));
  if (millis != 0) {
    std::snprintf(buffer, sizeof(buffer), ".%03lld", static_cast<long long>(millis));
    out += buffer;
  }
  return out + "Z";
}

}  // namespace covalue
