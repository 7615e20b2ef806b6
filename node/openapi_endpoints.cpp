// The endpoint table of the OpenAPI document (node/openapi.h): one entry per route, with its
// parameters, success answer, error statuses and an example. A route added to the router
// without an entry here fails tests/unit/openapi_test.cpp. Roles, 401, 403 and 429 are added
// from the access table (node/api/auth.h), not listed here.
#include "node/openapi.h"

namespace covalue::node {
namespace {

ApiParam Path(std::string name, std::string description, std::string example) {
  return {std::move(name), "path", "string", std::move(description), true, std::move(example)};
}
ApiParam Query(std::string name, std::string type, std::string description,
               std::string example = "", bool required = false) {
  return {std::move(name), "query", std::move(type), std::move(description), required,
          std::move(example)};
}

ApiEndpoint E(std::string method, std::string path, std::string tag, std::string summary,
              std::vector<ApiParam> params, int status, std::string example,
              std::vector<int> errors = {}, std::string content_type = "application/json",
              std::string request_example = "") {
  ApiEndpoint endpoint;
  endpoint.method = std::move(method);
  endpoint.path = std::move(path);
  endpoint.tag = std::move(tag);
  endpoint.summary = std::move(summary);
  endpoint.params = std::move(params);
  endpoint.status = status;
  endpoint.example = std::move(example);
  endpoint.errors = std::move(errors);
  endpoint.content_type = std::move(content_type);
  endpoint.request_example = std::move(request_example);
  return endpoint;
}

const ApiParam kAsOf = Query("as_of", "integer",
                             "Answer from the state as it stood after this block (0: the genesis "
                             "state); 400 above the head, 409 below the height versions start at",
                             "12");
const ApiParam kWait = Query("wait", "boolean", "Answer when the transaction commits", "true");
const ApiParam kTimeout =
    Query("timeout_ms", "integer", "With wait: 1..600000 (default 30000), then 504 timeout", "30000");

// A committed transaction's view (GET /v1/tx/{id}, POST /v1/tx?wait=true).
constexpr const char* kCommittedTx = R"({"tx_id": "e4475b1e…", "status": "committed",
  "height": 1, "index": 0, "block_id": "dce1…",
  "tx": {"id": "e4475b1e…", "chain_id": "covalue-local-4", "kind": "dataset.register", "nonce": 1,
         "expiry_height": 100,
         "signers": ["8a88e3dd…"], "body_hex": "0900…",
         "body": {"dataset_id": "telemetry", "content_hash": "2d71…", "description": "fleet"}},
  "result": {"code": "ok", "message": "", "events": [{"kind": "dataset.registered",
             "attributes": {"dataset": "telemetry", "owner": "maker", "content_hash": "2d71…"}}]}})";

constexpr const char* kCertifiedHeader = R"({"height": 7, "log_size": 12, "log_root": "9c1f…",
  "header": {"id": "dce1…", "chain_id": "covalue-local-4", "height": 7, "time_ms": 1777766400000,
             "previous_id": "41aa…", "txs_root": "…", "log_root": "9c1f…", "log_size": 12,
             "state_root": "…", "proposer": "…"},
  "header_encoded": "0100…", "certificate": {"height": 7, "round": 0, "block_id": "dce1…",
  "signatures": [{"validator_index": 0, "validator": "node0", "signature": "…"}]},
  "certificate_encoded": "0700…"})";

