// Ventures and their profit formulas (docs/spec/contracts/ventures.md): venture.create
// records a joint venture of members with a currency, a period length and a treasurer;
// formula.propose / formula.sign record numbered formula versions, each adopted once every
// venture member has signed it. Also the accessors the contribution, revenue and
// settlement contracts use: the venture record, the formula in force for a period and
// whether a period is still open. Pure; thread-compatible.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "contracts/fields.h"
#include "contracts/formula.h"
#include "contracts/kinds.h"
#include "contracts/period.h"

namespace covalue::contracts {

inline constexpr uint32_t kMinVentureMembers = 2;
inline constexpr uint32_t kMaxCurrencyLength = 8;
// Formula versions per venture: FormulaInForce reads each, so their number is bounded.
inline constexpr uint32_t kMaxFormulaVersions = 256;

struct VentureCreateBody {
  std::string venture_id;
  std::vector<std::string> members;
  std::string currency;  // three upper-case letters A–Z ("EUR")
  PeriodLength period_length = PeriodLength::kQuarter;
  Period first_period;    // of period_length
  std::string treasurer;  // a venture member: collects the revenue, pays the payouts
  bool operator==(const VentureCreateBody&) const = default;
  template <class V>
  void Fields(V& v) {
    v.Id("venture_id", venture_id);
    v.IdList("members", members, kMaxVentureMembers);
    v.Text("currency", currency, kMaxCurrencyLength);
    v.Enum("period_length", period_length);
    v.PeriodField("first_period", first_period);
    v.Id("treasurer", treasurer);
  }
};

// "venture/<venture_id>": the venture as created (flat: the body's fields first; members
// in the order venture.create listed them) and its progress since.
struct VentureRecord {
  static constexpr uint16_t kRecordVersion = 1;
  VentureCreateBody terms;
  std::string creator;
  uint64_t created_height = 0;
  uint32_t formula_versions = 0;  // versions proposed so far (1..formula_versions exist)
  Period next_unsettled;          // the first period not settled yet; settlement advances it
  const std::string& id() const { return terms.venture_id; }
  bool operator==(const VentureRecord&) const = default;
  template <class V>
  void Fields(V& v) {
    terms.Fields(v);
    v.Id("creator", creator);
    v.U64("created_height", created_height);
    v.U32("formula_versions", formula_versions);
    v.PeriodField("next_unsettled", next_unsettled);
  }
};

struct FormulaProposeBody {
  std::string venture_id;
  uint32_t version = 0;  // the venture's formula_versions + 1
  Period effective_from;
  Formula formula;
  bool operator==(const FormulaProposeBody&) const = default;
  template <class V>
  void Fields(V& v) {
    v.Id("venture_id", venture_id);
    v.U32("version", version);
    v.PeriodField("effective_from", effective_from);
    v.Struct("formula", formula);
  }
};

struct FormulaSignBody {
  std::string venture_id;
  uint32_t version = 0;
  bool operator==(const FormulaSignBody&) const = default;
  template <class V>
  void Fields(V& v) {
    v.Id("venture_id", venture_id);
    v.U32("version", version);
  }
};

// "formula/<venture_id>/<version as 10 decimal digits>": the version as proposed (flat: the
// body's fields first) and its signatures.
struct FormulaVersionRecord {
  static constexpr uint16_t kRecordVersion = 1;
  FormulaProposeBody proposal;
  std::string proposer;
  std::vector<std::string> signed_by;  // members who signed, in the order they signed
  uint64_t proposed_height = 0;
  uint64_t adopted_height = 0;  // 0 until every venture member has signed
  bool adopted() const { return adopted_height != 0; }
  bool operator==(const FormulaVersionRecord&) const = default;
  template <class V>
  void Fields(V& v) {
    proposal.Fields(v);
    v.Id("proposer", proposer);
    v.IdList("signed_by", signed_by, kMaxVentureMembers);
    v.U64("proposed_height", proposed_height);
    v.U64("adopted_height", adopted_height);
  }
};

// Three upper-case ASCII letters (an ISO 4217 style code; the ledger does not check the list).
bool IsValidCurrency(std::string_view currency);

std::string VentureKey(std::string_view venture_id);
std::string FormulaKey(std::string_view venture_id, uint32_t version);

// The venture, nullopt if absent; an error only for I/O or corruption.
Result<std::optional<VentureRecord>> LoadVenture(const LedgerReader& state,
                                                 std::string_view venture_id);
// The venture, or kNotFound "venture 'v1' not found".
Result<VentureRecord> LoadExistingVenture(const LedgerReader& state, std::string_view venture_id);
void StoreVenture(StateOverlay& state, const VentureRecord& venture);

bool IsVentureMember(const VentureRecord& venture, std::string_view member);
// kForbidden "'telco' is not a member of venture 'v1'" unless `member` is one.
Status CheckVentureMember(const VentureRecord& venture, std::string_view member);
// Every signer's member is a member of `venture` (kForbidden naming the first that is not).
Status CheckSignersAreVentureMembers(const std::vector<std::string>& signer_members,
                                     const VentureRecord& venture);

// The formula that governs `period` of `venture`: among the ADOPTED versions with
// effective_from ≤ period, the one with the latest effective_from (ties: the higher
// version). nullopt if there is none — settlement must then refuse. kInvalidArgument for a
// period not of the venture's length or before its first period.
Result<std::optional<FormulaVersionRecord>> FormulaInForce(const LedgerReader& state,
                                                           const VentureRecord& venture,
                                                           const Period& period);

// Whether contributions and revenue may still be recorded for `period` of `venture` at
// block time `block_time_ms`: kInvalidArgument if the period is not of the venture's length,
// is before its first period or has not started yet; kPeriodClosed if it is settled
// ("period 2026-Q1 of venture 'v1' is settled").
Status CheckPeriodOpen(const VentureRecord& venture, const Period& period, int64_t block_time_ms);

}  // namespace covalue::contracts
