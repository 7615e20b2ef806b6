#include "node/records_api.h"

#include "common/civil_time.h"
#include "common/decimal.h"
#include "contracts/access_check.h"
#include "contracts/contributions.h"
#include "contracts/grants.h"
#include "contracts/membership.h"
#include "contracts/payouts.h"
#include "contracts/revenue.h"
#include "contracts/settlement.h"
#include "contracts/usage.h"
#include "contracts/ventures.h"
#include "ledger/identifiers.h"
#include "node/fields_json.h"
#include "node/history_api.h"
#include "node/requested_state.h"

namespace covalue::node {
namespace {

using api::ErrorResponse;
using api::HttpRequest;
using api::JsonResponse;
using api::Responder;

// A path parameter that must be an id.
Result<std::string> IdParam(const HttpRequest& request, const std::string& name) {
  const std::string& value = request.params.at(name);
  if (!ledger::IsValidId(value)) return Status(Code::kInvalidArgument, name + " is not a valid id");
  return value;
}

Result<contracts::Period> PeriodParam(const HttpRequest& request) {
  return contracts::ParsePeriod(request.params.at("period"));
}

// The record of type T at `key` as JSON, or not_found naming `what`.
template <class T>
Result<Json> RecordJson(const contracts::LedgerReader& store, const std::string& key,
                        const std::string& what) {
  COVALUE_ASSIGN_OR_RETURN(auto record, contracts::LoadRecord<T>(store, key));
  if (!record) return Status(Code::kNotFound, "no " + what);
  return FieldsToJson(*record);
}

void Answer(const Result<Json>& json, Responder& respond) {
  if (!json.ok()) return respond(ErrorResponse(json.status()));
  respond(JsonResponse(200, *json));
}

// GET routes for records keyed by one id: /v1/<collection>/{id}[?as_of=H].
template <class T, class KeyOf>
void AddByIdRoute(api::Router& router, LedgerService& service, const std::string& collection,
                  const std::string& what, KeyOf key_of) {
  router.Add("GET", "/v1/" + collection + "/{id}",
             [&service, what, key_of](const HttpRequest& request, Responder respond) {
               auto id = IdParam(request, "id");
               if (!id.ok()) return respond(ErrorResponse(id.status()));
               auto state = RequestedState::From(service, request);
               if (!state.ok()) return respond(ErrorResponse(state.status()));
               Answer(RecordJson<T>(state->reader(), key_of(*id),
                                    what + " '" + *id + "'" + state->Suffix()),
                      respond);
             });
}

Result<Json> FormulaJson(const RequestedState& state, const HttpRequest& request) {
  const contracts::LedgerReader& store = state.reader();
  COVALUE_ASSIGN_OR_RETURN(std::string venture, IdParam(request, "id"));
  const std::string& text = request.params.at("version");
  std::optional<uint32_t> version = ParseDecimal<uint32_t>(text);
  if (!version || *version == 0) {
    return Status(Code::kInvalidArgument, "version must be a positive integer");
  }
  return RecordJson<contracts::FormulaVersionRecord>(
      store, contracts::FormulaKey(venture, *version),
      "formula version " + text + " of venture '" + venture + "'" + state.Suffix());
}

// A period of a venture: its revenue and contribution totals, the formula in force, and
// the settlement if there is one.
Result<Json> PeriodJson(const RequestedState& state, const HttpRequest& request) {
  const contracts::LedgerReader& store = state.reader();
  COVALUE_ASSIGN_OR_RETURN(std::string venture_id, IdParam(request, "id"));
  COVALUE_ASSIGN_OR_RETURN(contracts::Period period, PeriodParam(request));
  COVALUE_ASSIGN_OR_RETURN(auto venture, contracts::LoadVenture(store, venture_id));
  if (!venture) return Status(Code::kNotFound, "no venture '" + venture_id + "'");
  COVALUE_ASSIGN_OR_RETURN(auto revenue, contracts::LoadRevenueTotal(store, venture_id, period));
  COVALUE_ASSIGN_OR_RETURN(auto contributions, contracts::LoadContributionTotals(store, venture_id, period));
  COVALUE_ASSIGN_OR_RETURN(auto formula, contracts::FormulaInForce(store, *venture, period));
  COVALUE_ASSIGN_OR_RETURN(auto settlement, contracts::LoadSettlement(store, venture_id, period));
  return Json{{"venture_id", venture_id},
              {"period", contracts::PeriodName(period)},
              {"revenue", FieldsToJson(revenue)},
              {"contributions", FieldsToJson(contributions)},
              {"formula_in_force", formula ? Json(formula->proposal.version) : Json(nullptr)},
              {"settled", settlement.has_value()}};
}

// The settlement of a period with the payout of each paid line: the statement.
Result<Json> SettlementJson(const RequestedState& state, const HttpRequest& request) {
  const contracts::LedgerReader& store = state.reader();
  COVALUE_ASSIGN_OR_RETURN(std::string venture_id, IdParam(request, "id"));
  COVALUE_ASSIGN_OR_RETURN(contracts::Period period, PeriodParam(request));
  COVALUE_ASSIGN_OR_RETURN(auto settlement, contracts::LoadSettlement(store, venture_id, period));
  if (!settlement) {
    return Status(Code::kNotFound, contracts::PeriodName(period) + " of venture '" + venture_id +
                                       "' is not settled");
  }
  COVALUE_ASSIGN_OR_RETURN(auto formula, contracts::LoadRecord<contracts::FormulaVersionRecord>(
                                             store, contracts::FormulaKey(venture_id, settlement->formula_version)));
  Json payouts = Json::array();
  for (const auto& line : settlement->lines) {
    COVALUE_ASSIGN_OR_RETURN(auto payout, contracts::LoadRecord<contracts::PayoutRecord>(
                                              store, contracts::PayoutKey(venture_id, period, line.member)));
    if (payout) payouts.push_back(FieldsToJson(*payout));
  }
  Json out = FieldsToJson(*settlement);
  out["formula_kind"] = formula ? Json(contracts::EnumName(formula->proposal.formula.kind)) : Json(nullptr);
  out["payouts"] = std::move(payouts);
  return out;
}

Result<Json> PayoutJson(const RequestedState& state, const HttpRequest& request) {
  const contracts::LedgerReader& store = state.reader();
  COVALUE_ASSIGN_OR_RETURN(std::string venture_id, IdParam(request, "id"));
  COVALUE_ASSIGN_OR_RETURN(contracts::Period period, PeriodParam(request));
  COVALUE_ASSIGN_OR_RETURN(std::string member, IdParam(request, "member"));
  return RecordJson<contracts::PayoutRecord>(
      store, contracts::PayoutKey(venture_id, period, member),
      "payout to '" + member + "' for " + contracts::PeriodName(period) + " of venture '" + venture_id +
          "'" + state.Suffix());
}

// GET /v1/access?party=&dataset=&purpose=[&operation=][&time=][&as_of=]: time is ms or UTC
// text; by default the time of the latest block (of block `as_of` with as_of).
Result<Json> AccessJson(const RequestedState& state, const HttpRequest& request) {
  contracts::AccessQuery query;
  for (auto [name, field] : {std::pair{"party", &query.party}, std::pair{"dataset", &query.dataset},
                             std::pair{"purpose", &query.purpose}}) {
    auto it = request.query.find(name);
    if (it == request.query.end() || !ledger::IsValidId(it->second)) {
      return Status(Code::kInvalidArgument, std::string(name) + " is required and must be an id");
    }
    *field = it->second;
  }
  if (auto it = request.query.find("operation"); it != request.query.end()) {
    if (!ledger::IsValidId(it->second)) return Status(Code::kInvalidArgument, "operation must be an id");
    query.operation = it->second;
  }
  COVALUE_ASSIGN_OR_RETURN(query.time_ms, state.TimeMs());
  if (auto it = request.query.find("time"); it != request.query.end()) {
    COVALUE_ASSIGN_OR_RETURN(query.time_ms, ParseTimeParam("time", it->second));
  }
  COVALUE_ASSIGN_OR_RETURN(auto decision, contracts::CheckAccess(state.reader(), query));
  return Json{{"party", query.party},
              {"dataset", query.dataset},
              {"purpose", query.purpose},
              {"operation", query.operation},
              {"time_ms", query.time_ms},
              {"time", FormatUtcTime(query.time_ms)},
              {"allowed", decision.allowed},
              {"code", CodeName(decision.code)},
              {"deciding_grant", decision.deciding_grant},
              {"reason", decision.reason}};
}

}  // namespace

void AddRecordRoutes(api::Router& router, LedgerService& service) {
  AddByIdRoute<contracts::GrantRecord>(router, service, "grants", "grant", contracts::GrantStateKey);
  AddByIdRoute<contracts::UsageReceiptRecord>(router, service, "receipts", "usage receipt",
                                              contracts::ReceiptStateKey);
  AddByIdRoute<contracts::MemberProposalRecord>(router, service, "proposals", "proposal",
                                                contracts::ProposalStateKey);
  AddByIdRoute<contracts::VentureRecord>(router, service, "ventures", "venture", contracts::VentureKey);
  AddByIdRoute<contracts::ContributionRecord>(router, service, "contributions", "contribution",
                                              contracts::ContributionKey);
  // Each answers from the state the request asks for: the head's, or ?as_of=H.
  auto bind = [&service](Result<Json> (*handler)(const RequestedState&, const HttpRequest&)) {
    return [&service, handler](const HttpRequest& request, Responder respond) {
      auto state = RequestedState::From(service, request);
      if (!state.ok()) return respond(ErrorResponse(state.status()));
      Answer(handler(*state, request), respond);
    };
  };
  router.Add("GET", "/v1/ventures/{id}/formulas/{version}", bind(FormulaJson));
  router.Add("GET", "/v1/ventures/{id}/periods/{period}", bind(PeriodJson));
  router.Add("GET", "/v1/ventures/{id}/settlements/{period}", bind(SettlementJson));
  router.Add("GET", "/v1/ventures/{id}/payouts/{period}/{member}", bind(PayoutJson));
  router.Add("GET", "/v1/access", bind(AccessJson));
}

}  // namespace covalue::node
