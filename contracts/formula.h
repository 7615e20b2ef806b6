// A venture's profit formula (docs/spec/contracts.md §Formulas): how a period's revenue is
// split among the venture's members — fixed shares, contribution-weighted shares, or a mix —
// optionally after cost recoupment. Also the contribution kinds, which the weights refer
// to. Plain values with field lists (contracts/fields.h) and a validity check; pure.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "contracts/fields.h"

namespace covalue::contracts {

inline constexpr uint32_t kBasisPoints = 10'000;
inline constexpr uint32_t kMaxVentureMembers = 64;

// Wire format: never renumber.
enum class ContributionKind : uint8_t {
  kData = 1,
  kCompute = 2,
  kService = 3,
  kCapital = 4,
  kIp = 5,
  kUsage = 6,
};

template <>
struct EnumNames<ContributionKind> {
  static constexpr std::array kValues = {
      std::pair{ContributionKind::kData, std::string_view("data")},
      std::pair{ContributionKind::kCompute, std::string_view("compute")},
      std::pair{ContributionKind::kService, std::string_view("service")},
      std::pair{ContributionKind::kCapital, std::string_view("capital")},
      std::pair{ContributionKind::kIp, std::string_view("ip")},
      std::pair{ContributionKind::kUsage, std::string_view("usage")}};
};

// Wire format: never renumber.
enum class FormulaKind : uint8_t {
  kFixed = 1,         // fixed shares only
  kContribution = 2,  // by counted contribution value, weighted per kind
  kMixed = 3,         // fixed_part_bps by fixed shares, the rest by contributions
};

template <>
struct EnumNames<FormulaKind> {
  static constexpr std::array kValues = {
      std::pair{FormulaKind::kFixed, std::string_view("fixed")},
      std::pair{FormulaKind::kContribution, std::string_view("contribution")},
      std::pair{FormulaKind::kMixed, std::string_view("mixed")}};
};

struct FixedShare {
  std::string member;
  uint32_t bps = 0;
  bool operator==(const FixedShare&) const = default;
  template <class V>
  void Fields(V& v) {
    v.Id("member", member);
    v.U32("bps", bps);
  }
};

struct KindWeight {
  ContributionKind kind = ContributionKind::kData;
  uint32_t weight_bps = kBasisPoints;  // 0..10000; 10000 counts a contribution's full value
  bool operator==(const KindWeight&) const = default;
  template <class V>
  void Fields(V& v) {
    v.Enum("kind", kind);
    v.U32("weight_bps", weight_bps);
  }
};

struct Formula {
  FormulaKind kind = FormulaKind::kFixed;
  // kFixed, kMixed: every venture member exactly once, bps summing to 10000. Else empty.
  std::vector<FixedShare> fixed_shares;
  // kContribution, kMixed: weights per kind, each kind at most once; a kind not listed
  // weighs 10000. Else empty.
  std::vector<KindWeight> kind_weights;
  // kMixed: 1..9999, the share of the distributable revenue split by fixed shares. Else 0.
  uint32_t fixed_part_bps = 0;
  // 0: no recoupment. 1..10000: up to this share of each period's revenue first repays the
  // members' recorded recoupable costs (carried over until repaid).
  uint32_t recoup_cap_bps = 0;
  bool operator==(const Formula&) const = default;
  template <class V>
  void Fields(V& v) {
    v.Enum("kind", kind);
    v.List("fixed_shares", fixed_shares, kMaxVentureMembers);
    v.List("kind_weights", kind_weights, static_cast<uint32_t>(EnumNames<ContributionKind>::kValues.size()));
    v.U32("fixed_part_bps", fixed_part_bps);
    v.U32("recoup_cap_bps", recoup_cap_bps);
  }
};

// kInvalidArgument naming the first rule `formula` breaks for a venture of `members`.
Status ValidateFormula(const Formula& formula, const std::vector<std::string>& members);
// The weight (bps) of `kind` under `formula`.
uint32_t WeightOf(const Formula& formula, ContributionKind kind);

}  // namespace covalue::contracts
