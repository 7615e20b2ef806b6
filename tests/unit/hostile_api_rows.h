// The tables of tests/unit/hostile_api_test.cpp (docs/fuzzing.md): the API's routes with who
// may call each and a well-formed baseline request, each route's own malformed requests
// (EndpointRows), and the rows every route gets from its baseline (GenericRows: methods,
// sizes, encodings; AuthRows: tokens and roles). Adding a route is one line in Routes();
// adding a row is one line. Data and pure functions; for that test only.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "node/api/auth.h"

namespace covalue::hostile {

// Who may call a route (node/api/auth.cpp AccessRules, docs/api.md §Tokens and roles).
enum class Who { kOpen, kEveryRole, kReaders, kAuditors, kSubmitters, kAdmin };

// A route, who may call it, and a well-formed request (path, query, body) with the answer it
// gets on the test chain (maker's dataset "telemetry" committed at height 1). The generic
// rows (methods, sizes, encodings, tokens and roles) are made from it, so the baseline need
// not be a 200, only an answer that does not depend on timing: submission uses an expired
// transaction, the event stream a bad cursor.
struct Route {
  std::string method;
  std::string pattern;  // as registered with the Router and listed in /v1/openapi.json
  Who who;
  std::string path;
  std::string query;  // "" or "?a=b"
  std::string body;
  int status;
  std::string code;
};

// A request and what it must get. `code` empty: only the status is checked.
struct Row {
  std::string method;
  std::string target;
  std::string body;
  int status;
  std::string code;
  std::string headers = "";  // extra header lines, each ending in \r\n
};

inline const std::string kTxId64(64, 'a');
inline const std::string kHuge = "99999999999999999999999999999";  // over 2^64

// The node's tokens, one per role (stored as hashes in its config).
inline const std::vector<std::pair<api::Role, std::string>> kTokens = {
    {api::Role::kAdmin, "cvt_admin_token_for_hostile_tests"},
    {api::Role::kSubmit, "cvt_submit_token_for_hostile_tests"},
    {api::Role::kRead, "cvt_read_token_for_hostile_tests"},
    {api::Role::kAuditor, "cvt_auditor_token_for_hostile_tests"},
};
inline std::string Bearer(const std::string& token) { return "Authorization: Bearer " + token + "\r\n"; }
inline const std::string kAdminAuth = Bearer(kTokens[0].second);

inline bool Allowed(Who who, api::Role role) {
  switch (who) {
    case Who::kOpen: return true;
    case Who::kEveryRole: return true;
    case Who::kReaders: return role != api::Role::kSubmit;
    case Who::kAuditors: return role == api::Role::kAuditor || role == api::Role::kAdmin;
    case Who::kSubmitters: return role == api::Role::kSubmit || role == api::Role::kAdmin;
    case Who::kAdmin: return role == api::Role::kAdmin;
  }
  return false;
}

inline std::string Repeat(const std::string& s, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

inline std::string TxBody(const std::string& hex, const std::string& extra = "") {
  return R"({"tx":")" + hex + "\"" + extra + "}";
}
inline std::string AdminBody(const std::string& fields, const std::string& extra = "") {
  return R"({"kind":"dataset.register","body":{)" + fields + "}" + extra + "}";
}

inline std::vector<Route> Routes(const std::string& expired_submission) {
  return {
      {"GET", "/healthz", Who::kOpen, "/healthz", "", "", 200, ""},
      {"GET", "/readyz", Who::kOpen, "/readyz", "", "", 200, ""},
      {"GET", "/metrics", Who::kReaders, "/metrics", "", "", 200, ""},
      {"GET", "/v1/openapi.json", Who::kReaders, "/v1/openapi.json", "", "", 200, ""},
      {"GET", "/v1/status", Who::kEveryRole, "/v1/status", "", "", 200, ""},
      {"GET", "/v1/genesis", Who::kAuditors, "/v1/genesis", "", "", 200, ""},
      {"POST", "/v1/tx", Who::kSubmitters, "/v1/tx", "", expired_submission, 400, "expired"},
      {"POST", "/v1/admin/sign-and-submit", Who::kAdmin, "/v1/admin/sign-and-submit", "",
       AdminBody(""), 400, "invalid_argument"},
      {"GET", "/v1/tx/{id}", Who::kEveryRole, "/v1/tx/" + kTxId64, "", "", 404, "not_found"},
      {"GET", "/v1/tx/{id}/proof", Who::kReaders, "/v1/tx/" + kTxId64 + "/proof", "", "", 404, "not_found"},
      {"GET", "/v1/blocks/{height}", Who::kReaders, "/v1/blocks/1", "", "", 200, ""},
      {"GET", "/v1/blocks/{height}/encoded", Who::kAuditors, "/v1/blocks/1/encoded", "", "", 200, ""},
      {"GET", "/v1/log/consistency", Who::kAuditors, "/v1/log/consistency", "?from=1&to=1", "", 200, ""},
      {"GET", "/v1/log/frontier", Who::kAuditors, "/v1/log/frontier", "?height=1", "", 200, ""},
      {"GET", "/v1/history/{family}/{id}", Who::kReaders, "/v1/history/dataset/telemetry", "", "", 200, ""},
      {"GET", "/v1/events", Who::kReaders, "/v1/events", "?cursor=x", "", 400, "invalid_argument"},
      {"GET", "/v1/events/page", Who::kReaders, "/v1/events/page", "", "", 200, ""},
      {"GET", "/v1/datasets/{id}", Who::kReaders, "/v1/datasets/telemetry", "", "", 200, ""},
      {"GET", "/v1/members/{id}", Who::kReaders, "/v1/members/maker", "", "", 200, ""},
      {"GET", "/v1/grants/{id}", Who::kReaders, "/v1/grants/g1", "", "", 404, "not_found"},
      {"GET", "/v1/receipts/{id}", Who::kReaders, "/v1/receipts/r1", "", "", 404, "not_found"},
      {"GET", "/v1/proposals/{id}", Who::kReaders, "/v1/proposals/p1", "", "", 404, "not_found"},
      {"GET", "/v1/ventures/{id}", Who::kReaders, "/v1/ventures/v1", "", "", 404, "not_found"},
      {"GET", "/v1/contributions/{id}", Who::kReaders, "/v1/contributions/c1", "", "", 404, "not_found"},
      {"GET", "/v1/ventures/{id}/formulas/{version}", Who::kReaders, "/v1/ventures/v1/formulas/1", "", "",
       404, "not_found"},
      {"GET", "/v1/ventures/{id}/periods/{period}", Who::kReaders, "/v1/ventures/v1/periods/2026-Q1", "",
       "", 404, "not_found"},
      {"GET", "/v1/ventures/{id}/settlements/{period}", Who::kReaders,
       "/v1/ventures/v1/settlements/2026-Q1", "", "", 404, "not_found"},
      {"GET", "/v1/ventures/{id}/payouts/{period}/{member}", Who::kReaders,
       "/v1/ventures/v1/payouts/2026-Q1/maker", "", "", 404, "not_found"},
      {"GET", "/v1/access", Who::kReaders, "/v1/access", "?party=analytics&dataset=telemetry&purpose=research",
       "", 200, ""},
  };
}

// Rows for one route's parameters and body. Targets use only what the server must refuse.
// Encoded transactions (hex) that the node refuses whole, each for one reason, and a signed
// precommit: the fixture makes them with the test keys.
struct Samples {
  std::string expired;          // expiry height 0
  std::string wrong_chain;      // signed for "other-chain"
  std::string unknown_signer;   // signed by a key no member holds
  std::string bad_signature;    // a body byte changed after signing
  std::string replay;           // the transaction committed at height 1, again
  std::string auditor_signed;   // dataset.register signed by the auditor (no member role)
  std::string vote;             // a consensus precommit, offered as a transaction
};

inline std::vector<Row> EndpointRows(const Samples& tx) {
  const std::string& expired_tx_hex = tx.expired;
  const std::string id65(65, 'a');
  const std::string long_id = Repeat("a", 200);
  return {
      // POST /v1/tx: the body.
      {"POST", "/v1/tx", "", 400, "malformed"},
      {"POST", "/v1/tx", "{not json", 400, "malformed"},
      {"POST", "/v1/tx", R"({"tx":"00")", 400, "malformed"},
      {"POST", "/v1/tx", "{\"tx\":\"\xff\xfe\"}", 400, "malformed"},         // bad UTF-8
      {"POST", "/v1/tx", R"({"tx":"00","tx":"00"})", 400, "malformed"},     // duplicate key
      {"POST", "/v1/tx", R"({"tx":"00","x":{"a":1,"a":2}})", 400, "malformed"},  // nested duplicate
      {"POST", "/v1/tx", "[]", 400, "invalid_argument"},
      {"POST", "/v1/tx", "null", 400, "invalid_argument"},
      {"POST", "/v1/tx", "42", 400, "invalid_argument"},
      {"POST", "/v1/tx", R"("tx")", 400, "invalid_argument"},
      {"POST", "/v1/tx", "{}", 400, "invalid_argument"},
      {"POST", "/v1/tx", R"({"transaction":"00"})", 400, "invalid_argument"},
      {"POST", "/v1/tx", R"({"tx":123})", 400, "invalid_argument"},
      {"POST", "/v1/tx", R"({"tx":null})", 400, "invalid_argument"},
      {"POST", "/v1/tx", R"({"tx":true})", 400, "invalid_argument"},
      {"POST", "/v1/tx", R"({"tx":["00"]})", 400, "invalid_argument"},
      {"POST", "/v1/tx", R"({"tx":{"hex":"00"}})", 400, "invalid_argument"},
      {"POST", "/v1/tx", R"({"tx":1e400})", 400, "malformed"},                 // overflows a double
      {"POST", "/v1/tx", R"({"tx":18446744073709551616})", 400, "invalid_argument"},
      {"POST", "/v1/tx", R"({"tx":-1})", 400, "invalid_argument"},
      {"POST", "/v1/tx", Repeat("[", 100000) + Repeat("]", 100000), 400, "invalid_argument"},
      {"POST", "/v1/tx", Repeat("[", 100000), 400, "malformed"},
      {"POST", "/v1/tx", TxBody(""), 400, "malformed"},
      {"POST", "/v1/tx", TxBody("zz"), 400, "malformed"},
      {"POST", "/v1/tx", TxBody("0"), 400, "malformed"},                      // odd length
      {"POST", "/v1/tx", TxBody("0100"), 400, "malformed"},                   // truncated
      {"POST", "/v1/tx", TxBody(Repeat("00", 300)), 400, "unsupported_version"},
      {"POST", "/v1/tx", TxBody(expired_tx_hex + "00"), 400, "trailing_bytes"},
      {"POST", "/v1/tx", TxBody(tx.vote), 400, "unsupported_version"},  // a vote as a tx
      {"POST", "/v1/tx", TxBody(tx.wrong_chain), 400, "wrong_chain"},
      {"POST", "/v1/tx", TxBody(tx.unknown_signer), 400, "unknown_signer"},
      {"POST", "/v1/tx", TxBody(tx.bad_signature), 400, "bad_signature"},
      {"POST", "/v1/tx", TxBody(tx.replay), 409, "replay"},
      {"POST", "/v1/tx?wait=true", TxBody(tx.replay), 409, "replay"},
      {"POST", "/v1/tx", TxBody(tx.auditor_signed), 403, "forbidden"},
      {"POST", "/v1/tx", TxBody(Repeat("00", 70000)), 413, "too_large"},      // over kMaxTxBytes
      {"POST", "/v1/tx", TxBody(expired_tx_hex), 400, "expired"},
      // An unknown field is refused before the transaction is looked at.
      {"POST", "/v1/tx", TxBody(expired_tx_hex, R"(,"wiat":true)"), 400, "invalid_argument"},
      {"POST", "/v1/tx", TxBody(expired_tx_hex, R"(,"n":1e300)"), 400, "invalid_argument"},
      {"POST", "/v1/tx?wiat=true", TxBody(expired_tx_hex), 400, "invalid_argument"},
      // POST /v1/tx: the query.
      {"POST", "/v1/tx?wait=maybe", TxBody(expired_tx_hex), 400, "invalid_argument"},
      {"POST", "/v1/tx?wait=TRUE", TxBody(expired_tx_hex), 400, "invalid_argument"},
      {"POST", "/v1/tx?wait=", TxBody(expired_tx_hex), 400, "invalid_argument"},
      {"POST", "/v1/tx?wait=true&timeout_ms=0", TxBody(expired_tx_hex), 400, "invalid_argument"},
      {"POST", "/v1/tx?wait=true&timeout_ms=600001", TxBody(expired_tx_hex), 400, "invalid_argument"},
      {"POST", "/v1/tx?wait=true&timeout_ms=" + kHuge, TxBody(expired_tx_hex), 400, "invalid_argument"},
      {"POST", "/v1/tx?wait=true&timeout_ms=-1", TxBody(expired_tx_hex), 400, "invalid_argument"},
      {"POST", "/v1/tx?wait=true&timeout_ms=1e3", TxBody(expired_tx_hex), 400, "invalid_argument"},
      {"POST", "/v1/tx?wait=true&timeout_ms=%2B5", TxBody(expired_tx_hex), 400, "invalid_argument"},
      {"POST", "/v1/tx?wait=true&timeout_ms=5", TxBody(expired_tx_hex), 400, "expired"},
      // GET /v1/tx/{id}
      {"GET", "/v1/tx/xyz", "", 400, "invalid_argument"},
      {"GET", "/v1/tx/" + kTxId64.substr(1), "", 400, "invalid_argument"},
      {"GET", "/v1/tx/" + id65, "", 400, "invalid_argument"},
      {"GET", "/v1/tx/" + Repeat("g", 64), "", 400, "invalid_argument"},
      {"GET", "/v1/tx/%00" + kTxId64.substr(1), "", 400, "invalid_argument"},
      {"GET", "/v1/tx/" + Repeat("A", 64), "", 404, "not_found"},
      // GET /v1/blocks/{height}
      {"GET", "/v1/blocks/0", "", 400, "invalid_argument"},
      {"GET", "/v1/blocks/-1", "", 400, "invalid_argument"},
      {"GET", "/v1/blocks/1e3", "", 400, "invalid_argument"},
      {"GET", "/v1/blocks/0x10", "", 400, "invalid_argument"},
      {"GET", "/v1/blocks/%2B1", "", 400, "invalid_argument"},
      {"GET", "/v1/blocks/%201", "", 400, "invalid_argument"},
      {"GET", "/v1/blocks/zero", "", 400, "invalid_argument"},
      {"GET", "/v1/blocks/Latest", "", 400, "invalid_argument"},
      {"GET", "/v1/blocks/" + kHuge, "", 400, "invalid_argument"},
      {"GET", "/v1/blocks/18446744073709551616", "", 400, "invalid_argument"},
      {"GET", "/v1/blocks/18446744073709551615", "", 404, "not_found"},
      {"GET", "/v1/blocks/2", "", 404, "not_found"},
      // GET /v1/history/{kind}/{id}
      {"GET", "/v1/history/block/telemetry", "", 400, "invalid_argument"},
      {"GET", "/v1/history/Dataset/telemetry", "", 400, "invalid_argument"},
      {"GET", "/v1/history/dataset/Telemetry", "", 400, "invalid_argument"},
      {"GET", "/v1/history/dataset/" + long_id, "", 400, "invalid_argument"},
      {"GET", "/v1/history/dataset/telemetry?limit=0", "", 400, "invalid_argument"},
      {"GET", "/v1/history/dataset/telemetry?limit=1001", "", 400, "invalid_argument"},
      {"GET", "/v1/history/dataset/telemetry?limit=" + kHuge, "", 400, "invalid_argument"},
      {"GET", "/v1/history/dataset/telemetry?limit=-1", "", 400, "invalid_argument"},
      {"GET", "/v1/history/dataset/telemetry?limit=", "", 400, "invalid_argument"},
      {"GET", "/v1/history/dataset/telemetry?cursor=1", "", 400, "invalid_argument"},
      {"GET", "/v1/history/dataset/telemetry?cursor=.", "", 400, "invalid_argument"},
      {"GET", "/v1/history/dataset/telemetry?cursor=a.b", "", 400, "invalid_argument"},
      {"GET", "/v1/history/dataset/telemetry?cursor=1.4294967296", "", 400, "invalid_argument"},
      {"GET", "/v1/history/dataset/telemetry?cursor=" + kHuge + ".0", "", 400, "invalid_argument"},
      {"GET", "/v1/history/dataset/telemetry?cursor=1.0.0", "", 400, "invalid_argument"},
      {"GET", "/v1/history/dataset/telemetry?cursor=18446744073709551615.4294967295", "", 200, ""},
      // Records by id: ids are lower-case [a-z0-9._-], at most 64 bytes, starting alphanumeric.
      {"GET", "/v1/datasets/Telemetry", "", 400, "invalid_argument"},
      {"GET", "/v1/datasets/" + long_id, "", 400, "invalid_argument"},
      {"GET", "/v1/datasets/%FF", "", 400, "invalid_argument"},
      {"GET", "/v1/datasets/%00", "", 400, "invalid_argument"},
      {"GET", "/v1/datasets/..%2F..%2Fetc", "", 400, "invalid_argument"},
      {"GET", "/v1/datasets/-telemetry", "", 400, "invalid_argument"},
      {"GET", "/v1/datasets/nothing", "", 404, "not_found"},
      {"GET", "/v1/members/%E2%80%AEmaker", "", 400, "invalid_argument"},
      {"GET", "/v1/members/nobody", "", 404, "not_found"},
      {"GET", "/v1/grants/G1", "", 400, "invalid_argument"},
      {"GET", "/v1/receipts/" + long_id, "", 400, "invalid_argument"},
      {"GET", "/v1/proposals/p%20q", "", 400, "invalid_argument"},
      {"GET", "/v1/ventures/%2E%2E", "", 400, "invalid_argument"},
      {"GET", "/v1/contributions/c%2F1", "", 400, "invalid_argument"},
      // Venture sub-resources.
      {"GET", "/v1/ventures/v1/formulas/0", "", 400, "invalid_argument"},
      {"GET", "/v1/ventures/v1/formulas/-1", "", 400, "invalid_argument"},
      {"GET", "/v1/ventures/v1/formulas/4294967296", "", 400, "invalid_argument"},
      {"GET", "/v1/ventures/v1/formulas/" + kHuge, "", 400, "invalid_argument"},
      {"GET", "/v1/ventures/v1/formulas/one", "", 400, "invalid_argument"},
      {"GET", "/v1/ventures/V1/formulas/1", "", 400, "invalid_argument"},
      {"GET", "/v1/ventures/v1/formulas/4294967295", "", 404, "not_found"},
      {"GET", "/v1/ventures/v1/periods/2026-Q5", "", 400, "invalid_argument"},
      {"GET", "/v1/ventures/v1/periods/2026-13", "", 400, "invalid_argument"},
      {"GET", "/v1/ventures/v1/periods/2026-00", "", 400, "invalid_argument"},
      {"GET", "/v1/ventures/v1/periods/99999-01", "", 400, "invalid_argument"},
      {"GET", "/v1/ventures/v1/periods/2026", "", 400, "invalid_argument"},
      {"GET", "/v1/ventures/v1/periods/" + kHuge, "", 400, "invalid_argument"},
      {"GET", "/v1/ventures/v1/settlements/2026-q1", "", 400, "invalid_argument"},
      {"GET", "/v1/ventures/%FF/settlements/2026-Q1", "", 400, "invalid_argument"},
      {"GET", "/v1/ventures/v1/payouts/2026-Q1/Maker", "", 400, "invalid_argument"},
      {"GET", "/v1/ventures/v1/payouts/Q1/maker", "", 400, "invalid_argument"},
      // GET /v1/access
      {"GET", "/v1/access", "", 400, "invalid_argument"},
      {"GET", "/v1/access?party=analytics&dataset=telemetry", "", 400, "invalid_argument"},
      {"GET", "/v1/access?party=Analytics&dataset=telemetry&purpose=research", "", 400, "invalid_argument"},
      {"GET", "/v1/access?party=analytics&dataset=telemetry&purpose=", "", 400, "invalid_argument"},
      {"GET", "/v1/access?party=analytics&dataset=telemetry&purpose=research&operation=READ", "", 400,
       "invalid_argument"},
      {"GET", "/v1/access?party=analytics&dataset=telemetry&purpose=research&time=yesterday", "", 400,
       "invalid_argument"},
      {"GET", "/v1/access?party=analytics&dataset=telemetry&purpose=research&time=2026-02-30", "", 400,
       "invalid_argument"},
      {"GET", "/v1/access?party=analytics&dataset=telemetry&purpose=research&time=" + kHuge, "", 400,
       "invalid_argument"},
      {"GET", "/v1/access?party=analytics&dataset=telemetry&purpose=research&time=2026-03-31T12%3A00%3A00Z",
       "", 200, ""},
      {"GET", "/v1/access?party=analytics&dataset=telemetry&purpose=research&time=1700000000000", "", 200, ""},
      // GET /v1/history/{family}/{id}: height and time ranges.
      {"GET", "/v1/history/dataset/telemetry?from_height=x", "", 400, "invalid_argument"},
      {"GET", "/v1/history/dataset/telemetry?to_height=" + kHuge, "", 400, "invalid_argument"},
      {"GET", "/v1/history/dataset/telemetry?from_height=5&to_height=1", "", 400, "invalid_argument"},
      {"GET", "/v1/history/dataset/telemetry?from_time=yesterday", "", 400, "invalid_argument"},
      {"GET", "/v1/history/dataset/telemetry?from_time=2026-01-02&to_time=2026-01-01", "", 400,
       "invalid_argument"},
      // Proofs.
      {"GET", "/v1/tx/xyz/proof", "", 400, "invalid_argument"},
      {"GET", "/v1/log/consistency", "", 400, "invalid_argument"},
      {"GET", "/v1/log/consistency?from=1", "", 400, "invalid_argument"},
      {"GET", "/v1/log/consistency?from=0&to=1", "", 400, "invalid_argument"},
      {"GET", "/v1/log/consistency?from=2&to=1", "", 400, "invalid_argument"},
      {"GET", "/v1/log/consistency?from=1&to=" + kHuge, "", 400, "invalid_argument"},
      {"GET", "/v1/log/consistency?from=1&to=-1", "", 400, "invalid_argument"},
      {"GET", "/v1/log/frontier", "", 400, "invalid_argument"},
      {"GET", "/v1/log/frontier?height=abc", "", 400, "invalid_argument"},
      {"GET", "/v1/blocks/0/encoded", "", 400, "invalid_argument"},
      {"GET", "/v1/blocks/x/encoded", "", 400, "invalid_argument"},
      {"GET", "/v1/blocks/1/encoded?count=0", "", 400, "invalid_argument"},
      {"GET", "/v1/blocks/1/encoded?count=" + kHuge, "", 400, "invalid_argument"},
      // Events.
      {"GET", "/v1/events/page?cursor=x", "", 400, "invalid_argument"},
      {"GET", "/v1/events/page?cursor=" + kHuge, "", 400, "invalid_argument"},
      {"GET", "/v1/events/page?limit=0", "", 400, "invalid_argument"},
      {"GET", "/v1/events/page?limit=" + kHuge, "", 400, "invalid_argument"},
      {"GET", "/v1/events/page?kind=,,,", "", 400, "invalid_argument"},
      {"GET", "/v1/events/page?kind=NOPE", "", 400, "invalid_argument"},
      {"GET", "/v1/events/page?venture=V!", "", 400, "invalid_argument"},
      {"GET", "/v1/events/page?party=%FF", "", 400, "invalid_argument"},
      {"GET", "/v1/events?heartbeat_ms=1", "", 400, "invalid_argument"},
      {"GET", "/v1/events?heartbeat_ms=" + kHuge, "", 400, "invalid_argument"},
      {"GET", "/v1/events", "", 400, "invalid_argument", "Last-Event-ID: nonsense\r\n"},
      // POST /v1/admin/sign-and-submit (the node holds maker's key): the body is checked
      // field by field, and an unknown key is refused.
      {"POST", "/v1/admin/sign-and-submit", "", 400, "malformed"},
      {"POST", "/v1/admin/sign-and-submit", R"({"kind":"x","kind":"y"})", 400, "malformed"},
      {"POST", "/v1/admin/sign-and-submit", "[]", 400, "invalid_argument"},
      {"POST", "/v1/admin/sign-and-submit", R"({"body":{}})", 400, "invalid_argument"},
      {"POST", "/v1/admin/sign-and-submit", R"({"kind":"dataset.delete","body":{}})", 400, "unknown_kind"},
      {"POST", "/v1/admin/sign-and-submit", R"({"kind":7,"body":{}})", 400, "invalid_argument"},
      {"POST", "/v1/admin/sign-and-submit", R"({"kind":"dataset.register"})", 400, "invalid_argument"},
      {"POST", "/v1/admin/sign-and-submit", R"({"kind":"dataset.register","body":[]})", 400, "invalid_argument"},
      {"POST", "/v1/admin/sign-and-submit", AdminBody(R"("dataset_id":"Bad!")"), 400, "invalid_argument"},
      {"POST", "/v1/admin/sign-and-submit", AdminBody(R"("dataset_id":7)"), 400, "invalid_argument"},
      {"POST", "/v1/admin/sign-and-submit", AdminBody(R"("dataset_id":"d","content_hash":"zz")"), 400,
       "invalid_argument"},
      {"POST", "/v1/admin/sign-and-submit", AdminBody(R"("dataset_id":"d","colour":"red")"), 400,
       "invalid_argument"},
      {"POST", "/v1/admin/sign-and-submit", AdminBody(R"("dataset_id":"d","description":")" + Repeat("x", 5000) + "\""),
       400, "invalid_argument"},
      {"POST", "/v1/admin/sign-and-submit",
       R"({"kind":"revenue.record","body":{"venture_id":"v1","period":"2026-Q1","amount":1000000000000000001,"external_ref":"r"}})",
       400, "invalid_argument"},
      {"POST", "/v1/admin/sign-and-submit",
       R"({"kind":"revenue.record","body":{"venture_id":"v1","period":"2026-Q1","amount":-5,"external_ref":"r"}})",
       400, "invalid_argument"},
      {"POST", "/v1/admin/sign-and-submit", AdminBody(R"("dataset_id":"d")", R"(,"nonce":-1)"), 400,
       "invalid_argument"},
      {"POST", "/v1/admin/sign-and-submit", AdminBody(R"("dataset_id":"d")", R"(,"expiry_blocks":"soon")"), 400,
       "invalid_argument"},
      {"POST", "/v1/admin/sign-and-submit?wait=maybe", AdminBody(R"("dataset_id":"d")"), 400, "invalid_argument"},
      {"POST", "/v1/admin/sign-and-submit?timeout_ms=0", AdminBody(R"("dataset_id":"d")"), 400,
       "invalid_argument"},
  };
}

