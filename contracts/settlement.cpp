#include "contracts/settlement.h"

#include <map>

#include "common/civil_time.h"
#include "contracts/contributions.h"
#include "contracts/member_record.h"
#include "contracts/payouts.h"
#include "contracts/revenue.h"

namespace covalue::contracts {
namespace {

static_assert(ledger::kMaxTxEvents >= 1 + kMaxVentureMembers,
              "a settlement writes settlement.completed and a line event per member");

std::string Where(const VentureRecord& venture, const Period& period) {
  return "period " + PeriodName(period) + " of venture '" + venture.id() + "'";
}

// Rules 5–8 of the spec's table: the period is one the venture may settle now.
Status CheckSettleable(const LedgerReader& state, const VentureRecord& venture,
                       const Period& period, int64_t block_time_ms) {
  // Of the venture's length and not before its first period: CheckPeriodOpen at the
  // period's own start can refuse only for those, or for a settled period — which the
  // next check names, with its transaction (a period of another length or before the first
  // is never settled, so the order of the two does not show).
  COVALUE_ASSIGN_OR_RETURN(auto settled, LoadSettlement(state, venture.id(), period));
  if (settled) {
    return Status(Code::kPeriodClosed, Where(venture, period) + " is settled by transaction " +
                                           ToHex(settled->tx_id) + " at height " +
                                           std::to_string(settled->settled_height));
  }
  COVALUE_RETURN_IF_ERROR(CheckPeriodOpen(venture, period, PeriodStartMs(period)));
  if (period != venture.next_unsettled) {
    std::string first = PeriodName(venture.next_unsettled);
    return Status(Code::kFailedPrecondition, Where(venture, period) + " cannot be settled before " +
                                                 first + ": settle " + first + " first");
  }
  if (block_time_ms < PeriodEndMs(period)) {
    return Status(Code::kFailedPrecondition, Where(venture, period) +
                                                 " has not ended: it ends at " +
                                                 FormatUtcTime(PeriodEndMs(period)));
  }
  return Status::Ok();
}

// Each venture member's inputs for the period: counted contributions (weighted by the
// formula), recorded costs and outstanding balance. Keyed (so sorted) by member id.
Result<std::map<std::string, SettlementInput>> LoadInputs(const LedgerReader& state,
                                                          const VentureRecord& venture,
                                                          const Period& period,
                                                          const Formula& formula) {
  std::map<std::string, SettlementInput> inputs;
  for (const auto& member : venture.terms.members) {
    COVALUE_ASSIGN_OR_RETURN(uint64_t outstanding,
                             LoadRecoupOutstanding(state, venture.id(), member));
    inputs[member] = SettlementInput{member, 0, 0, 0, 0, outstanding};
  }
  COVALUE_ASSIGN_OR_RETURN(auto totals, LoadContributionTotals(state, venture.id(), period));
  // Each value ≤ Σ ≤ kMaxAmount (open_value), so neither sum below can overflow.
  for (const auto& entry : totals.entries) {
    auto it = inputs.find(entry.member);
    if (it == inputs.end()) {
      return Status(Code::kCorruption, "contribution totals of " + Where(venture, period) +
                                           " name '" + entry.member + "', not a venture member");
    }
    SettlementInput& in = it->second;
    if (entry.recoupable) {
      in.recoup_recorded += entry.value;
    } else {
      in.weighted_contribution += static_cast<Weight>(entry.value) * WeightOf(formula, entry.kind);
      in.contributions_counted += entry.count;
      in.contribution_value += entry.value;
    }
  }
  return inputs;
}

PayoutRecord InstructedPayout(const SettlementRecord& settlement, const SettlementLine& line,
                              const VentureRecord& venture) {
  PayoutRecord payout;
  payout.venture_id = settlement.venture_id;
  payout.period = settlement.period;
  payout.payee = line.member;
  payout.payer = venture.terms.treasurer;
  payout.amount = line.total;
  payout.currency = settlement.currency;
  payout.status = PayoutStatus::kInstructed;
  payout.attempt = 1;
  payout.instructed_height = settlement.settled_height;
  return payout;
}

std::vector<ledger::Event> SettlementEvents(const SettlementRecord& settlement,
                                            const VentureRecord& venture) {
  size_t payouts = 0;
  for (const auto& line : settlement.lines) payouts += line.total > 0 ? 1 : 0;
  std::vector<ledger::Event> events;
  events.push_back({"settlement.completed",
                    {{"venture", settlement.venture_id},
                     {"period", PeriodName(settlement.period)},
                     {"revenue", std::to_string(settlement.revenue)},
                     {"currency", settlement.currency},
                     {"formula_version", std::to_string(settlement.formula_version)},
                     {"lines", std::to_string(settlement.lines.size())},
                     {"payouts", std::to_string(payouts)}}});
  // One per paid line, each instructing its payout.
  for (const auto& line : settlement.lines) {
    if (line.total == 0) continue;
    events.push_back({"settlement.line",
                      {{"member", line.member},
                       {"recoup", std::to_string(line.recoup_amount)},
                       {"fixed", std::to_string(line.fixed_amount)},
                       {"contribution", std::to_string(line.contribution_amount)},
                       {"total", std::to_string(line.total)},
                       {"payer", venture.terms.treasurer}}});
  }
  return events;
}

}  // namespace

std::string SettlementKey(std::string_view venture_id, const Period& period) {
  return "settlement/" + std::string(venture_id) + "/" + PeriodName(period);
}

std::string RecoupBalanceKey(std::string_view venture_id, std::string_view member) {
  return "recoup/" + std::string(venture_id) + "/" + std::string(member);
}

Result<std::optional<SettlementRecord>> LoadSettlement(const LedgerReader& state,
                                                       std::string_view venture_id,
                                                       const Period& period) {
  return LoadRecord<SettlementRecord>(state, SettlementKey(venture_id, period));
}

Result<uint64_t> LoadRecoupOutstanding(const LedgerReader& state, std::string_view venture_id,
                                       std::string_view member) {
  COVALUE_ASSIGN_OR_RETURN(auto balance,
                           LoadRecord<RecoupBalance>(state, RecoupBalanceKey(venture_id, member)));
  return balance ? balance->outstanding : 0;
}

TxOutcome ApplySettlementRun(const ledger::Transaction& tx, const TxContext& context,
                             StateOverlay& state) {
  auto signer = SoleSignerWithRole(context, state, ledger::kRoleMember);
  if (!signer.ok()) return FromStatus(signer.status());
  auto body = DecodeTxBody<SettlementRunBody>(tx.body);
  if (!body.ok()) return FromStatus(body.status());
  auto venture = LoadExistingVenture(state, body->venture_id);
  if (!venture.ok()) return FromStatus(venture.status());
  if (Status status = CheckVentureMember(*venture, *signer); !status.ok()) {
    return FromStatus(status);
  }
  const Period& period = body->period;
  if (Status status = CheckSettleable(state, *venture, period, context.time_ms); !status.ok()) {
    return FromStatus(status);
  }
  auto formula = FormulaInForce(state, *venture, period);
  if (!formula.ok()) return FromStatus(formula.status());
  if (!*formula) {
    return Rejected(
        Code::kFailedPrecondition,
        "no formula version signed by every member is in force for " + PeriodName(period));
  }
  auto revenue = LoadRevenueTotal(state, venture->id(), period);
  if (!revenue.ok()) return FromStatus(revenue.status());
  if (revenue->amount > kMaxAmount) {
    return FromStatus(
        Status(Code::kCorruption, "the revenue of " + Where(*venture, period) + " is over 10^15"));
  }
  auto inputs = LoadInputs(state, *venture, period, (*formula)->proposal.formula);
  if (!inputs.ok()) return FromStatus(inputs.status());

  std::vector<SettlementInput> members;
  for (const auto& [member, input] : *inputs) members.push_back(input);
  SettlementRecord settlement{
      venture->id(),
      period,
      (*formula)->proposal.version,
      revenue->amount,
      revenue->count,
      venture->terms.currency,
      ComputeSettlement(revenue->amount, (*formula)->proposal.formula, std::move(members)),
      context.height,
      context.time_ms,
      context.tx_id};
  std::string settlement_key = SettlementKey(venture->id(), period);
  StoreRecord(state, settlement_key, settlement);
  TxOutcome outcome;
  outcome.entities = {VentureKey(venture->id()), settlement_key};
  for (const auto& line : settlement.lines) {
    if (line.recoup_outstanding_after != inputs->at(line.member).recoup_outstanding_before) {
      std::string key = RecoupBalanceKey(venture->id(), line.member);
      if (line.recoup_outstanding_after == 0) {
        state.Delete(key);
      } else {
        StoreRecord(state, key, RecoupBalance{line.recoup_outstanding_after});
      }
      outcome.entities.push_back(key);
    }
    if (line.total > 0) {
      std::string key = PayoutKey(venture->id(), period, line.member);
      StoreRecord(state, key, InstructedPayout(settlement, line, *venture));
      outcome.entities.push_back(key);
    }
  }
  VentureRecord advanced = *venture;
  advanced.next_unsettled = NextPeriod(period);
  StoreVenture(state, advanced);
  outcome.result.events = SettlementEvents(settlement, *venture);
  return outcome;
}

}  // namespace covalue::contracts
