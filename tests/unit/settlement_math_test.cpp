// The settlement arithmetic (contracts/settlement_math.h): largest-remainder splits and the
// statement of each formula kind, with the arithmetic worked by hand in the comments.
#include <catch2/catch.hpp>

#include "contracts/settlement_math.h"

namespace covalue::contracts {
namespace {

using Weights = std::vector<std::pair<std::string, Weight>>;

Formula FixedFormula(std::vector<FixedShare> shares, uint32_t recoup_cap_bps = 0) {
  return Formula{FormulaKind::kFixed, std::move(shares), {}, 0, recoup_cap_bps};
}

SettlementInput Contributed(std::string member, uint64_t value, uint32_t weight_bps = kBasisPoints,
                            uint64_t count = 1) {
  return SettlementInput{
      std::move(member), static_cast<Weight>(value) * weight_bps, count, value, 0, 0};
}

SettlementInput Owed(std::string member, uint64_t before, uint64_t recorded) {
  return SettlementInput{std::move(member), 0, 0, 0, recorded, before};
}

uint64_t Sum(const std::vector<uint64_t>& values) {
  uint64_t sum = 0;
  for (uint64_t v : values) sum += v;
  return sum;
}

TEST_CASE("largest remainder: floors, then the leftover to the largest remainders",
          "[settlement]") {
  // 10 × 3333 / 10000 = 3.333, 3.333, 10 × 3334 / 10000 = 3.334: floors 3, 3, 3 (9); the one
  // unit left goes to c, whose remainder (33340 mod 10000 = 3340) is the largest.
  CHECK(LargestRemainder(10, {{"a", 3333}, {"b", 3333}, {"c", 3334}}) ==
        std::vector<uint64_t>{3, 3, 4});
  // 1000 × 1/7 = 142.857 (×1), × 2/7 = 285.714, × 4/7 = 571.428: floors 142 + 285 + 571 =
  // 998; remainders 6, 5, 3 (of 7): the two units go to a and b.
  CHECK(LargestRemainder(1000, {{"a", 1}, {"b", 2}, {"c", 4}}) ==
        std::vector<uint64_t>{143, 286, 571});
  CHECK(LargestRemainder(0, {{"a", 1}}) == std::vector<uint64_t>{0});
  CHECK(LargestRemainder(5, {{"a", 7}}) == std::vector<uint64_t>{5});
}

TEST_CASE("largest remainder: equal remainders go to the smaller member id, in any input order",
          "[settlement]") {
  // 100 / 3 = 33 r 1 each: one unit left, all remainders equal: the smallest id, "a", gets it.
  CHECK(LargestRemainder(100, {{"a", 1}, {"b", 1}, {"c", 1}}) == std::vector<uint64_t>{34, 33, 33});
  CHECK(LargestRemainder(100, {{"c", 1}, {"b", 1}, {"a", 1}}) == std::vector<uint64_t>{33, 33, 34});
  // Two left (101 / 3 = 33 r 2): a and b.
  CHECK(LargestRemainder(101, {{"c", 1}, {"a", 1}, {"b", 1}}) == std::vector<uint64_t>{33, 34, 34});
  // Ids compare bytewise: "a10" < "a9".
  CHECK(LargestRemainder(1, {{"a9", 1}, {"a10", 1}}) == std::vector<uint64_t>{0, 1});
}

TEST_CASE("largest remainder: a weight of 0 gets nothing, even with units left", "[settlement]") {
  CHECK(LargestRemainder(7, {{"a", 0}, {"b", 1}, {"c", 1}}) == std::vector<uint64_t>{0, 4, 3});
  CHECK(LargestRemainder(1, {{"a", 0}, {"b", 0}, {"c", 5}}) == std::vector<uint64_t>{0, 0, 1});
}

TEST_CASE("largest remainder: sums exactly at the bounds and beyond them", "[settlement]") {
  // Settlement's largest inputs: 10^15 split by 64 weights of 10^15 × 10^4.
  Weights big;
  for (int i = 0; i < 64; ++i)
    big.emplace_back("m" + std::to_string(100 + i), Weight(kMaxAmount) * kBasisPoints - i);
  auto shares = LargestRemainder(kMaxAmount, big);
  CHECK(Sum(shares) == kMaxAmount);
  for (uint64_t s : shares) CHECK((s + 1 >= kMaxAmount / 64 && s <= kMaxAmount / 64 + 1));
  // Beyond them (never reached by settlement), the weights are scaled and the sum still holds.
  Weight huge = ~Weight(0) / 3;
  auto scaled = LargestRemainder(UINT64_MAX, {{"a", huge}, {"b", huge}, {"c", 1}});
  CHECK(Sum(scaled) == UINT64_MAX);
  CHECK(scaled[0] - scaled[1] <= 1);
}

TEST_CASE("fixed formula: each member its share, the rounding unit by largest remainder",
          "[settlement]") {
  // 1001 × 50% = 500.5, × 30% = 300.3, × 20% = 200.2: floors 1000, one unit left; the largest
  // remainder is a's (.5).
  Formula formula = FixedFormula({{"a", 5000}, {"b", 3000}, {"c", 2000}});
  auto lines =
      ComputeSettlement(1001, formula, {Contributed("a", 10), Owed("b", 0, 0), Owed("c", 0, 0)});
  REQUIRE(lines.size() == 3);
  CHECK(lines[0] == SettlementLine{"a", 0, 501, 0, 501, 1, 10, 0, 0});
  CHECK(lines[1] == SettlementLine{"b", 0, 300, 0, 300, 0, 0, 0, 0});
  CHECK(lines[2] == SettlementLine{"c", 0, 200, 0, 200, 0, 0, 0, 0});
}

TEST_CASE("contribution formula: by weighted contribution value", "[settlement]") {
  // compute weighs 50%. a: 300 data → 300 × 10000 = 3,000,000; b: 400 compute → 400 × 5000 =
  // 2,000,000; c: nothing. W = 5,000,000. 999 × 3/5 = 599.4, 999 × 2/5 = 399.6: floors 998,
  // one left; remainders .4 (a) and .6 (b): b. a 599, b 400, c 0.
  Formula formula{FormulaKind::kContribution, {}, {{ContributionKind::kCompute, 5000}}, 0, 0};
  auto lines = ComputeSettlement(
      999, formula, {Contributed("a", 300), Contributed("b", 400, 5000, 2), Owed("c", 0, 0)});
  CHECK(lines[0] == SettlementLine{"a", 0, 0, 599, 599, 1, 300, 0, 0});
  CHECK(lines[1] == SettlementLine{"b", 0, 0, 400, 400, 2, 400, 0, 0});
  CHECK(lines[2] == SettlementLine{"c", 0, 0, 0, 0, 0, 0, 0, 0});
}

TEST_CASE("contribution formula without contributions: equally, the leftover by member id",
          "[settlement]") {
  Formula formula{FormulaKind::kContribution, {}, {}, 0, 0};
  auto lines = ComputeSettlement(100, formula, {Owed("c", 0, 0), Owed("b", 0, 0), Owed("a", 0, 0)});
  CHECK(lines[0].member == "a");
  CHECK(lines[0].contribution_amount == 34);
  CHECK(lines[1].contribution_amount == 33);
  CHECK(lines[2].contribution_amount == 33);
}

TEST_CASE("mixed formula with recoupment: the worked example of the spec", "[settlement]") {
  // Shares a 60%, b 40%; fixed part 50%; recoupment capped at 20%. Revenue 10,000.
  // Owed: a 1,500 from before, b 700 recorded this period: 2,200.
  // 1. pool = min(10,000 × 20% = 2,000, 2,200) = 2,000, split 1,500 : 700:
  //    a 2,000 × 1,500 / 2,200 = 1,363.6, b 2,000 × 700 / 2,200 = 636.4 → floors 1,999; the
  //    unit to a (remainder .6 > .4): a 1,364 (136 still owed), b 636 (64 still owed).
  // 2. D = 8,000; fixed part 8,000 × 50% = 4,000: a 2,400, b 1,600.
  //    Contribution part 4,000 by data 100 (a) : 300 (b): a 1,000, b 3,000.
  // Totals a 1,364 + 2,400 + 1,000 = 4,764; b 636 + 1,600 + 3,000 = 5,236; Σ 10,000.
  Formula formula{FormulaKind::kMixed, {{"a", 6000}, {"b", 4000}}, {}, 5000, 2000};
  SettlementInput a = Contributed("a", 100);
  a.recoup_outstanding_before = 1500;
  SettlementInput b = Contributed("b", 300, kBasisPoints, 3);
  b.recoup_recorded = 700;
  auto lines = ComputeSettlement(10'000, formula, {b, a});
  CHECK(lines[0] == SettlementLine{"a", 1364, 2400, 1000, 4764, 1, 100, 0, 136});
  CHECK(lines[1] == SettlementLine{"b", 636, 1600, 3000, 5236, 3, 300, 700, 64});
}

TEST_CASE("mixed formula without contributions: the contribution part by fixed shares",
          "[settlement]") {
  // D = 1,000; fixed part 30% = 300 → a 225, b 75; the contribution part 700 by the same
  // shares (75/25) → a 525, b 175.
  Formula formula{FormulaKind::kMixed, {{"a", 7500}, {"b", 2500}}, {}, 3000, 0};
  auto lines = ComputeSettlement(1000, formula, {Owed("a", 0, 0), Owed("b", 0, 0)});
  CHECK(lines[0] == SettlementLine{"a", 0, 225, 525, 750, 0, 0, 0, 0});
  CHECK(lines[1] == SettlementLine{"b", 0, 75, 175, 250, 0, 0, 0, 0});
}

TEST_CASE("recoupment: never above what is owed, nor the cap, carried over", "[settlement]") {
  Formula formula = FixedFormula({{"a", 5000}, {"b", 5000}}, 5000);
  // Period 1: 1,000 × 50% = 500 ≥ owed? a owes 800: pool 500, all a's. D 500: 250 each.
  auto first = ComputeSettlement(1000, formula, {Owed("a", 0, 800), Owed("b", 0, 0)});
  CHECK(first[0] == SettlementLine{"a", 500, 250, 0, 750, 0, 0, 800, 300});
  CHECK(first[1] == SettlementLine{"b", 0, 250, 0, 250, 0, 0, 0, 0});
  // Period 2: a owes 300 < 500: pool 300; D 700: 350 each.
  auto second = ComputeSettlement(1000, formula, {Owed("a", 300, 0), Owed("b", 0, 0)});
  CHECK(second[0] == SettlementLine{"a", 300, 350, 0, 650, 0, 0, 0, 0});
  CHECK(second[1].total == 350);
  // A cap of 100%: everything repays costs while any are owed.
  Formula all = FixedFormula({{"a", 5000}, {"b", 5000}}, kBasisPoints);
  auto third = ComputeSettlement(999, all, {Owed("a", 5000, 0), Owed("b", 1000, 0)});
  CHECK(third[0].recoup_amount + third[1].recoup_amount == 999);
  CHECK(third[0].fixed_amount + third[1].fixed_amount == 0);
}

TEST_CASE("no recoupment cap: recorded costs are only carried", "[settlement]") {
  Formula formula = FixedFormula({{"a", 5000}, {"b", 5000}});
  auto lines = ComputeSettlement(1000, formula, {Owed("a", 100, 50), Owed("b", 0, 0)});
  CHECK(lines[0] == SettlementLine{"a", 0, 500, 0, 500, 0, 0, 50, 150});
}

TEST_CASE("zero revenue: lines of 0, recorded costs still join the balance", "[settlement]") {
  Formula formula{FormulaKind::kMixed, {{"a", 5000}, {"b", 5000}}, {}, 5000, 2500};
  auto lines = ComputeSettlement(0, formula, {Owed("a", 100, 50), Contributed("b", 10)});
  CHECK(lines[0] == SettlementLine{"a", 0, 0, 0, 0, 0, 0, 50, 150});
  CHECK(lines[1] == SettlementLine{"b", 0, 0, 0, 0, 1, 10, 0, 0});
}

TEST_CASE("the largest amounts do not overflow", "[settlement]") {
  Formula formula{FormulaKind::kMixed, {{"a", 1}, {"b", 9999}}, {}, 9999, kBasisPoints};
  auto lines = ComputeSettlement(
      kMaxAmount, formula,
      {SettlementInput{"a", Weight(kMaxAmount) * kBasisPoints, 1, kMaxAmount, kMaxAmount,
                       UINT64_MAX},
       SettlementInput{"b", Weight(kMaxAmount) * kBasisPoints, 1, kMaxAmount, 0, 0}});
  CHECK(lines[0].recoup_outstanding_after == UINT64_MAX - kMaxAmount);  // saturated, then repaid
  CHECK(lines[0].total + lines[1].total == kMaxAmount);
}

}  // namespace
}  // namespace covalue::contracts
