#include "contracts/ventures.h"

#include <algorithm>
#include <cstdio>

#include "contracts/member_record.h"

namespace covalue::contracts {
namespace {

// Comma-separated; for signer lists (at most ledger::kMaxTxSigners ids, so within one
// 1024-byte event attribute).
std::string JoinIds(const std::vector<std::string>& ids) {
  std::string joined;
  for (const auto& id : ids) joined += (joined.empty() ? "" : ",") + id;
  return joined;
}

std::string PeriodLengthNoun(PeriodLength length) {
  return length == PeriodLength::kMonth ? "a month" : "a quarter";
}

// A period of the venture's length at or after its first period (kInvalidArgument).
Status CheckVenturePeriod(const VentureRecord& venture, const Period& period) {
  if (period.length != venture.terms.period_length) {
    return Status(Code::kInvalidArgument, "period " + PeriodName(period) + " is not " +
                                              PeriodLengthNoun(venture.terms.period_length) +
                                              ", the period length of venture '" + venture.id() +
                                              "'");
  }
  if (period < venture.terms.first_period) {
    return Status(Code::kInvalidArgument, "period " + PeriodName(period) +
                                              " is before the first period " +
                                              PeriodName(venture.terms.first_period) +
                                              " of venture '" + venture.id() + "'");
  }
  return Status::Ok();
}

// kPeriodClosed if `period` of the venture is settled.
Status CheckNotSettled(const VentureRecord& venture, const Period& period) {
  if (period < venture.next_unsettled) {
    return Status(Code::kPeriodClosed,
                  "period " + PeriodName(period) + " of venture '" + venture.id() + "' is settled");
  }
  return Status::Ok();
}

// Every member of `members` exists (kNotFound) and holds the member role (kForbidden).
Status CheckListedMembers(const LedgerReader& state, const std::vector<std::string>& members) {
  for (const auto& id : members) {
    COVALUE_ASSIGN_OR_RETURN(auto member, LoadMember(state, id));
    if (!member) return Status(Code::kNotFound, "member '" + id + "' not found");
    if (!member->HasRole(ledger::kRoleMember)) {
      return Status(Code::kForbidden, "'" + id + "' lacks the member role");
    }
  }
  return Status::Ok();
}

Result<FormulaVersionRecord> LoadFormulaVersion(const LedgerReader& state,
                                                const VentureRecord& venture, uint32_t version) {
  if (version == 0 || version > venture.formula_versions) {
    return Status(Code::kNotFound, "venture '" + venture.id() + "' has no formula version " +
                                       std::to_string(version));
  }
  COVALUE_ASSIGN_OR_RETURN(
      auto record, LoadRecord<FormulaVersionRecord>(state, FormulaKey(venture.id(), version)));
  if (!record)
    return Status(Code::kCorruption, "formula version " + std::to_string(version) + " missing");
  return std::move(*record);
}

bool AllMembersSigned(const VentureRecord& venture, const FormulaVersionRecord& formula) {
  return std::all_of(venture.terms.members.begin(), venture.terms.members.end(),
                     [&](const std::string& m) {
                       return std::find(formula.signed_by.begin(), formula.signed_by.end(), m) !=
                              formula.signed_by.end();
                     });
}

ledger::Event AdoptedEvent(const FormulaVersionRecord& formula) {
  return {"formula.adopted",
          {{"venture", formula.proposal.venture_id},
           {"version", std::to_string(formula.proposal.version)},
           {"effective_from", PeriodName(formula.proposal.effective_from)}}};
}

// A formula.propose or formula.sign transaction past the steps the two kinds share (rules
// 1–5 of each): its signers are distinct members with the member role, its body decodes,
// the venture exists and every signer is one of its members.
template <class Body>
struct FormulaTx {
  Body body;
  VentureRecord venture;
};

template <class Body>
Result<FormulaTx<Body>> OpenFormulaTx(const ledger::Transaction& tx, const TxContext& context,
                                      const LedgerReader& state) {
  COVALUE_RETURN_IF_ERROR(DistinctSignersHoldRole(context, state, ledger::kRoleMember));
  COVALUE_ASSIGN_OR_RETURN(Body body, DecodeTxBody<Body>(tx.body));
  COVALUE_ASSIGN_OR_RETURN(VentureRecord venture, LoadExistingVenture(state, body.venture_id));
  COVALUE_RETURN_IF_ERROR(CheckSignersAreVentureMembers(context.signer_members, venture));
  return FormulaTx<Body>{std::move(body), std::move(venture)};
}

}  // namespace

bool IsValidCurrency(std::string_view currency) {
  return currency.size() == 3 &&
         std::all_of(currency.begin(), currency.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

std::string VentureKey(std::string_view venture_id) {
  return "venture/" + std::string(venture_id);
}

std::string FormulaKey(std::string_view venture_id, uint32_t version) {
  char digits[11];
  std::snprintf(digits, sizeof digits, "%010u", version);
  return "formula/" + std::string(venture_id) + "/" + digits;
}

Result<std::optional<VentureRecord>> LoadVenture(const LedgerReader& state,
                                                 std::string_view venture_id) {
  return LoadRecord<VentureRecord>(state, VentureKey(venture_id));
}

Result<VentureRecord> LoadExistingVenture(const LedgerReader& state, std::string_view venture_id) {
  COVALUE_ASSIGN_OR_RETURN(auto venture, LoadVenture(state, venture_id));
  if (!venture)
    return Status(Code::kNotFound, "venture '" + std::string(venture_id) + "' not found");
  return std::move(*venture);
}

void StoreVenture(StateOverlay& state, const VentureRecord& venture) {
  StoreRecord(state, VentureKey(venture.id()), venture);
}

bool IsVentureMember(const VentureRecord& venture, std::string_view member) {
  return std::find(venture.terms.members.begin(), venture.terms.members.end(), member) !=
         venture.terms.members.end();
}

Status CheckVentureMember(const VentureRecord& venture, std::string_view member) {
  if (IsVentureMember(venture, member)) return Status::Ok();
  return Status(Code::kForbidden,
                "'" + std::string(member) + "' is not a member of venture '" + venture.id() + "'");
}

Status CheckSignersAreVentureMembers(const std::vector<std::string>& signer_members,
                                     const VentureRecord& venture) {
  for (const auto& member : signer_members)
    COVALUE_RETURN_IF_ERROR(CheckVentureMember(venture, member));
  return Status::Ok();
}

Result<std::optional<FormulaVersionRecord>> FormulaInForce(const LedgerReader& state,
                                                           const VentureRecord& venture,
                                                           const Period& period) {
  COVALUE_RETURN_IF_ERROR(CheckVenturePeriod(venture, period));
  std::optional<FormulaVersionRecord> best;
  for (uint32_t version = 1; version <= venture.formula_versions; ++version) {
    COVALUE_ASSIGN_OR_RETURN(auto formula, LoadFormulaVersion(state, venture, version));
    if (!formula.adopted() || period < formula.proposal.effective_from) continue;
    // Versions ascend, so on equal effective_from the later one wins.
    if (!best || best->proposal.effective_from <= formula.proposal.effective_from)
      best = std::move(formula);
  }
  return best;
}

Status CheckPeriodOpen(const VentureRecord& venture, const Period& period, int64_t block_time_ms) {
  COVALUE_RETURN_IF_ERROR(CheckVenturePeriod(venture, period));
  COVALUE_RETURN_IF_ERROR(CheckNotSettled(venture, period));
  if (PeriodStartMs(period) > block_time_ms) {
    return Status(Code::kInvalidArgument, "period " + PeriodName(period) + " has not started");
  }
  return Status::Ok();
}

TxOutcome ApplyVentureCreate(const ledger::Transaction& tx, const TxContext& context,
                             StateOverlay& state) {
  auto signer = SoleSignerWithRole(context, state, ledger::kRoleMember);
  if (!signer.ok()) return FromStatus(signer.status());
  auto body = DecodeTxBody<VentureCreateBody>(tx.body);
  if (!body.ok()) return FromStatus(body.status());
  const std::vector<std::string>& members = body->members;
  auto listed = [&](const std::string& id) {
    return std::find(members.begin(), members.end(), id) != members.end();
  };
  if (members.size() < kMinVentureMembers) {
    return Rejected(Code::kInvalidArgument, "a venture needs at least 2 members");
  }
  if (!listed(*signer)) {
    return Rejected(Code::kForbidden,
                    "the creator '" + *signer + "' is not among the venture's members");
  }
  if (!listed(body->treasurer)) {
    return Rejected(Code::kInvalidArgument,
                    "treasurer '" + body->treasurer + "' is not among the venture's members");
  }
  if (!IsValidCurrency(body->currency)) {
    return Rejected(Code::kInvalidArgument,
                    "currency '" + body->currency + "' is not three upper-case letters");
  }
  if (body->first_period.length != body->period_length) {
    return Rejected(Code::kInvalidArgument, "first_period " + PeriodName(body->first_period) +
                                                " is not " + PeriodLengthNoun(body->period_length));
  }
  if (Status status = CheckListedMembers(state, members); !status.ok()) return FromStatus(status);
  auto existing = LoadVenture(state, body->venture_id);
  if (!existing.ok()) return FromStatus(existing.status());
  if (*existing) return Rejected(Code::kAlreadyExists, "venture '" + body->venture_id + "' exists");

  VentureRecord venture{*body, *signer, context.height, 0, body->first_period};
  StoreVenture(state, venture);

  TxOutcome outcome;
  outcome.result.events.push_back(
      {"venture.created",
       {{"venture", venture.id()},
        // Not the list: 64 ids would overflow an attribute.
        {"member_count", std::to_string(members.size())},
        {"currency", venture.terms.currency},
        {"period_length", std::string(EnumName(venture.terms.period_length))},
        {"first_period", PeriodName(venture.terms.first_period)},
        {"treasurer", venture.terms.treasurer},
        {"creator", venture.creator}}});
  outcome.entities.push_back(VentureKey(venture.id()));
  for (const auto& member : members) outcome.entities.push_back(MemberStateKey(member));
  return outcome;
}

TxOutcome ApplyFormulaPropose(const ledger::Transaction& tx, const TxContext& context,
                              StateOverlay& state) {
  auto opened = OpenFormulaTx<FormulaProposeBody>(tx, context, state);
  if (!opened.ok()) return FromStatus(opened.status());
  auto& [body, venture] = *opened;
  if (body.version != venture.formula_versions + 1) {
    return Rejected(Code::kConflict, "venture '" + venture.id() + "' has " +
                                         std::to_string(venture.formula_versions) +
                                         " formula versions: the next is " +
                                         std::to_string(venture.formula_versions + 1) + ", not " +
                                         std::to_string(body.version));
  }
  if (body.version > kMaxFormulaVersions) {
    return Rejected(Code::kFailedPrecondition, "venture '" + venture.id() +
                                                   "' has the most formula versions (" +
                                                   std::to_string(kMaxFormulaVersions) + ")");
  }
  if (Status status = CheckVenturePeriod(venture, body.effective_from); !status.ok())
    return FromStatus(status);
  if (Status status = CheckNotSettled(venture, body.effective_from); !status.ok())
    return FromStatus(status);
  if (Status status = ValidateFormula(body.formula, venture.terms.members); !status.ok())
    return FromStatus(status);

  FormulaVersionRecord formula{body, context.signer_members.front(), context.signer_members,
                               context.height, 0};
  bool adopted = AllMembersSigned(venture, formula);
  if (adopted) formula.adopted_height = context.height;
  std::string key = FormulaKey(venture.id(), formula.proposal.version);
  StoreRecord(state, key, formula);
  venture.formula_versions = formula.proposal.version;
  StoreVenture(state, venture);

  TxOutcome outcome;
  outcome.result.events.push_back({"formula.proposed",
                                   {{"venture", formula.proposal.venture_id},
                                    {"version", std::to_string(formula.proposal.version)},
                                    {"effective_from", PeriodName(formula.proposal.effective_from)},
                                    {"kind", std::string(EnumName(formula.proposal.formula.kind))},
                                    {"proposer", formula.proposer},
                                    {"signed", std::to_string(formula.signed_by.size())},
                                    {"needed", std::to_string(venture.terms.members.size())}}});
  if (adopted) outcome.result.events.push_back(AdoptedEvent(formula));
  outcome.entities = {VentureKey(venture.id()), key};
  return outcome;
}

TxOutcome ApplyFormulaSign(const ledger::Transaction& tx, const TxContext& context,
                           StateOverlay& state) {
  auto opened = OpenFormulaTx<FormulaSignBody>(tx, context, state);
  if (!opened.ok()) return FromStatus(opened.status());
  auto& [body, venture] = *opened;
  auto formula = LoadFormulaVersion(state, venture, body.version);
  if (!formula.ok()) return FromStatus(formula.status());
  std::string name = "formula version " + std::to_string(formula->proposal.version) +
                     " of venture '" + venture.id() + "'";
  if (formula->adopted()) {
    return Rejected(Code::kConflict,
                    name + " was adopted at height " + std::to_string(formula->adopted_height));
  }
  for (const auto& member : context.signer_members) {
    if (std::find(formula->signed_by.begin(), formula->signed_by.end(), member) !=
        formula->signed_by.end()) {
      return Rejected(Code::kDuplicate, "'" + member + "' has signed " + name);
    }
  }
  // A version whose first period was settled meanwhile can never govern it.
  if (!CheckNotSettled(venture, formula->proposal.effective_from).ok()) {
    return Rejected(Code::kPeriodClosed, name + " takes effect from " +
                                             PeriodName(formula->proposal.effective_from) +
                                             ", which is settled");
  }

  formula->signed_by.insert(formula->signed_by.end(), context.signer_members.begin(),
                            context.signer_members.end());
  bool adopted = AllMembersSigned(venture, *formula);
  if (adopted) formula->adopted_height = context.height;
  std::string key = FormulaKey(venture.id(), formula->proposal.version);
  StoreRecord(state, key, *formula);

  TxOutcome outcome;
  outcome.result.events.push_back({"formula.signed",
                                   {{"venture", formula->proposal.venture_id},
                                    {"version", std::to_string(formula->proposal.version)},
                                    {"signers", JoinIds(context.signer_members)},
                                    {"signed", std::to_string(formula->signed_by.size())},
                                    {"needed", std::to_string(venture.terms.members.size())}}});
  if (adopted) outcome.result.events.push_back(AdoptedEvent(*formula));
  outcome.entities = {VentureKey(venture.id()), key};
  return outcome;
}

}  // namespace covalue::contracts
