#include "contracts/payouts.h"

#include "contracts/member_record.h"

namespace covalue::contracts {
namespace {

std::string Describe(const PayoutRecord& payout) {
  return "the payout of " + PeriodName(payout.period) + " to '" + payout.payee + "' in venture '" +
         payout.venture_id + "'";
}

// Why a payout in its status cannot take a step that needs `expected` (kConflict).
Status WrongStatus(const PayoutRecord& payout, PayoutStatus expected) {
  switch (payout.status) {
    case PayoutStatus::kConfirmed:
      return Status(
          Code::kConflict,
          Describe(payout) + " is already confirmed with bank reference '" + payout.bank_ref + "'");
    case PayoutStatus::kFailed:
      return Status(Code::kConflict, Describe(payout) + " failed (" + payout.failure_reason +
                                         "): re-instruct it first");
    case PayoutStatus::kInstructed:
      break;
  }
  return Status(Code::kConflict, Describe(payout) + " is instructed (attempt " +
                                     std::to_string(payout.attempt) + "), not " +
                                     std::string(EnumName(expected)));
}

// What each payout kind starts from: its body and the payout it names, in its state key.
template <class Body>
struct PayoutStep {
  Body body;
  std::string key;
  PayoutRecord payout;
};

// The rules the three kinds share, in the spec's order: one signer with the member role;
// the body decodes, and its `required` text (if any) is not empty; the payout exists; the
// signer is its payer; its status is `expected`.
template <class Body>
Result<PayoutStep<Body>> BeginPayoutStep(const ledger::Transaction& tx, const TxContext& context,
                                         const LedgerReader& state, PayoutStatus expected,
                                         std::string Body::*required,
                                         std::string_view required_name) {
  COVALUE_ASSIGN_OR_RETURN(std::string signer,
                           SoleSignerWithRole(context, state, ledger::kRoleMember));
  COVALUE_ASSIGN_OR_RETURN(Body body, DecodeTxBody<Body>(tx.body));
  if (required != nullptr && (body.*required).empty()) {
    return Status(Code::kInvalidArgument, "body: " + std::string(required_name) + " is empty");
  }
  const PayoutRef& ref = body.payout;
  std::string key = PayoutKey(ref.venture_id, ref.period, ref.member);
  COVALUE_ASSIGN_OR_RETURN(auto payout, LoadRecord<PayoutRecord>(state, key));
  if (!payout) {
    return Status(Code::kNotFound, "venture '" + ref.venture_id + "' has no payout of " +
                                       PeriodName(ref.period) + " to '" + ref.member + "'");
  }
  if (signer != payout->payer) {
    return Status(Code::kForbidden, "only the payer '" + payout->payer +
                                        "' records the progress of " + Describe(*payout));
  }
  if (payout->status != expected) return WrongStatus(*payout, expected);
  return PayoutStep<Body>{std::move(body), std::move(key), std::move(*payout)};
}

// Stores the payout after its step and reports it: event `kind` with the payout's identity,
// amount and attempt, then `detail` (the bank reference or the reason) if given.
template <class Body>
TxOutcome FinishPayoutStep(StateOverlay& state, const PayoutStep<Body>& step, std::string kind,
                           std::vector<std::pair<std::string, std::string>> detail) {
  const PayoutRecord& payout = step.payout;
  StoreRecord(state, step.key, payout);
  ledger::Event event{std::move(kind),
                      {{"venture", payout.venture_id},
                       {"period", PeriodName(payout.period)},
                       {"member", payout.payee},
                       {"amount", std::to_string(payout.amount)},
                       {"currency", payout.currency},
                       {"attempt", std::to_string(payout.attempt)}}};
  for (auto& attribute : detail) event.attributes.push_back(std::move(attribute));
  TxOutcome outcome;
  outcome.result.events.push_back(std::move(event));
  outcome.entities = {step.key};
  return outcome;
}

}  // namespace

std::string PayoutKey(std::string_view venture_id, const Period& period, std::string_view payee) {
  return "payout/" + std::string(venture_id) + "/" + PeriodName(period) + "/" + std::string(payee);
}

TxOutcome ApplyPayoutConfirm(const ledger::Transaction& tx, const TxContext& context,
                             StateOverlay& state) {
  auto step = BeginPayoutStep<PayoutConfirmBody>(tx, context, state, PayoutStatus::kInstructed,
                                                 &PayoutConfirmBody::bank_ref, "bank_ref");
  if (!step.ok()) return FromStatus(step.status());
  step->payout.status = PayoutStatus::kConfirmed;
  step->payout.bank_ref = step->body.bank_ref;
  step->payout.confirmed_height = context.height;
  return FinishPayoutStep(state, *step, "payout.confirmed", {{"bank_ref", step->payout.bank_ref}});
}

TxOutcome ApplyPayoutFail(const ledger::Transaction& tx, const TxContext& context,
                          StateOverlay& state) {
  auto step = BeginPayoutStep<PayoutFailBody>(tx, context, state, PayoutStatus::kInstructed,
                                              &PayoutFailBody::reason, "reason");
  if (!step.ok()) return FromStatus(step.status());
  step->payout.status = PayoutStatus::kFailed;
  step->payout.failure_reason = step->body.reason;
  return FinishPayoutStep(state, *step, "payout.failed", {{"reason", step->payout.failure_reason}});
}

TxOutcome ApplyPayoutReinstruct(const ledger::Transaction& tx, const TxContext& context,
                                StateOverlay& state) {
  auto step =
      BeginPayoutStep<PayoutReinstructBody>(tx, context, state, PayoutStatus::kFailed, nullptr, "");
  if (!step.ok()) return FromStatus(step.status());
  // The last failure's reason goes into the event; the record starts the new attempt clean.
  std::string failed_because = std::move(step->payout.failure_reason);
  step->payout.status = PayoutStatus::kInstructed;
  step->payout.attempt += 1;
  step->payout.failure_reason.clear();
  step->payout.instructed_height = context.height;
  return FinishPayoutStep(state, *step, "payout.reinstructed",
                          {{"previous_failure", failed_because}});
}

}  // namespace covalue::contracts
