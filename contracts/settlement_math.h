// The arithmetic of a settlement (docs/spec/contracts/settlement.md): how one period's
// revenue of a venture is split into per-member lines — recoupment of recorded costs first,
// then fixed shares and/or contribution-weighted shares — by the largest-remainder rule, so
// that the lines add up to the revenue exactly. Integers only (128-bit products), no state,
// no clock. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "contracts/formula.h"

namespace covalue::contracts {

using Weight = unsigned __int128;

// Splits `total` units in proportion to `weights` (member id, weight), ids unique:
//   q_i = floor(total × w_i / W), W = Σ w_i;
// the total − Σ q_i units left over go one each to the members with the largest remainders
// (total × w_i mod W), equal remainders to the smaller member id. The result is aligned with
// `weights` and adds up to `total` exactly; a member of weight 0 gets 0.
// Requires W > 0 unless total is 0 (then all are 0), and W < 2^128. Products stay below
// 2^128: if total × W could overflow, every weight is first halved (floor) until it cannot —
// which settlement never needs: there total ≤ 10^15 and W ≤ 64 members × 10^15 × 10^4 bps
// = 6.4 × 10^20, so total × W ≤ 6.4 × 10^35 < 2^128 ≈ 3.4 × 10^38.
std::vector<uint64_t> LargestRemainder(uint64_t total,
                                       const std::vector<std::pair<std::string, Weight>>& weights);

// What settlement needs to know of one venture member for one period.
struct SettlementInput {
  std::string member;
  // Σ value × weight_bps (the formula's weight of its kind) over the member's counted,
  // non-recoupable contributions of the period.
  Weight weighted_contribution = 0;
  // The member's counted, non-recoupable contributions of the period: how many, Σ value.
  uint64_t contributions_counted = 0;
  uint64_t contribution_value = 0;
  // Σ value of the member's counted recoupable contributions (costs) of the period.
  uint64_t recoup_recorded = 0;
  // The member's costs not yet repaid before this period (RecoupBalance).
  uint64_t recoup_outstanding_before = 0;
  bool operator==(const SettlementInput&) const = default;
};

// One member's line of a settlement statement. Also stored in SettlementRecord.
struct SettlementLine {
  std::string member;
  uint64_t recoup_amount = 0;        // repays recorded costs
  uint64_t fixed_amount = 0;         // the member's part of the fixed part
  uint64_t contribution_amount = 0;  // the member's part of the contribution part
  uint64_t total = 0;                // the three above: what the member is paid
  uint64_t contributions_counted = 0;
  uint64_t contribution_value = 0;
  uint64_t recoup_recorded = 0;
  uint64_t recoup_outstanding_after = 0;  // before + recorded − recoup_amount
  bool operator==(const SettlementLine&) const = default;
  template <class V>
  void Fields(V& v) {
    v.Id("member", member);
    v.Amount("recoup_amount", recoup_amount);
    v.Amount("fixed_amount", fixed_amount);
    v.Amount("contribution_amount", contribution_amount);
    v.Amount("total", total);
    v.U64("contributions_counted", contributions_counted);
    v.U64("contribution_value", contribution_value);
    v.U64("recoup_recorded", recoup_recorded);
    v.U64("recoup_outstanding_after", recoup_outstanding_after);
  }
};

// The statement for `revenue` (≤ kMaxAmount) under `formula` (valid for these members):
// one line per input, sorted by member id (the input order does not matter), the totals
// adding up to `revenue` exactly:
//  1. outstanding_i = before_i + recorded_i (saturating at 2^64 − 1). If recoup_cap_bps > 0:
//     pool = min(floor(revenue × recoup_cap_bps / 10000), Σ outstanding_i), split in
//     proportion to outstanding_i (LargestRemainder; nobody gets more than it is owed).
//  2. distributable D = revenue − pool. The fixed part F = D (fixed), 0 (contribution) or
//     floor(D × fixed_part_bps / 10000) (mixed), split by the fixed shares; the contribution
//     part D − F split by weighted_contribution — or, when no member has a weighted
//     contribution, by the fixed shares if the formula has them, else equally.
// Recorded costs join the outstanding balance whatever the formula (a later version may
// repay them), and a revenue of 0 gives lines of 0.
std::vector<SettlementLine> ComputeSettlement(uint64_t revenue, const Formula& formula,
                                              std::vector<SettlementInput> members);

}  // namespace covalue::contracts