std::vector<ApiEndpoint> MakeEndpoints() {
  const std::string committed = kCommittedTx;
  const std::string certified = kCertifiedHeader;
  return {
      // Operations.
      E("GET", "/healthz", "operations", "Liveness: 200 while the process serves requests", {}, 200,
       R"({"status": "ok"})"),
      E("GET", "/readyz", "operations", "Readiness: synced with the network and connected", {}, 200,
       R"({"ready": true, "height": 42, "peers_height": 42, "validator_peers": 3,
           "validator_peers_needed": 2, "reasons": []})", {503}),
      E("GET", "/metrics", "operations", "Prometheus text format: height, round, commits, mempool, peers, latencies, rejections",
       {}, 200, "# HELP covalue_height Height of the last block committed on this node.\n"
       "# TYPE covalue_height gauge\ncovalue_height 42\n", {}, "text/plain"),
      E("GET", "/v1/openapi.json", "operations", "This document", {}, 200,
       R"({"openapi": "3.0.3", "info": {"title": "covalue node API", "version": "1"}, "paths": {}})"),
      // The node and its chain.
      E("GET", "/v1/status", "node", "Chain, head and this node's own view", {}, 200,
       R"({"chain_id": "covalue-local-4", "genesis_hash": "77b0…", "height": 42, "block_id": "dce1…",
           "time_ms": 1777766400000, "state_root": "…", "log_size": 118, "log_root": "9c1f…",
           "mempool_size": 0, "max_tx_lifetime": 1000,
           "validators": [{"name": "node0", "key": "…"}],
           "node": {"name": "node0", "role": "validator", "peers_connected": ["node1", "node2", "node3"]}})"),
      E("GET", "/v1/genesis", "node", "The genesis document and its hash: the auditor's only trust", {}, 200,
       R"({"hash": "77b0…", "genesis": {"chain_id": "covalue-local-4", "genesis_time_ms": 1777593600000,
           "members": [{"id": "maker", "roles": ["member"], "keys": ["8a88e3dd…"]}],
           "validators": [{"name": "node0", "key": "…"}], "params": {"max_block_txs": 2000}}})"),
      // Transactions.
      E("POST", "/v1/tx", "transactions", "Submit a signed transaction (canonical encoding, hex)",
       {kWait, kTimeout}, 200, committed, {400, 409, 413, 503, 504}, "application/json",
       R"({"tx": "0100 0f000000636f76616c7565…"})"),
      E("GET", "/v1/tx/{id}", "transactions", "A transaction: committed (with result), pending or rejected",
       {Path("id", "Transaction id, 64 hex characters", "e4475b1e…")}, 200, committed, {400, 404}),
      E("POST", "/v1/admin/sign-and-submit", "admin",
       "The node signs a transaction for its own member (member_key_file) and submits it",
       {kWait, kTimeout}, 200, committed, {400, 409, 413, 503, 504}, "application/json",
       R"({"kind": "dataset.register", "body": {"dataset_id": "telemetry", "content_hash": "2d71…",
           "description": "fleet"}, "expiry_blocks": 100})"),
      // Blocks and proofs.
      E("GET", "/v1/blocks/{height}", "blocks and proofs", "A block with its results and commit certificate",
       {Path("height", "A height from 1, or 'latest'", "7")}, 200,
       R"({"header": {"id": "dce1…", "chain_id": "covalue-local-4", "height": 7, "time_ms": 1777766400000,
           "previous_id": "41aa…", "txs_root": "…", "log_root": "…", "log_size": 12, "state_root": "…",
           "proposer": "…"},
           "txs": [{"id": "e447…", "kind": "dataset.register", "nonce": 1, "expiry_height": 100,
                    "signers": ["…"], "body_hex": "…", "body": {}, "result": {"code": "ok", "message": "", "events": []}}],
           "certificate": {"height": 7, "round": 0, "block_id": "dce1…",
                           "signatures": [{"validator_index": 0, "validator": "node0", "signature": "…"}]}})",
       {400, 404}),
      E("GET", "/v1/blocks/{height}/encoded", "blocks and proofs", "Blocks in their canonical encoding (hex), for block sync and audits",
       {Path("height", "The first height, from 1", "7"), Query("count", "integer", "Blocks, 1..1000 (default 1)", "10")},
       200, R"({"blocks": [{"height": 7, "block_id": "dce1…", "block": "0100…"}]})", {400, 404}),
      E("GET", "/v1/tx/{id}/proof", "blocks and proofs",
       "Inclusion proof of a transaction and its result in the Merkle log, with the certified header",
       {Path("id", "Transaction id, 64 hex characters", "e4475b1e…")}, 200,
       R"({"tx_id": "e447…", "height": 7, "index": 0, "leaf_index": 11, "log_size": 12, "log_root": "9c1f…",
           "leaf": "0700…", "audit_path": ["…", "…"], "tx": {}, "tx_encoded": "0100…",
           "result": {"code": "ok", "message": "", "events": []}, "result_encoded": "0000…",
           "block": )" + certified + "}",
       {400, 404}),
      E("GET", "/v1/log/consistency", "blocks and proofs", "Consistency proof of the Merkle log between two heights",
       {Query("from", "integer", "The older height, from 1", "3", true),
        Query("to", "integer", "The newer height", "7", true)},
       200, R"({"from": )" + certified + R"(, "to": )" + certified + R"(, "proof": ["…", "…"]})", {400, 404}),
      E("GET", "/v1/log/frontier", "blocks and proofs", "The Merkle log's frontier nodes at a height (to extend the log offline)",
       {Query("height", "integer", "A height (0: the empty log)", "7", true)}, 200,
       R"({"height": 7, "log_size": 12, "log_root": "9c1f…",
           "nodes": [{"level": 3, "index": 0, "hash": "…"}, {"level": 2, "index": 2, "hash": "…"}]})",
       {400, 404}),
      // History.
      E("GET", "/v1/history/{family}/{id}", "history",
       "An entity's transactions, oldest first, by height and time range, with cursor paging",
       {Path("family", "dataset, member, grant, receipt, proposal, venture or contribution", "member"),
        Path("id", "The entity's id", "maker"),
        Query("from_height", "integer", "First height (included)", "3"),
        Query("to_height", "integer", "Last height (included)", "5"),
        Query("from_time", "string", "Block time from (included): ms since 1970 or UTC text", "2026-05-03"),
        Query("to_time", "string", "Block time until (excluded): ms since 1970 or UTC text", "2026-05-05"),
        Query("cursor", "string", "<height>.<index>: a previous page's next_cursor", "4.0"),
        Query("limit", "integer", "Items per page, 1..1000 (default 100)", "2")},
       200,
       R"({"entity": "member/maker", "from_height": 3, "to_height": 4,
           "items": [{"height": 3, "index": 0, "tx_id": "5b1e…", "kind": "dataset.register",
                      "time_ms": 1777766400000, "time": "2026-05-03T00:00:00Z"},
                     {"height": 3, "index": 1, "tx_id": "c07a…", "kind": "grant.issue",
                      "time_ms": 1777766400000, "time": "2026-05-03T00:00:00Z"}],
           "next_cursor": "4.0"})",
       {400}),
      // Records (each also as of a past height).
      E("GET", "/v1/datasets/{id}", "records", "A dataset", {Path("id", "Dataset id", "telemetry"), kAsOf}, 200,
       R"({"id": "telemetry", "owner": "maker", "content_hash": "2d71…", "description": "fleet",
           "registered_height": 1, "registered_time_ms": 1777593600000})", {400, 404, 409}),
      E("GET", "/v1/members/{id}", "records", "A member: roles and keys", {Path("id", "Member id", "maker"), kAsOf},
       200, R"({"id": "maker", "roles": ["member"], "keys": ["8a88e3dd…"]})", {400, 404, 409}),
      E("GET", "/v1/grants/{id}", "records", "A grant: terms, issuer, depth, revocation, usage",
       {Path("id", "Grant id", "g1"), kAsOf}, 200,
       R"({"grant_id": "g1", "dataset_id": "telemetry", "grantee": "analytics", "parent_grant_id": "",
           "purposes": ["emissions"], "operations": ["read"], "valid_from_ms": 1767225600000,
           "valid_until_ms": 1798761600000, "usage_cap": 0, "regrant_depth": 0, "issuer": "maker",
           "depth": 0, "issued_height": 2, "issued_time_ms": 1777680000000, "revoked": false,
           "revoked_height": 0, "revoked_time_ms": 0, "revoked_by": "", "used": 1200,
           "used_up_height": 0, "used_up_time_ms": 0})",
       {400, 404, 409}),
      E("GET", "/v1/receipts/{id}", "records", "A usage receipt", {Path("id", "Receipt id", "r1"), kAsOf}, 200,
       R"({"receipt_id": "r1", "grant_id": "g1", "purpose": "emissions", "operation": "read",
           "quantity": 1200, "unit": "rows", "used_at_ms": 1777680000000, "evidence_hash": "…",
           "dataset": "telemetry", "provider": "maker", "consumer": "analytics",
           "recorded_height": 3, "recorded_time_ms": 1777766400000})",
       {400, 404, 409}),
      E("GET", "/v1/proposals/{id}", "records", "A membership proposal and its approvals",
       {Path("id", "Proposal id", "p1"), kAsOf}, 200,
       R"({"id": "p1", "action": "add", "member_id": "insurer", "roles": 1, "keys": ["…"],
           "proposer": "maker", "approvals": ["maker", "analytics"], "proposed_height": 4,
           "executed_height": 5})",
       {400, 404, 409}),
      E("GET", "/v1/ventures/{id}", "records", "A venture", {Path("id", "Venture id", "v1"), kAsOf}, 200,
       R"({"venture_id": "v1", "members": ["maker", "analytics"], "currency": "EUR",
           "period_length": "quarter", "first_period": "2026-Q2", "treasurer": "maker", "creator": "maker",
           "created_height": 4, "formula_versions": 1, "next_unsettled": "2026-Q2"})",
       {400, 404, 409}),
      E("GET", "/v1/contributions/{id}", "records", "A contribution and its status",
       {Path("id", "Contribution id", "c1"), kAsOf}, 200,
       R"({"contribution_id": "c1", "venture_id": "v1", "kind": "data", "quantity": 1000, "unit": "rows",
           "value": 900000, "period": "2026-Q2", "evidence_hash": "…", "recoupable": false,
           "contributor": "analytics", "status": "counted", "recorded_height": 6, "disputed_by": "",
           "dispute_reason": "", "resolution_note": ""})",
       {400, 404, 409}),
      E("GET", "/v1/ventures/{id}/formulas/{version}", "records", "A formula version of a venture",
       {Path("id", "Venture id", "v1"), Path("version", "Version, from 1", "1"), kAsOf}, 200,
       R"({"venture_id": "v1", "version": 1, "effective_from": "2026-Q2",
           "formula": {"kind": "fixed", "fixed_shares": [{"member": "maker", "bps": 6000},
                       {"member": "analytics", "bps": 4000}], "kind_weights": [], "fixed_part_bps": 0,
                       "recoup_cap_bps": 0},
           "proposer": "maker", "signed_by": ["maker", "analytics"], "proposed_height": 5, "adopted_height": 5})",
       {400, 404, 409}),
      E("GET", "/v1/ventures/{id}/periods/{period}", "records",
       "A period of a venture: revenue and contribution totals, the formula in force, whether settled",
       {Path("id", "Venture id", "v1"), Path("period", "Period name", "2026-Q2"), kAsOf}, 200,
       R"({"venture_id": "v1", "period": "2026-Q2", "revenue": {"amount": 12000000, "count": 1},
           "contributions": {"entries": [{"member": "analytics", "kind": "data", "recoupable": false,
                             "count": 1, "value": 900000}], "recorded_count": 1, "open_value": 900000},
           "formula_in_force": 1, "settled": false})",
       {400, 404, 409}),
      E("GET", "/v1/ventures/{id}/settlements/{period}", "records", "The settlement of a period with its payouts",
       {Path("id", "Venture id", "v1"), Path("period", "Period name", "2026-Q2"), kAsOf}, 200,
       R"({"venture_id": "v1", "period": "2026-Q2", "formula_version": 1, "formula_kind": "fixed",
           "revenue": 12000000, "revenue_count": 1, "currency": "EUR",
           "lines": [{"member": "maker", "recoup_amount": 0, "fixed_amount": 7200000, "contribution_amount": 0,
                      "total": 7200000, "contributions_counted": 0, "contribution_value": 0,
                      "recoup_recorded": 0, "recoup_outstanding_after": 0}],
           "settled_height": 16, "settled_time_ms": 1777852800000, "tx_id": "…",
           "payouts": [{"venture_id": "v1", "period": "2026-Q2", "payee": "analytics", "payer": "maker",
                        "amount": 4800000, "currency": "EUR", "status": "instructed", "attempt": 1,
                        "bank_ref": "", "failure_reason": "", "instructed_height": 16, "confirmed_height": 0}]})",
       {400, 404, 409}),
      E("GET", "/v1/ventures/{id}/payouts/{period}/{member}", "records", "A payout",
       {Path("id", "Venture id", "v1"), Path("period", "Period name", "2026-Q2"),
        Path("member", "The payee", "analytics"), kAsOf},
       200,
       R"({"venture_id": "v1", "period": "2026-Q2", "payee": "analytics", "payer": "maker",
           "amount": 4800000, "currency": "EUR", "status": "confirmed", "attempt": 1,
           "bank_ref": "SEPA-Q2-0001", "failure_reason": "", "instructed_height": 16, "confirmed_height": 18})",
       {400, 404, 409}),
      E("GET", "/v1/access", "records", "May a party use a dataset for a purpose at a time? A decision, not an error",
       {Query("party", "string", "Member id", "analytics", true),
        Query("dataset", "string", "Dataset id", "telemetry", true),
        Query("purpose", "string", "Purpose id", "emissions", true),
        Query("operation", "string", "Operation id", "read"),
        Query("time", "string", "ms or UTC text; default: the latest block's time (block as_of's with as_of)",
              "2026-05-02"),
        kAsOf},
       200,
       R"({"party": "analytics", "dataset": "telemetry", "purpose": "emissions", "operation": "read",
           "time_ms": 1777680000000, "time": "2026-05-02T00:00:00Z", "allowed": true, "code": "ok",
           "deciding_grant": "g1", "reason": "grant g1 allows it"})",
       {400, 409}),
      // Events.
      E("GET", "/v1/events", "events",
       "Server-sent events of committed transactions, resumable from a cursor (or Last-Event-ID)",
       {Query("cursor", "string", "H, H.I, H.I.E or 'head': the last event the client has", "16.0.2"),
        Query("kind", "string", "Comma-separated kinds; 'payout.' matches a prefix", "payout.instructed"),
        Query("venture", "string", "Comma-separated venture ids", "v1"),
        Query("party", "string", "Comma-separated member ids", "analytics"),
        Query("heartbeat_ms", "integer", "Comment line interval, 100..60000", "15000")},
       200,
       "id: 16.0.2\nevent: payout.instructed\ndata: {\"id\": \"16.0.2\", \"height\": 16, \"index\": 0, "
       "\"event_index\": 2, \"kind\": \"payout.instructed\", \"attributes\": {}, \"scope\": {}}\n\n",
       {400, 503}, "text/event-stream"),
      E("GET", "/v1/events/page", "events", "The same events as JSON pages",
       {Query("cursor", "string", "H, H.I, H.I.E or 'head'", "16"),
        Query("kind", "string", "Comma-separated kinds", "payout."),
        Query("venture", "string", "Comma-separated venture ids", "v1"),
        Query("party", "string", "Comma-separated member ids", "analytics"),
        Query("limit", "integer", "Events per page, 1..1000 (default 100)", "100")},
       200,
       R"({"events": [{"id": "16.0.2", "height": 16, "index": 0, "event_index": 2, "tx_id": "…",
           "kind": "payout.instructed", "attributes": {"payee": "analytics", "amount": "4800000"},
           "scope": {"venture": "v1", "period": "2026-Q2"}, "time_ms": 1777852800000,
           "time": "2026-05-04T00:00:00Z"}], "head": 18, "next_cursor": "16.0.2"})",
       {400}),
  };
}

}  // namespace

const std::vector<ApiEndpoint>& ApiEndpoints() {
  static const std::vector<ApiEndpoint> endpoints = MakeEndpoints();
  return endpoints;
}

}  // namespace covalue::node
