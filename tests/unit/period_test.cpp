// Calendar arithmetic (common/civil_time.h) and accounting periods (contracts/period.h).
#include <catch2/catch.hpp>

#include "common/civil_time.h"
#include "contracts/period.h"

namespace covalue::contracts {
namespace {

TEST_CASE("civil dates round-trip through day numbers", "[period]") {
  CHECK(DaysFromCivil({1970, 1, 1}) == 0);
  CHECK(DaysFromCivil({2000, 3, 1}) == 11017);
  CHECK(DaysFromCivil({1969, 12, 31}) == -1);
  for (int64_t days = -1000; days < 200'000; days += 37) {
    CivilDate date = CivilFromDays(days);
    REQUIRE(IsValidCivilDate(date));
    REQUIRE(DaysFromCivil(date) == days);
  }
  CHECK(CivilFromDays(DaysFromCivil({2024, 2, 29})) == CivilDate{2024, 2, 29});
  CHECK_FALSE(IsValidCivilDate({2023, 2, 29}));
  CHECK_FALSE(IsValidCivilDate({2100, 2, 29}));
  CHECK(IsValidCivilDate({2000, 2, 29}));
}

TEST_CASE("UTC times parse and format", "[period]") {
  CHECK(*ParseUtcTime("1970-01-01") == 0);
  CHECK(*ParseUtcTime("2026-03-31T12:00:01Z") == DaysFromCivil({2026, 3, 31}) * kMillisPerDay + 43'201'000);
  CHECK(FormatUtcTime(*ParseUtcTime("2026-03-31T12:00:01Z")) == "2026-03-31T12:00:01Z");
  CHECK(FormatUtcTime(1250) == "1970-01-01T00:00:01.250Z");
  CHECK(FormatUtcTime(-1) == "1969-12-31T23:59:59.999Z");
  CHECK(FormatUtcTime(INT64_MAX) == std::to_string(INT64_MAX) + "ms");
  CHECK(FormatUtcTime(INT64_MIN) == std::to_string(INT64_MIN) + "ms");
  CHECK(FormatUtcTime(*ParseUtcTime("9999-12-31T23:59:59Z")) == "9999-12-31T23:59:59Z");
  for (const char* bad : {"", "2026-3-31", "2026-02-30", "1969-12-31", "2026-03-31T24:00:00Z",
                          "2026-03-31T12:00:00", "2026-03-31 12:00:00Z", "2026-03-31Z"}) {
    INFO(bad);
    CHECK(ParseUtcTime(bad).status().code() == Code::kInvalidArgument);
  }
}

TEST_CASE("periods: names, bounds and the period of a time", "[period]") {
  auto q1 = ParsePeriod("2026-Q1");
  REQUIRE(q1.ok());
  CHECK(PeriodName(*q1) == "2026-Q1");
  CHECK(PeriodStartMs(*q1) == *ParseUtcTime("2026-01-01"));
  CHECK(PeriodEndMs(*q1) == *ParseUtcTime("2026-04-01"));
  CHECK(PeriodName(NextPeriod(*ParsePeriod("2026-Q4"))) == "2027-Q1");
  CHECK(PeriodName(NextPeriod(*ParsePeriod("2026-12"))) == "2027-01");
  CHECK(PeriodEndMs(*ParsePeriod("2024-02")) == *ParseUtcTime("2024-03-01"));
  CHECK(PeriodOf(PeriodLength::kQuarter, *ParseUtcTime("2026-06-30T23:59:59Z")) == *ParsePeriod("2026-Q2"));
  CHECK(PeriodOf(PeriodLength::kQuarter, *ParseUtcTime("2026-07-01")) == *ParsePeriod("2026-Q3"));
  CHECK(PeriodOf(PeriodLength::kMonth, *ParseUtcTime("2026-07-01")) == *ParsePeriod("2026-07"));
  CHECK(*ParsePeriod("2026-Q1") < *ParsePeriod("2026-Q2"));
  for (const char* bad : {"2026-Q0", "2026-Q5", "2026-13", "2026-00", "1969-12", "26-Q1", "2026Q1", "2026-q1"}) {
    INFO(bad);
    CHECK(ParsePeriod(bad).status().code() == Code::kInvalidArgument);
  }
  CHECK_FALSE(IsValidPeriod(Period{static_cast<PeriodLength>(3), 2026 * 12}));
  CHECK_FALSE(IsValidPeriod(Period{PeriodLength::kMonth, 10000u * 12}));
}

}  // namespace
}  // namespace covalue::contracts
