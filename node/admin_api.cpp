#include "node/admin_api.h"

#include <algorithm>
#include <set>

#include "common/decimal.h"
#include "common/log.h"
#include "crypto/random.h"
#include "crypto/signing.h"
#include "node/json_fields.h"
#include "node/tx_bodies.h"

namespace covalue::node {
namespace {

using api::ErrorResponse;
using api::HttpRequest;
using api::Responder;

// Without "expiry_blocks", a transaction may wait this many blocks (at most the chain's
// max_tx_lifetime), as `covalue tx` does.
constexpr uint64_t kDefaultExpiryBlocks = 100;

Result<ledger::Transaction> BuildSigned(LedgerService& service, const crypto::KeyPair& key,
                                        const Json& request) {
  static const std::set<std::string, std::less<>> kFields = {"kind", "body", "expiry_blocks",
                                                             "nonce"};
  for (const auto& [name, value] : request.items()) {
    if (!kFields.count(name)) {
      return Status(Code::kInvalidArgument,
                    "unknown field '" + name + "' (kind, body, expiry_blocks, nonce)");
    }
  }
  COVALUE_ASSIGN_OR_RETURN(std::string kind_name, StringField(request, "kind"));
  auto kind = ledger::TxKindFromName(kind_name);
  if (!kind) return Status(Code::kUnknownKind, "unknown transaction kind '" + kind_name + "'");
  if (!request.contains("body")) return Status(Code::kInvalidArgument, "missing field 'body'");
  COVALUE_ASSIGN_OR_RETURN(Bytes body, BodyFromJson(*kind, request["body"]));
  uint64_t lifetime = service.genesis().params.max_tx_lifetime;
  COVALUE_ASSIGN_OR_RETURN(
      uint64_t expiry_blocks,
      UintField(request, "expiry_blocks", std::min(kDefaultExpiryBlocks, lifetime)));
  COVALUE_ASSIGN_OR_RETURN(uint64_t nonce, UintField(request, "nonce", crypto::RandomU64()));

  ledger::Transaction tx;
  tx.chain_id = service.genesis().chain_id;
  tx.kind = *kind;
  tx.nonce = nonce;
  uint64_t head = service.store().Head().height;
  tx.expiry_height = expiry_blocks > UINT64_MAX - head ? UINT64_MAX : head + expiry_blocks;
  tx.signers = {key.public_key()};
  tx.body = std::move(body);
  tx.signatures = {
      crypto::SignFor(key, crypto::Domain::kTransaction, tx.chain_id, ledger::EncodeTxPayload(tx))};
  // The decoder's limits (body and transaction size) hold for what the node signed too.
  COVALUE_RETURN_IF_ERROR(ledger::DecodeTransaction(ledger::EncodeTransaction(tx)).status());
  return tx;
}

void HandleSignAndSubmit(LedgerService& service, const crypto::KeyPair* key,
                         const HttpRequest& request, Responder respond) {
  if (key == nullptr) {
    return respond(ErrorResponse(Status(
        Code::kFailedPrecondition,
        "this node holds no member key: set member_key_file in its config (docs/operations.md)")));
  }
  auto options = SubmitOptionsFromQuery(request);
  if (!options.ok()) return respond(ErrorResponse(options.status()));
  auto json = ParseJson(request.body, "request body");
  if (!json.ok()) return respond(ErrorResponse(json.status()));
  if (!json->is_object()) {
    return respond(ErrorResponse(Status(Code::kInvalidArgument, "body must be a JSON object")));
  }
  auto tx = BuildSigned(service, *key, *json);
  if (!tx.ok()) return respond(ErrorResponse(tx.status()));
  Log(LogLevel::kInfo, "api", "signed a transaction with the member key",
      {{"kind", std::string(ledger::TxKindName(tx->kind))},
       {"tx", ToHex(ledger::TxId(*tx))},
       {"key", ToHex(key->public_key())}});
  service.Submit(std::move(tx).value(), options->wait, options->timeout, std::move(respond));
}

}  // namespace

Result<SubmitOptions> SubmitOptionsFromQuery(const api::HttpRequest& request) {
  SubmitOptions options;
  if (auto it = request.query.find("wait"); it != request.query.end()) {
    if (it->second != "true" && it->second != "false") {
      return Status(Code::kInvalidArgument, "wait must be true or false");
    }
    options.wait = it->second == "true";
  }
  if (auto it = request.query.find("timeout_ms"); it != request.query.end()) {
    auto parsed = ParseDecimal<uint64_t>(it->second);
    if (!parsed || *parsed == 0 || *parsed > 600000) {
      return Status(Code::kInvalidArgument, "timeout_ms must be 1..600000");
    }
    options.timeout = std::chrono::milliseconds(*parsed);
  }
  return options;
}

void AddAdminRoutes(api::Router& router, LedgerService& service,
                    const crypto::KeyPair* member_key) {
  router.Add("POST", "/v1/admin/sign-and-submit",
             [&service, member_key](const HttpRequest& request, Responder respond) {
               HandleSignAndSubmit(service, member_key, request, std::move(respond));
             });
}

}  // namespace covalue::node
