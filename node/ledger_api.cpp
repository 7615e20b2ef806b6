#include "node/ledger_api.h"

#include <charconv>
#include <set>

#include "contracts/dataset_register.h"
#include "contracts/member_record.h"
#include "ledger/identifiers.h"
#include "node/json_views.h"
#include "node/records_api.h"

namespace covalue::node {
namespace {

using api::ErrorResponse;
using api::HttpRequest;
using api::JsonResponse;
using api::Responder;

std::optional<uint64_t> ParseUint(std::string_view text) {
  uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

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
  bool wait = false;
  if (auto it = request.query.find("wait"); it != request.query.end()) {
    if (it->second != "true" && it->second != "false") {
      return respond(ErrorResponse(Status(Code::kInvalidArgument, "wait must be true or false")));
    }
    wait = it->second == "true";
  }
  uint64_t timeout_ms = 30000;
  if (auto it = request.query.find("timeout_ms"); it != request.query.end()) {
    auto parsed = ParseUint(it->second);
    if (!parsed || *parsed == 0 || *parsed > 600000) {
      return respond(
          ErrorResponse(Status(Code::kInvalidArgument, "timeout_ms must be 1..600000")));
    }
    timeout_ms = *parsed;
  }
  auto body = ParseJson(request.body, "request body");
  if (!body.ok()) return respond(ErrorResponse(body.status()));
  if (!body->is_object()) {
    return respond(ErrorResponse(Status(Code::kInvalidArgument, "body must be a JSON object")));
  }
  auto hex = StringField(*body, "tx");
  if (!hex.ok()) return respond(ErrorResponse(hex.status()));
  auto bytes = FromHex(*hex);
  if (!bytes.ok()) {
    return respond(ErrorResponse(Status(Code::kMalformed, "field 'tx' must be hex")));
  }
  auto tx = ledger::DecodeTransaction(*bytes);
  if (!tx.ok()) return respond(ErrorResponse(tx.status()));

  service.Submit(std::move(tx).value(), wait, std::chrono::milliseconds(timeout_ms),
                 std::move(respond));
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
  std::optional<uint64_t> height =
      which == "latest" ? std::optional<uint64_t>(service.store().Head().height) : ParseUint(which);
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
  auto bytes = service.store().Get(state_key);
  if (!bytes.ok()) return respond(ErrorResponse(bytes.status()));
  if (!*bytes) {
    return respond(ErrorResponse(Status(Code::kNotFound, "no " + std::string(what) + " '" + id + "'")));
  }
  auto record = decode(**bytes);
  if (!record.ok()) return respond(ErrorResponse(record.status()));
  respond(JsonResponse(200, view(*record)));
}

void HandleHistory(LedgerService& service, const HttpRequest& request, Responder respond) {
  const std::string& kind = request.params.at("kind");
  const std::string& id = request.params.at("id");
  static const std::set<std::string, std::less<>> kFamilies = {
      "dataset", "member", "grant", "receipt", "proposal", "venture", "contribution"};
  if (!kFamilies.count(kind) || !ledger::IsValidId(id)) {
    return respond(ErrorResponse(Status(
        Code::kInvalidArgument,
        "history is kept for dataset, member, grant, receipt, proposal, venture and contribution ids")));
  }
  // cursor = "<height>.<index>": the first entry to return (from a previous next_cursor).
  uint64_t from_height = 0;
  uint64_t from_index = 0;
  uint64_t limit = 100;
  if (auto it = request.query.find("cursor"); it != request.query.end()) {
    auto dot = it->second.find('.');
    auto height = ParseUint(std::string_view(it->second).substr(0, dot));
    auto index = dot == std::string::npos ? std::nullopt
                                          : ParseUint(std::string_view(it->second).substr(dot + 1));
    if (!height || !index || *index > UINT32_MAX) {
      return respond(ErrorResponse(Status(Code::kInvalidArgument, "cursor must be <height>.<index>")));
    }
    from_height = *height;
    from_index = *index;
  }
  if (auto it = request.query.find("limit"); it != request.query.end()) {
    auto parsed = ParseUint(it->second);
    if (!parsed || *parsed == 0 || *parsed > 1000) {
      return respond(ErrorResponse(Status(Code::kInvalidArgument, "limit must be 1..1000")));
    }
    limit = *parsed;
  }
  // One more than asked tells whether there is a next page.
  auto entries = service.store().History(kind + "/" + id, from_height,
                                         static_cast<uint32_t>(from_index), limit + 1);
  if (!entries.ok()) return respond(ErrorResponse(entries.status()));
  Json items = Json::array();
  for (size_t i = 0; i < entries->size() && i < limit; ++i) {
    const auto& e = (*entries)[i];
    items.push_back({{"height", e.height}, {"index", e.index}, {"tx_id", ToHex(e.tx_id)}});
  }
  Json out = {{"entity", kind + "/" + id}, {"items", items}};
  if (entries->size() > limit) {
    const auto& next = (*entries)[limit];
    out["next_cursor"] = std::to_string(next.height) + "." + std::to_string(next.index);
  }
  respond(JsonResponse(200, out));
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

api::Router BuildLedgerApi(LedgerService& service) {
  api::Router router;
  auto bind = [&service](auto handler) {
    return [&service, handler](const HttpRequest& request, Responder respond) {
      handler(service, request, std::move(respond));
    };
  };
  router.Add("GET", "/healthz", [](const HttpRequest&, Responder respond) {
    respond(JsonResponse(200, {{"status", "ok"}}));
  });
  router.Add("GET", "/v1/status", bind(HandleStatus));
  router.Add("POST", "/v1/tx", bind(HandleSubmit));
  router.Add("GET", "/v1/tx/{id}", bind(HandleGetTx));
  router.Add("GET", "/v1/blocks/{height}", bind(HandleGetBlock));
  router.Add("GET", "/v1/history/{kind}/{id}", bind(HandleHistory));
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
  return router;
}

}  // namespace covalue::node
