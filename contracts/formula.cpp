#include "contracts/formula.h"

#include <set>

namespace covalue::contracts {
namespace {

Status Invalid(std::string message) { return Status(Code::kInvalidArgument, "formula: " + std::move(message)); }

Status ValidateShares(const Formula& f, const std::vector<std::string>& members) {
  std::set<std::string> expected(members.begin(), members.end());
  std::set<std::string> seen;
  uint64_t total = 0;
  for (const auto& share : f.fixed_shares) {
    if (!expected.count(share.member)) return Invalid("'" + share.member + "' is not a venture member");
    if (!seen.insert(share.member).second) return Invalid("'" + share.member + "' has two fixed shares");
    total += share.bps;
  }
  if (seen.size() != expected.size()) return Invalid("every venture member needs a fixed share (0 allowed)");
  if (total != kBasisPoints) return Invalid("fixed shares sum to " + std::to_string(total) + " bps, not 10000");
  return Status::Ok();
}

Status ValidateWeights(const Formula& f) {
  std::set<ContributionKind> seen;
  for (const auto& w : f.kind_weights) {
    if (!seen.insert(w.kind).second) {
      return Invalid("kind '" + std::string(EnumName(w.kind)) + "' weighted twice");
    }
    if (w.weight_bps > kBasisPoints) return Invalid("a kind weight is over 10000 bps");
  }
  return Status::Ok();
}

}  // namespace

Status ValidateFormula(const Formula& f, const std::vector<std::string>& members) {
  if (f.recoup_cap_bps > kBasisPoints) return Invalid("recoup_cap_bps is over 10000");
  switch (f.kind) {
    case FormulaKind::kFixed:
      if (!f.kind_weights.empty() || f.fixed_part_bps != 0) {
        return Invalid("a fixed formula has no kind weights and no fixed part");
      }
      return ValidateShares(f, members);
    case FormulaKind::kContribution:
      if (!f.fixed_shares.empty() || f.fixed_part_bps != 0) {
        return Invalid("a contribution formula has no fixed shares and no fixed part");
      }
      return ValidateWeights(f);
    case FormulaKind::kMixed:
      if (f.fixed_part_bps == 0 || f.fixed_part_bps >= kBasisPoints) {
        return Invalid("a mixed formula's fixed_part_bps must be 1..9999");
      }
      COVALUE_RETURN_IF_ERROR(ValidateShares(f, members));
      return ValidateWeights(f);
  }
  return Invalid("unknown kind");
}

uint32_t WeightOf(const Formula& f, ContributionKind kind) {
  for (const auto& w : f.kind_weights) {
    if (w.kind == kind) return w.weight_bps;
  }
  return kBasisPoints;
}

}  // namespace covalue::contracts