// Rows every route gets, from its baseline request (sent with the admin token).
inline std::vector<Row> GenericRows(const Route& r) {
  std::string target = r.path + r.query;
  std::string sep = r.query.empty() ? "?" : "&";
  std::string other_method = r.method == "POST" ? "GET" : "POST";
  return {
      {other_method, target, r.body, 405, "method_not_allowed"},
      {"DELETE", target, "", 405, "method_not_allowed"},
      {"FROB", target, "", 405, "method_not_allowed"},
      {r.method, target, Repeat("x", (1 << 20) + 1), 413, "too_large"},
      {r.method, r.path + "/%zz" + r.query, r.body, 400, "malformed"},
      {r.method, r.path + "%" + r.query, r.body, 400, "malformed"},
      {r.method, target + sep + "a=%zz", r.body, 400, "malformed"},
      {r.method, target + sep + "%", r.body, 400, "malformed"},
      {r.method, r.path + "/extra/segments/x" + r.query, r.body, 404, "not_found"},
      // An unknown query parameter is refused; a trailing slash changes nothing.
      {r.method, target + sep + "unknown=1", r.body, 400, "invalid_argument"},
      {r.method, target + sep + "unknown=1&also&unknown=2", r.body, 400, "invalid_argument"},
      {r.method, r.path + "/" + r.query, r.body, r.status, r.code},
      {r.method, target, r.body, r.status, r.code},
  };
}

