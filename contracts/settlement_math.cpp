#include "contracts/settlement_math.h"

#include <algorithm>
#include <cassert>
#include <numeric>

namespace covalue::contracts {
namespace {

using Weights = std::vector<std::pair<std::string, Weight>>;

Weight SumOf(const Weights& weights) {
  Weight sum = 0;
  for (const auto& [member, weight] : weights) {
    assert(sum + weight >= sum && "weights sum to 2^128 or more");
    sum += weight;
  }
  return sum;
}

uint64_t SaturatingAdd(uint64_t a, uint64_t b) {
  return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

// `amount` split by `weights`, or equally if every weight is 0.
std::vector<uint64_t> SplitOrEqually(uint64_t amount, Weights weights) {
  if (SumOf(weights) == 0) {
    for (auto& [member, weight] : weights) weight = 1;
  }
  return LargestRemainder(amount, weights);
}

}  // namespace

std::vector<uint64_t> LargestRemainder(uint64_t total, const Weights& weights) {
  std::vector<uint64_t> shares(weights.size(), 0);
  if (total == 0) return shares;
  Weight sum = SumOf(weights);
  assert(sum > 0 && "nothing to split by");
  // Keep total × w_i (≤ total × W) below 2^128; never needed within settlement's bounds.
  const Weight kMaxProductFactor = ~Weight(0) / total;
  unsigned shift = 0;
  while ((sum >> shift) > kMaxProductFactor) ++shift;
  Weight scaled_sum = 0;
  for (const auto& [member, weight] : weights) scaled_sum += weight >> shift;

  std::vector<Weight> remainders(weights.size());
  uint64_t given = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    Weight product = static_cast<Weight>(total) * (weights[i].second >> shift);
    shares[i] = static_cast<uint64_t>(product / scaled_sum);
    remainders[i] = product % scaled_sum;
    given += shares[i];
  }
  // Fewer units are left than members with a remainder (Σ remainders = left × W, each < W).
  std::vector<size_t> order(weights.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (remainders[a] != remainders[b]) return remainders[a] > remainders[b];
    return weights[a].first < weights[b].first;
  });
  for (uint64_t left = total - given, k = 0; left > 0; --left, ++k) ++shares[order[k]];
  return shares;
}

std::vector<SettlementLine> ComputeSettlement(uint64_t revenue, const Formula& formula,
                                              std::vector<SettlementInput> members) {
  assert(revenue <= kMaxAmount);
  assert((revenue == 0 || !members.empty()) && "revenue without members");
  std::sort(members.begin(), members.end(),
            [](const SettlementInput& a, const SettlementInput& b) { return a.member < b.member; });

  std::vector<SettlementLine> lines(members.size());
  Weights owed, shares, contributions;
  for (size_t i = 0; i < members.size(); ++i) {
    const SettlementInput& in = members[i];
    lines[i].member = in.member;
    lines[i].contributions_counted = in.contributions_counted;
    lines[i].contribution_value = in.contribution_value;
    lines[i].recoup_recorded = in.recoup_recorded;
    lines[i].recoup_outstanding_after =
        SaturatingAdd(in.recoup_outstanding_before, in.recoup_recorded);
    owed.emplace_back(in.member, lines[i].recoup_outstanding_after);
    uint32_t share_bps = 0;
    for (const auto& share : formula.fixed_shares) {
      if (share.member == in.member) share_bps = share.bps;
    }
    shares.emplace_back(in.member, share_bps);
    contributions.emplace_back(in.member, in.weighted_contribution);
  }

  // 1. Recoupment: at most the cap's share of the revenue, at most what is owed.
  uint64_t pool = 0;
  if (formula.recoup_cap_bps > 0) {
    Weight cap_share = static_cast<Weight>(revenue) * formula.recoup_cap_bps / kBasisPoints;
    pool = static_cast<uint64_t>(std::min(cap_share, SumOf(owed)));
  }
  if (pool > 0) {
    std::vector<uint64_t> recoup = LargestRemainder(pool, owed);
    for (size_t i = 0; i < lines.size(); ++i) {
      lines[i].recoup_amount = recoup[i];
      lines[i].recoup_outstanding_after -= recoup[i];
    }
  }

  // 2. The distributable rest: a fixed part by fixed shares, a contribution part by
  // weighted contributions (by fixed shares, else equally, when nobody has any).
  uint64_t distributable = revenue - pool;
  uint64_t fixed_part = 0;
  switch (formula.kind) {
    case FormulaKind::kFixed:
      fixed_part = distributable;
      break;
    case FormulaKind::kContribution:
      fixed_part = 0;
      break;
    case FormulaKind::kMixed:
      fixed_part = static_cast<uint64_t>(static_cast<Weight>(distributable) *
                                         formula.fixed_part_bps / kBasisPoints);
      break;
  }
  uint64_t contribution_part = distributable - fixed_part;
  std::vector<uint64_t> fixed = SplitOrEqually(fixed_part, shares);
  std::vector<uint64_t> by_contribution =
      SplitOrEqually(contribution_part, SumOf(contributions) > 0 ? contributions : shares);
  for (size_t i = 0; i < lines.size(); ++i) {
    lines[i].fixed_amount = fixed[i];
    lines[i].contribution_amount = by_contribution[i];
    lines[i].total = lines[i].recoup_amount + fixed[i] + by_contribution[i];
  }
  return lines;
}

}  // namespace covalue::contracts
