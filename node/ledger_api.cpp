#include "node/ledger_api.h"

#include "common/decimal.h"
#include "contracts/dataset_register.h"
#include "contracts/member_record.h"
#include "ledger/identifiers.h"
#include "node/admin_api.h"
#include "node/events_api.h"
#include "node/history_api.h"
#include "node/json_views.h"
#include "node/openapi.h"
#include "node/proofs_api.h"
#include "node/records_api.h"
#include "node/requested_state.h"

namespace covalue::node {
namespace {

using api::ErrorResponse;
using api::HttpRequest;
using api::JsonResponse;
using api::Responder;

void HandleStatus(LedgerService& service, const HttpRequest&, Responder respond) {
  ChainHead head = service.store().Head();
  Json validators = Json::array();
  for (const auto& v : service.validators().validators()) {
    validators.push_back({{"name", v.name}, {"key", ToHex(v.key)}});
  }
  respond(JsonResponse(200, {{"chain_id", service.genesis().chain_id},
                             {"genesis_hash", ToHex(ledger::GenesisHash(service.genesis()))},
                             {"height", head.height},
                             {"block_id", ToHex(head.block_id)},
                             {"time_ms", head.time_ms},
                             {"state_root", ToHex(head.state_root)},
                             {"log_size", head.log_size},
                             {"log_root", ToHex(head.log_root)},
                             {"mempool_size", service.mempool_size()},
                             {"max_tx_lifetime", service.genesis().params.max_tx_lifetime},
                             {"validators", validators},
                             {"node", service.NodeStatus()}}));
}

void HandleSubmit(LedgerService& service, const HttpRequest& request, Responder respond) {
  auto options = SubmitOptionsFromQuery(request);  // node/admin_api.h
  if (!options.ok()) return respond(ErrorResponse(options.status()));
  auto body = ParseJson(request.body, "request body");
  if (!body.ok()) return respond(ErrorResponse(body.status()));
  if (!body->is_object()) {
    return respond(ErrorResponse(Status(Code::kInvalidArgument, "body must be a JSON object")));
  }
  for (const auto& [name, value] : body->items()) {
    if (name != "tx") {
      return respond(ErrorResponse(
          Status(Code::kInvalidArgument, "unknown field '" + name + "' (the body is {\"tx\": hex})")));
    }
  }
  auto hex = StringField(*body, "tx");
  if (!hex.ok()) return respond(ErrorResponse(hex.status()));
  auto bytes = FromHex(*hex);
  if (!bytes.ok()) {
    return respond(ErrorResponse(Status(Code::kMalformed, "field 'tx' must be hex")));
  }
  auto tx = ledger::DecodeTransaction(*bytes);
  if (!tx.ok()) return respond(ErrorResponse(tx.status()));

  service.Submit(std::move(tx).value(), options->wait, options->timeout, std::move(respond));
}

void HandleGetTx(LedgerService& service, const HttpRequest& request, Responder respond) {
  auto id = Hash32FromHex(request.params.at("id"));
  if (!id.ok()) {
    return respond(ErrorResponse(Status(Code::kInvalidArgument, "tx id must be 64 hex characters")));
  }
  auto location = service.store().FindTx(*id);
  if (!location.ok()) return respond(ErrorResponse(location.status()));
  if (*location) {
    auto view = CommittedTxView(service.store(), **location);
    if (!view.ok()) return respond(ErrorResponse(view.status()));
    return respond(JsonResponse(200, *view));
  }
  Status reason;
  switch (service.Stage(*id, &reason)) {
    case TxStage::kPending:
      return respond(JsonResponse(200, {{"tx_id", ToHex(*id)}, {"status", "pending"}}));
    case TxStage::kRejected:
      return respond(JsonResponse(200, {{"tx_id", ToHex(*id)},
                                        {"status", "rejected"},
                                        {"code", CodeName(reason.code())},
                                        {"message", reason.message()}}));
    case TxStage::kUnknown: break;
  }
  respond(ErrorResponse(Status(Code::kNotFound, "no transaction " + ToHex(*id) + " on this node")));
}

void HandleGetBlock(LedgerService& service, const HttpRequest& request, Responder respond) {
  const std::string& which = request.params.at("height");
  std::optional<uint64_t> height = which == "latest"
                                       ? std::optional<uint64_t>(service.store().Head().height)
                                       : ParseDecimal<uint64_t>(which);
  if (!height || *height == 0) {
    return respond(ErrorResponse(
        Status(Code::kInvalidArgument, "height must be a positive integer or 'latest'")));
  }
  auto block = service.store().GetBlock(*height);
  if (!block.ok()) return respond(ErrorResponse(block.status()));
  if (!*block) {
    return respond(ErrorResponse(Status(Code::kNotFound, "no block at height " + which)));
  }
  respond(JsonResponse(200, BlockToJson(**block, service.validators())));
}

// Reads a state record by id and renders it, or answers 404.
template <typename Decode, typename View>
void HandleRecord(LedgerService& service, const HttpRequest& request, Responder respond,
                  std::string_view what, std::string state_key, Decode decode, View view) {
  const std::string& id = request.params.at("id");
  if (!ledger::IsValidId(id)) {
    return respond(ErrorResponse(Status(Code::kInvalidArgument, "invalid " + std::string(what) + " id")));
  }
  auto state = RequestedState::From(service, request);  // ?as_of=H: as it stood after block H
  if (!state.ok()) return respond(ErrorResponse(state.status()));
  auto bytes = state->reader().Get(state_key);
  if (!bytes.ok()) return respond(ErrorResponse(bytes.status()));
  if (!*bytes) {
    return respond(ErrorResponse(Status(
        Code::kNotFound, "no " + std::string(what) + " '" + id + "'" + state->Suffix())));
  }
  auto record = decode(**bytes);
  if (!record.ok()) return respond(ErrorResponse(record.status()));
  respond(JsonResponse(200, view(*record)));
}

}  // namespace

Result<Json> CommittedTxView(const ChainStore& store, const TxLocation& location) {
  COVALUE_ASSIGN_OR_RETURN(auto block, store.GetBlock(location.height));
  if (!block || location.index >= block->txs.size()) {
    return Status(Code::kCorruption, "transaction index points past block " +
                                         std::to_string(location.height));
  }
  return CommittedTxView(*block, location.index);
}

Json CommittedTxView(const ledger::Block& block, uint32_t index) {
  return Json{{"tx_id", ToHex(ledger::TxId(block.txs[index]))},
              {"status", "committed"},
              {"height", block.header.height},
              {"index", index},
              {"block_id", ToHex(ledger::BlockId(block.header))},
              {"tx", TransactionToJson(block.txs[index])},
              {"result", TxResultToJson(block.results[index])}};
}

api::Router BuildNodeRouter(LedgerService& service, NodeMetrics& metrics,
                            std::function<Readiness()> readiness,
                            const crypto::KeyPair* member_key,
                            std::shared_ptr<const api::Authenticator> auth) {
  api::Router router = BuildLedgerApi(service);
  AddOpsRoutes(router, metrics, std::move(readiness));
  AddAdminRoutes(router, service, member_key);
  router.SetGuard(ApiGuard(std::move(auth), metrics));
  return router;
}

api::Router BuildLedgerApi(LedgerService& service) {
  api::Router router;
  auto bind = [&service](auto handler) {
    return [&service, handler](const HttpRequest& request, Responder respond) {
      handler(service, request, std::move(respond));
    };
  };
  router.Add("GET", "/v1/status", bind(HandleStatus));
  router.Add("POST", "/v1/tx", bind(HandleSubmit));
  router.Add("GET", "/v1/tx/{id}", bind(HandleGetTx));
  router.Add("GET", "/v1/blocks/{height}", bind(HandleGetBlock));
  AddHistoryRoutes(router, service);
  router.Add("GET", "/v1/datasets/{id}", [&service](const HttpRequest& request, Responder respond) {
    HandleRecord(service, request, std::move(respond), "dataset",
                 contracts::DatasetStateKey(request.params.at("id")),
                 contracts::DecodeDatasetRecord, DatasetToJson);
  });
  router.Add("GET", "/v1/members/{id}", [&service](const HttpRequest& request, Responder respond) {
    HandleRecord(service, request, std::move(respond), "member",
                 contracts::MemberStateKey(request.params.at("id")),
                 contracts::DecodeMemberRecord, MemberToJson);
  });
  AddRecordRoutes(router, service);
  AddEventsRoutes(router, service);
  AddProofRoutes(router, service);
  AddOpenApiRoute(router);
  return router;
}

}  // namespace covalue::node