// Rows for the tokens: none, malformed, unknown, and each role's.
inline std::vector<Row> AuthRows(const Route& r) {
  std::string target = r.path + r.query;
  auto row = [&](const std::string& headers, int status, const std::string& code) {
    return Row{r.method, target, r.body, status, code, headers};
  };
  bool open = r.who == Who::kOpen;
  int refused = open ? r.status : 401;
  std::string unauthenticated = open ? r.code : "unauthenticated";
  std::vector<Row> rows = {
      row("", refused, unauthenticated),
      row("Authorization: Basic YWRtaW46YWRtaW4=\r\n", refused, unauthenticated),
      row("Authorization: Bearer\r\n", refused, unauthenticated),
      row("Authorization: Bearer \r\n", refused, unauthenticated),
      row(Bearer("cvt_unknown"), refused, unauthenticated),
      row(Bearer(kTokens[0].second + "x"), refused, unauthenticated),
      row(Bearer(kTokens[0].second.substr(1)), refused, unauthenticated),
      row(Bearer(std::string(5000, 'a')), refused, unauthenticated),
      row("Authorization: " + std::string(5000, 'B') + "\r\n", refused, unauthenticated),
  };
  for (const auto& [role, token] : kTokens) {
    bool allowed = Allowed(r.who, role);
    rows.push_back(row(Bearer(token), allowed ? r.status : 403, allowed ? r.code : "permission_denied"));
  }
  return rows;
}

}  // namespace covalue::hostile
