#include "contracts/contributions.h"

#include <algorithm>
#include <tuple>

#include "contracts/member_record.h"
#include "contracts/ventures.h"

namespace covalue::contracts {
namespace {

auto TotalOrder(const ContributionTotal& t) {
  return std::tie(t.member, t.kind, t.recoupable);
}

// Adds (`counted`) or removes (!`counted`) `c` in its (member, kind, recoupable) entry,
// keeping entries sorted and without empty ones. The caller checked the bounds: addition
// within open_value ≤ kMaxAmount, removal only of a contribution that counted (an entry
// that cannot hold it is corruption).
Status UpdateEntry(ContributionTotals& totals, const ContributionRecord& c, bool counted) {
  ContributionTotal key{c.contributor, c.entry.kind, c.entry.recoupable, 0, 0};
  auto it =
      std::lower_bound(totals.entries.begin(), totals.entries.end(), key,
                       [](const auto& a, const auto& b) { return TotalOrder(a) < TotalOrder(b); });
  bool found = it != totals.entries.end() && TotalOrder(*it) == TotalOrder(key);
  if (counted) {
    if (!found) it = totals.entries.insert(it, key);
    it->count += 1;
    it->value += c.entry.value;
    return Status::Ok();
  }
  if (!found || it->count == 0 || it->value < c.entry.value) {
    return Status(Code::kCorruption, "contribution totals do not hold '" + c.id() + "'");
  }
  it->count -= 1;
  it->value -= c.entry.value;
  if (it->count == 0) totals.entries.erase(it);
  return Status::Ok();
}

Result<ContributionRecord> LoadExistingContribution(const LedgerReader& state,
                                                    std::string_view id) {
  COVALUE_ASSIGN_OR_RETURN(auto record, LoadRecord<ContributionRecord>(state, ContributionKey(id)));
  if (!record) return Status(Code::kNotFound, "contribution '" + std::string(id) + "' not found");
  return std::move(*record);
}

// A recorded contribution with its venture, for a dispute or its resolution: it exists,
// the signer is a venture member and its period is still open (checked by the caller
// after the status, so that the table's order holds).
struct DisputeScope {
  ContributionRecord contribution;
  VentureRecord venture;
};

Result<DisputeScope> LoadDisputeScope(const LedgerReader& state, std::string_view contribution_id,
                                      std::string_view signer) {
  COVALUE_ASSIGN_OR_RETURN(auto contribution, LoadExistingContribution(state, contribution_id));
  COVALUE_ASSIGN_OR_RETURN(auto venture, LoadVenture(state, contribution.entry.venture_id));
  if (!venture)
    return Status(Code::kCorruption, "venture of contribution '" + contribution.id() + "' missing");
  COVALUE_RETURN_IF_ERROR(CheckVentureMember(*venture, signer));
  return DisputeScope{std::move(contribution), std::move(*venture)};
}

// The totals of `period` of `venture`, which must still be open at `time_ms` (CheckPeriodOpen:
// kInvalidArgument or kPeriodClosed).
Result<ContributionTotals> LoadOpenPeriodTotals(const LedgerReader& state,
                                                const VentureRecord& venture, const Period& period,
                                                int64_t time_ms) {
  COVALUE_RETURN_IF_ERROR(CheckPeriodOpen(venture, period, time_ms));
  return LoadContributionTotals(state, venture.id(), period);
}

// Writes the contribution and its period's totals after `change` and names the entities.
TxOutcome StoreChange(StateOverlay& state, const ContributionRecord& contribution,
                      ContributionTotals& totals, ledger::Event event) {
  const ContributionRecordBody& entry = contribution.entry;
  std::string totals_key = ContributionTotalsKey(entry.venture_id, entry.period);
  std::string key = ContributionKey(entry.contribution_id);
  StoreRecord(state, key, contribution);
  StoreRecord(state, totals_key, totals);
  TxOutcome outcome;
  outcome.result.events.push_back(std::move(event));
  outcome.entities = {key, VentureKey(entry.venture_id), totals_key};
  return outcome;
}

std::vector<std::pair<std::string, std::string>> CommonAttributes(const ContributionRecord& c) {
  return {{"contribution", c.entry.contribution_id},
          {"venture", c.entry.venture_id},
          {"period", PeriodName(c.entry.period)},
          {"contributor", c.contributor},
          {"value", std::to_string(c.entry.value)}};
}

}  // namespace

std::string ContributionKey(std::string_view contribution_id) {
  return "contribution/" + std::string(contribution_id);
}

std::string ContributionTotalsKey(std::string_view venture_id, const Period& period) {
  return "contribution-totals/" + std::string(venture_id) + "/" + PeriodName(period);
}

Result<ContributionTotals> LoadContributionTotals(const LedgerReader& state,
                                                  std::string_view venture_id,
                                                  const Period& period) {
  COVALUE_ASSIGN_OR_RETURN(auto totals, LoadRecord<ContributionTotals>(
                                            state, ContributionTotalsKey(venture_id, period)));
  return totals ? std::move(*totals) : ContributionTotals{};
}

TxOutcome ApplyContributionRecord(const ledger::Transaction& tx, const TxContext& context,
                                  StateOverlay& state) {
  auto signer = SoleSignerWithRole(context, state, ledger::kRoleMember);
  if (!signer.ok()) return FromStatus(signer.status());
  auto body = DecodeTxBody<ContributionRecordBody>(tx.body);
  if (!body.ok()) return FromStatus(body.status());
  if (body->value == 0) return Rejected(Code::kInvalidArgument, "value must be over 0");
  auto venture = LoadExistingVenture(state, body->venture_id);
  if (!venture.ok()) return FromStatus(venture.status());
  if (Status status = CheckVentureMember(*venture, *signer); !status.ok())
    return FromStatus(status);
  std::string key = ContributionKey(body->contribution_id);
  auto existing = state.Get(key);
  if (!existing.ok()) return FromStatus(existing.status());
  if (*existing)
    return Rejected(Code::kAlreadyExists, "contribution '" + body->contribution_id + "' exists");
  auto totals = LoadOpenPeriodTotals(state, *venture, body->period, context.time_ms);
  if (!totals.ok()) return FromStatus(totals.status());
  std::string where = "period " + PeriodName(body->period) + " of venture '" + venture->id() + "'";
  if (totals->recorded_count >= kMaxContributionsPerPeriod) {
    return Rejected(Code::kFailedPrecondition, where + " has " +
                                                   std::to_string(kMaxContributionsPerPeriod) +
                                                   " contributions, the most it may hold");
  }
  if (body->value > kMaxAmount - totals->open_value) {
    return Rejected(Code::kFailedPrecondition,
                    "the contributions of " + where + " would exceed 10^15 minor units");
  }

  ContributionRecord contribution{*body, *signer,       ContributionStatus::kCounted, "", "",
                                  "",    context.height};
  totals->recorded_count += 1;
  totals->open_value += contribution.entry.value;
  if (Status status = UpdateEntry(*totals, contribution, true); !status.ok())
    return FromStatus(status);
  auto attributes = CommonAttributes(contribution);
  attributes.push_back({"kind", std::string(EnumName(contribution.entry.kind))});
  attributes.push_back({"recoupable", contribution.entry.recoupable ? "true" : "false"});
  attributes.push_back({"evidence_hash", ToHex(contribution.entry.evidence_hash)});
  return StoreChange(state, contribution, *totals,
                     {"contribution.recorded", std::move(attributes)});
}

TxOutcome ApplyContributionDispute(const ledger::Transaction& tx, const TxContext& context,
                                   StateOverlay& state) {
  auto signer = SoleSignerWithRole(context, state, ledger::kRoleMember);
  if (!signer.ok()) return FromStatus(signer.status());
  auto body = DecodeTxBody<ContributionDisputeBody>(tx.body);
  if (!body.ok()) return FromStatus(body.status());
  if (body->reason.empty()) return Rejected(Code::kInvalidArgument, "a dispute needs a reason");
  auto scope = LoadDisputeScope(state, body->contribution_id, *signer);
  if (!scope.ok()) return FromStatus(scope.status());
  ContributionRecord& contribution = scope->contribution;
  if (contribution.contributor == *signer) {
    return Rejected(Code::kForbidden, "'" + *signer + "' cannot dispute its own contribution");
  }
  if (contribution.status != ContributionStatus::kCounted) {
    return Rejected(Code::kConflict, "contribution '" + contribution.id() + "' is " +
                                         std::string(EnumName(contribution.status)) +
                                         ", not counted");
  }
  auto totals =
      LoadOpenPeriodTotals(state, scope->venture, contribution.entry.period, context.time_ms);
  if (!totals.ok()) return FromStatus(totals.status());

  contribution.status = ContributionStatus::kDisputed;
  contribution.disputed_by = *signer;
  contribution.dispute_reason = body->reason;
  contribution.resolution_note.clear();
  if (Status status = UpdateEntry(*totals, contribution, false); !status.ok())
    return FromStatus(status);
  auto attributes = CommonAttributes(contribution);
  attributes.push_back({"disputed_by", *signer});
  attributes.push_back({"reason", body->reason});
  return StoreChange(state, contribution, *totals,
                     {"contribution.disputed", std::move(attributes)});
}

TxOutcome ApplyContributionResolve(const ledger::Transaction& tx, const TxContext& context,
                                   StateOverlay& state) {
  auto signer = SoleSignerWithRole(context, state, ledger::kRoleMember);
  if (!signer.ok()) return FromStatus(signer.status());
  auto body = DecodeTxBody<ContributionResolveBody>(tx.body);
  if (!body.ok()) return FromStatus(body.status());
  auto scope = LoadDisputeScope(state, body->contribution_id, *signer);
  if (!scope.ok()) return FromStatus(scope.status());
  ContributionRecord& contribution = scope->contribution;
  if (contribution.status != ContributionStatus::kDisputed) {
    return Rejected(Code::kConflict, "contribution '" + contribution.id() + "' is " +
                                         std::string(EnumName(contribution.status)) +
                                         ", not disputed");
  }
  bool upheld = body->outcome == DisputeOutcome::kUpheld;
  const std::string& party = upheld ? contribution.disputed_by : contribution.contributor;
  if (*signer != party) {
    return Rejected(Code::kForbidden,
                    upheld ? "only the disputer '" + party + "' may uphold contribution '" +
                                 contribution.id() + "'"
                           : "only the contributor '" + party + "' may withdraw contribution '" +
                                 contribution.id() + "'");
  }
  auto totals =
      LoadOpenPeriodTotals(state, scope->venture, contribution.entry.period, context.time_ms);
  if (!totals.ok()) return FromStatus(totals.status());

  contribution.resolution_note = body->note;
  if (upheld) {
    contribution.status = ContributionStatus::kCounted;
    if (Status status = UpdateEntry(*totals, contribution, true); !status.ok())
      return FromStatus(status);
  } else {
    contribution.status = ContributionStatus::kWithdrawn;
    if (totals->open_value < contribution.entry.value)
      return FromStatus(Status(Code::kCorruption, "contribution totals too low"));
    totals->open_value -= contribution.entry.value;
  }
  auto attributes = CommonAttributes(contribution);
  attributes.push_back({"outcome", std::string(EnumName(body->outcome))});
  attributes.push_back({"resolved_by", *signer});
  attributes.push_back({"status", std::string(EnumName(contribution.status))});
  return StoreChange(state, contribution, *totals,
                     {"contribution.resolved", std::move(attributes)});
}

}  // namespace covalue::contracts
