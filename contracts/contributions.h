// Contributions to a venture (docs/spec/contracts/ventures.md): contribution.record records
// what a member put in during a period (data, compute, capital, … with a value in the
// venture's currency); contribution.dispute and contribution.resolve let another member
// contest it. Each period keeps running totals of the contributions that count, per
// (member, kind, recoupable), so settlement never scans. Pure; thread-compatible.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "contracts/fields.h"
#include "contracts/formula.h"
#include "contracts/kinds.h"
#include "contracts/period.h"

namespace covalue::contracts {

inline constexpr uint32_t kMaxUnitLength = 32;
inline constexpr uint32_t kMaxDisputeTextLength = 256;
// Contributions recorded per (venture, period), whatever became of them.
inline constexpr uint32_t kMaxContributionsPerPeriod = 10'000;
// Every (member, kind, recoupable) of a venture at most once.
inline constexpr uint32_t kMaxContributionTotals =
    kMaxVentureMembers * static_cast<uint32_t>(EnumNames<ContributionKind>::kValues.size()) * 2;

// Wire format: never renumber.
enum class ContributionStatus : uint8_t { kCounted = 1, kDisputed = 2, kWithdrawn = 3 };

template <>
struct EnumNames<ContributionStatus> {
  static constexpr std::array kValues = {
      std::pair{ContributionStatus::kCounted, std::string_view("counted")},
      std::pair{ContributionStatus::kDisputed, std::string_view("disputed")},
      std::pair{ContributionStatus::kWithdrawn, std::string_view("withdrawn")}};
};

// Wire format: never renumber.
enum class DisputeOutcome : uint8_t {
  kUpheld = 1,     // the contribution counts again (the disputer withdraws the dispute)
  kWithdrawn = 2,  // the contribution is withdrawn for good (the contributor gives it up)
};

template <>
struct EnumNames<DisputeOutcome> {
  static constexpr std::array kValues = {
      std::pair{DisputeOutcome::kUpheld, std::string_view("upheld")},
      std::pair{DisputeOutcome::kWithdrawn, std::string_view("withdrawn")}};
};

struct ContributionRecordBody {
  std::string contribution_id;
  std::string venture_id;
  ContributionKind kind = ContributionKind::kData;
  uint64_t quantity = 0;
  std::string unit;
  uint64_t value = 0;  // minor units of the venture's currency, > 0
  Period period;
  Hash32 evidence_hash{};
  // A recoupable cost: repaid first under a formula with recoupment, and then not counted
  // as a weighted contribution.
  bool recoupable = false;
  bool operator==(const ContributionRecordBody&) const = default;
  template <class V>
  void Fields(V& v) {
    v.Id("contribution_id", contribution_id);
    v.Id("venture_id", venture_id);
    v.Enum("kind", kind);
    v.U64("quantity", quantity);
    v.Text("unit", unit, kMaxUnitLength);
    v.Amount("value", value);
    v.PeriodField("period", period);
    v.Hash("evidence_hash", evidence_hash);
    v.Bool("recoupable", recoupable);
  }
};

struct ContributionDisputeBody {
  std::string contribution_id;
  std::string reason;  // non-empty
  bool operator==(const ContributionDisputeBody&) const = default;
  template <class V>
  void Fields(V& v) {
    v.Id("contribution_id", contribution_id);
    v.Text("reason", reason, kMaxDisputeTextLength);
  }
};

struct ContributionResolveBody {
  std::string contribution_id;
  DisputeOutcome outcome = DisputeOutcome::kUpheld;
  std::string note;
  bool operator==(const ContributionResolveBody&) const = default;
  template <class V>
  void Fields(V& v) {
    v.Id("contribution_id", contribution_id);
    v.Enum("outcome", outcome);
    v.Text("note", note, kMaxDisputeTextLength);
  }
};

// "contribution/<contribution_id>": the contribution as recorded (flat: the body's fields
// first) and what became of it.
struct ContributionRecord {
  static constexpr uint16_t kRecordVersion = 1;
  ContributionRecordBody entry;
  std::string contributor;
  ContributionStatus status = ContributionStatus::kCounted;
  std::string disputed_by;      // "" unless disputed (kept after a resolution)
  std::string dispute_reason;   // "" unless disputed
  std::string resolution_note;  // "" until resolved
  uint64_t recorded_height = 0;
  const std::string& id() const { return entry.contribution_id; }
  bool operator==(const ContributionRecord&) const = default;
  template <class V>
  void Fields(V& v) {
    entry.Fields(v);
    v.Id("contributor", contributor);
    v.Enum("status", status);
    v.OptId("disputed_by", disputed_by);
    v.Text("dispute_reason", dispute_reason, kMaxDisputeTextLength);
    v.Text("resolution_note", resolution_note, kMaxDisputeTextLength);
    v.U64("recorded_height", recorded_height);
  }
};

// One (member, kind, recoupable) of a period: the contributions with status `counted`.
struct ContributionTotal {
  std::string member;
  ContributionKind kind = ContributionKind::kData;
  bool recoupable = false;
  uint32_t count = 0;
  uint64_t value = 0;  // sum of their values, ≤ kMaxAmount
  bool operator==(const ContributionTotal&) const = default;
  template <class V>
  void Fields(V& v) {
    v.Id("member", member);
    v.Enum("kind", kind);
    v.Bool("recoupable", recoupable);
    v.U32("count", count);
    v.U64("value", value);
  }
};

// "contribution-totals/<venture_id>/<period name>". `entries` sorted by (member, kind,
// recoupable), none with count 0, counting only contributions with status `counted`.
// recorded_count and open_value bound the period: every contribution ever recorded in it
// (≤ kMaxContributionsPerPeriod), and the value of those counted or disputed (≤ kMaxAmount,
// so a dispute upheld can always count again).
struct ContributionTotals {
  static constexpr uint16_t kRecordVersion = 1;
  std::vector<ContributionTotal> entries;
  uint32_t recorded_count = 0;
  uint64_t open_value = 0;
  bool operator==(const ContributionTotals&) const = default;
  template <class V>
  void Fields(V& v) {
    v.List("entries", entries, kMaxContributionTotals);
    v.U32("recorded_count", recorded_count);
    v.U64("open_value", open_value);
  }
};

std::string ContributionKey(std::string_view contribution_id);
std::string ContributionTotalsKey(std::string_view venture_id, const Period& period);
// The period's totals; empty if nothing was recorded. An error only for I/O or corruption.
Result<ContributionTotals> LoadContributionTotals(const LedgerReader& state,
                                                  std::string_view venture_id,
                                                  const Period& period);

}  // namespace covalue::contracts
