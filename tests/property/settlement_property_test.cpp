// Properties of the settlement arithmetic (contracts/settlement_math.h) over random
// formulas, revenues, contributions and balances: the lines add up to the revenue exactly;
// every part is within one unit of its exact proportional share, equal weights favouring
// the smaller member id; recoupment is exactly min(cap share, owed) and nobody is repaid
// more than owed; the result does not depend on the input order and is the same every
// time. Seeds and case counts: tests/property/property_support.h.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

#include "contracts/settlement_math.h"
#include "tests/property/property_support.h"

namespace covalue::contracts {
namespace {

using testing::CaseRng;
using testing::PropertyCases;

constexpr uint64_t kDefaultCases = 9'000;

uint64_t RandomAmount(CaseRng& rng, uint64_t max = kMaxAmount) {
  switch (rng.Range(0, 9)) {
    case 0:
      return 0;
    case 1:
      return std::min<uint64_t>(max, rng.Range(1, 100));
    case 2:
      return max;
    case 3:
    case 4:
      return rng.Range(0, std::min<uint64_t>(max, 1'000'000));
    default:
      return rng.Range(0, max);
  }
}

std::vector<std::string> RandomMembers(CaseRng& rng) {
  size_t count = rng.Chance(10) ? rng.Range(7, kMaxVentureMembers) : rng.Range(1, 6);
  static const std::vector<std::string> kNames = {"a",  "a10",  "a9",    "acme",
                                                  "b2", "m.co", "telco", "zeta-labs"};
  std::set<std::string> ids;
  while (ids.size() < count)
    ids.insert(rng.Chance(50) ? rng.Pick(kNames) : "m" + std::to_string(rng.Range(0, 999)));
  std::vector<std::string> members(ids.begin(), ids.end());
  rng.Shuffle(members);
  return members;
}

Formula RandomFormula(CaseRng& rng, const std::vector<std::string>& members) {
  Formula f;
  f.kind = static_cast<FormulaKind>(rng.Range(1, 3));
  if (f.kind != FormulaKind::kContribution) {
    // Cut 0..10000 at n − 1 random points: shares of any size, 0 included.
    std::vector<uint32_t> cuts = {0, kBasisPoints};
    for (size_t i = 1; i < members.size(); ++i) {
      cuts.push_back(rng.Chance(20) ? cuts[rng.Range(0, cuts.size() - 1)]
                                    : static_cast<uint32_t>(rng.Range(0, kBasisPoints)));
    }
    std::sort(cuts.begin(), cuts.end());
    for (size_t i = 0; i < members.size(); ++i)
      f.fixed_shares.push_back({members[i], cuts[i + 1] - cuts[i]});
  }
  if (f.kind != FormulaKind::kFixed) {
    for (const auto& [kind, name] : EnumNames<ContributionKind>::kValues) {
      if (rng.Chance(40)) {
        f.kind_weights.push_back(
            {kind, static_cast<uint32_t>(rng.Chance(20) ? 0 : rng.Range(0, kBasisPoints))});
      }
    }
  }
  if (f.kind == FormulaKind::kMixed) {
    f.fixed_part_bps = static_cast<uint32_t>(rng.Range(1, kBasisPoints - 1));
  }
  f.recoup_cap_bps =
      rng.Chance(40)
          ? 0
          : static_cast<uint32_t>(rng.Chance(10) ? kBasisPoints : rng.Range(1, kBasisPoints));
  return f;
}

// Per-member inputs as the ledger could hold them: the period's contributions (counted and
// recoupable) at most 10^15 in all, balances of any size.
std::vector<SettlementInput> RandomInputs(CaseRng& rng, const std::vector<std::string>& members,
                                          const Formula& f) {
  uint64_t budget = rng.Chance(50) ? kMaxAmount : rng.Range(0, 1'000'000);
  std::vector<SettlementInput> inputs;
  for (const auto& member : members) {
    SettlementInput in{member, 0, 0, 0, 0, 0};
    for (uint64_t n = rng.Chance(30) ? 0 : rng.Range(1, 3); n > 0; --n) {
      auto kind =
          static_cast<ContributionKind>(rng.Range(1, EnumNames<ContributionKind>::kValues.size()));
      uint64_t value = RandomAmount(rng, budget);
      budget -= value;
      if (rng.Chance(25)) {
        in.recoup_recorded += value;
      } else {
        in.weighted_contribution += static_cast<Weight>(value) * WeightOf(f, kind);
        in.contributions_counted += 1;
        in.contribution_value += value;
      }
    }
    if (rng.Chance(30)) {
      in.recoup_outstanding_before =
          rng.Chance(10) ? UINT64_MAX - rng.Range(0, 10) : RandomAmount(rng);
    }
    inputs.push_back(std::move(in));
  }
  return inputs;
}

// `amounts` split `total` by `weights` (or equally if they are all 0): Σ exact, each within
// one unit of total × w / W, a weight of 0 nothing, equal weights never favouring a larger id.
void CheckSplit(const std::vector<uint64_t>& amounts, uint64_t total, std::vector<Weight> weights) {
  Weight sum = 0;
  for (Weight w : weights) sum += w;
  if (sum == 0) {
    std::fill(weights.begin(), weights.end(), 1);
    sum = weights.size();
  }
  Weight given = 0;
  for (size_t i = 0; i < amounts.size(); ++i) {
    given += amounts[i];
    Weight exact = static_cast<Weight>(total) * weights[i];  // × 1/sum
    Weight mine = static_cast<Weight>(amounts[i]) * sum;
    REQUIRE((mine > exact ? mine - exact : exact - mine) < sum);
    if (weights[i] == 0) REQUIRE(amounts[i] == 0);
    // Lines are sorted by member id.
    if (i > 0 && weights[i] == weights[i - 1]) REQUIRE(amounts[i - 1] >= amounts[i]);
  }
  REQUIRE(given == total);
}

void CheckStatement(uint64_t revenue, const Formula& f, std::vector<SettlementInput> inputs,
                    const std::vector<SettlementLine>& lines) {
  std::sort(inputs.begin(), inputs.end(),
            [](const auto& a, const auto& b) { return a.member < b.member; });
  REQUIRE(lines.size() == inputs.size());
  Weight sum_total = 0, owed = 0;
  std::vector<uint64_t> recoup, fixed, contribution;
  std::vector<Weight> owed_by, shares, weighted;
  for (size_t i = 0; i < lines.size(); ++i) {
    const SettlementLine& line = lines[i];
    const SettlementInput& in = inputs[i];
    REQUIRE(line.member == in.member);
    REQUIRE(static_cast<Weight>(line.total) ==
            static_cast<Weight>(line.recoup_amount) + line.fixed_amount + line.contribution_amount);
    REQUIRE(line.total <= revenue);
    REQUIRE(line.contributions_counted == in.contributions_counted);
    REQUIRE(line.contribution_value == in.contribution_value);
    REQUIRE(line.recoup_recorded == in.recoup_recorded);
    uint64_t outstanding = std::min<Weight>(
        static_cast<Weight>(in.recoup_outstanding_before) + in.recoup_recorded, UINT64_MAX);
    REQUIRE(line.recoup_amount <= outstanding);
    REQUIRE(line.recoup_outstanding_after == outstanding - line.recoup_amount);
    sum_total += line.total;
    owed += outstanding;
    recoup.push_back(line.recoup_amount);
    fixed.push_back(line.fixed_amount);
    contribution.push_back(line.contribution_amount);
    owed_by.push_back(outstanding);
    uint32_t bps = 0;
    for (const auto& share : f.fixed_shares) bps = share.member == in.member ? share.bps : bps;
    shares.push_back(bps);
    weighted.push_back(in.weighted_contribution);
  }
  REQUIRE(sum_total == revenue);  // the lines add up to the revenue exactly

  // Recoupment: exactly min(cap share, owed), split by what each is owed.
  Weight cap_share = static_cast<Weight>(revenue) * f.recoup_cap_bps / kBasisPoints;
  uint64_t pool = static_cast<uint64_t>(std::min(cap_share, owed));
  if (pool > 0) CheckSplit(recoup, pool, owed_by);
  for (uint64_t r : recoup) REQUIRE((pool > 0 || r == 0));

  // The fixed part by fixed shares; the rest by weighted contributions (else by the fixed
  // shares, else equally).
  uint64_t distributable = revenue - pool;
  uint64_t fixed_part = f.kind == FormulaKind::kFixed ? distributable
                        : f.kind == FormulaKind::kContribution
                            ? 0
                            : static_cast<uint64_t>(static_cast<Weight>(distributable) *
                                                    f.fixed_part_bps / kBasisPoints);
  CheckSplit(fixed, fixed_part, shares);
  bool contributed = std::any_of(weighted.begin(), weighted.end(), [](Weight w) { return w > 0; });
  CheckSplit(contribution, distributable - fixed_part, contributed ? weighted : shares);
}

TEST_CASE("settlement arithmetic: random statements", "[property][settlement]") {
  PropertyCases("settlement_property_test \"settlement arithmetic*\"", kDefaultCases)
      .Run([](uint64_t seed) {
        CaseRng rng(seed);
        std::vector<std::string> members = RandomMembers(rng);
        Formula formula = RandomFormula(rng, members);
        REQUIRE(ValidateFormula(formula, members).ok());
        std::vector<SettlementInput> inputs = RandomInputs(rng, members, formula);
        uint64_t revenue = RandomAmount(rng);

        auto lines = ComputeSettlement(revenue, formula, inputs);
        CheckStatement(revenue, formula, inputs, lines);
        REQUIRE(ComputeSettlement(revenue, formula, inputs) == lines);  // the same every time
        rng.Shuffle(inputs);
        REQUIRE(ComputeSettlement(revenue, formula, inputs) == lines);  // whatever the input order
      });
}

TEST_CASE("largest remainder: random weights, even beyond settlement's bounds",
          "[property][settlement]") {
  PropertyCases("settlement_property_test \"largest remainder*\"", 1'000).Run([](uint64_t seed) {
    CaseRng rng(seed);
    std::vector<std::pair<std::string, Weight>> weights;
    size_t count = rng.Range(1, 20);
    unsigned bits = static_cast<unsigned>(rng.Range(1, 120));
    for (size_t i = 0; i < count; ++i) {
      Weight w = (static_cast<Weight>(rng.Next()) << 64 | rng.Next()) >> (128 - bits);
      weights.emplace_back("m" + std::to_string(100 + i), rng.Chance(10) ? 0 : w);
    }
    if (std::all_of(weights.begin(), weights.end(), [](const auto& w) { return w.second == 0; })) {
      weights[0].second = 1;
    }
    uint64_t total = rng.Chance(20) ? rng.Next() : RandomAmount(rng);
    auto shares = LargestRemainder(total, weights);
    Weight sum = 0;
    for (uint64_t s : shares) sum += s;
    REQUIRE(sum == total);
    // Within settlement's bounds no weight is scaled: each within a unit of its exact share.
    Weight weight_sum = 0;
    for (const auto& w : weights) weight_sum += w.second;
    if (total <= kMaxAmount && bits <= 70) {
      for (size_t i = 0; i < shares.size(); ++i) {
        Weight exact = static_cast<Weight>(total) * weights[i].second;
        Weight mine = static_cast<Weight>(shares[i]) * weight_sum;
        REQUIRE((mine > exact ? mine - exact : exact - mine) < weight_sum);
      }
    }
  });
}

}  // namespace
}  // namespace covalue::contracts
