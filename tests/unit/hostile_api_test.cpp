// Hostile input through the real HTTP server (TESTING.md T3, issue #6 item 8): for every API
// route, tables of malformed requests — bad JSON, duplicate keys, wrong types, huge numbers,
// unknown fields, oversized bodies and headers, bad path and query parameters, missing, wrong
// and under-privileged tokens, broken HTTP — each with the HTTP status and stable error code
// it must get. Every error body must be exactly {code, message}; after each table the chain
// (height, block id, state root, log) is what it was and the mempool is empty. A new route
// gets a line in Routes() (the OpenAPI guard below fails until it has one) and its own rows
// in EndpointRows; adding a row is one line. docs/fuzzing.md describes the tables.
#include <catch2/catch.hpp>

#include <cctype>
#include <string>
#include <vector>

#include "consensus/messages.h"
#include "tests/support/running_node.h"
#include "tests/unit/hostile_api_rows.h"

using namespace covalue;
using covalue::testing::DatasetRegisterTx;
using covalue::testing::KeyFromLabel;
using covalue::testing::RunningNode;
using namespace covalue::hostile;

namespace {

// Checks one answer: the status, and for an error exactly {code, message} with `code`.
void CheckAnswer(const std::optional<api::HttpResponse>& response, int status, const std::string& code) {
  REQUIRE(response.has_value());
  INFO(response->body.substr(0, 400));
  CHECK(response->status == status);
  if (status < 400) return;
  CHECK(response->content_type == "application/json");
  auto json = node::ParseJson(response->body, "response");
  REQUIRE(json.ok());
  CHECK(json->is_object());
  CHECK(json->size() == 2);
  CHECK(json->value("code", "") == code);
  CHECK((json->contains("message") && (*json)["message"].is_string()));
}

std::string Request(const Row& row, const std::string& auth) {
  return row.method + " " + row.target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + auth +
         row.headers + "Content-Type: application/json\r\nContent-Length: " +
         std::to_string(row.body.size()) + "\r\n\r\n" + row.body;
}

// Sends each row (with `auth` header lines before its own) and checks the answer.
void RunRows(RunningNode& n, const std::vector<Row>& rows, const std::string& auth = kAdminAuth) {
  for (const Row& row : rows) {
    INFO(row.method << " " << row.target.substr(0, 200) << " body " << row.body.substr(0, 120)
                    << (row.body.size() > 120 ? "..." : "") << " headers " << row.headers.substr(0, 80));
    CheckAnswer(n.RawHttp(Request(row, auth)), row.status, row.code);
  }
}

// A node with a token per role and maker's key as its member key, whose chain holds maker's
// dataset "telemetry" at height 1.
struct HostileFixture {
  RunningNode n{[](node::NodeConfig& config) {
    for (const auto& [role, token] : kTokens) {
      config.api_tokens.push_back({std::string(api::RoleName(role)), static_cast<api::RoleSet>(role),
                                   api::ApiTokenHash(token), 0, 0});
    }
    config.member_key_file = config.node_key_file + ".maker";
    REQUIRE(node::WriteKeyFile(config.member_key_file, KeyFromLabel("maker"), std::nullopt).ok());
  }};
  Samples samples;
  node::Json before;  // Ledger() once the fixture is set up

  HostileFixture() {
    const auto maker = KeyFromLabel("maker");
    samples.replay = Hex(DatasetRegisterTx(maker, "telemetry", 50));
    auto committed = n.RawHttp(Request({"POST", "/v1/tx?wait=true", TxBody(samples.replay), 200, ""}, kAdminAuth));
    REQUIRE(committed.has_value());
    REQUIRE(committed->status == 200);
    samples.expired = Hex(DatasetRegisterTx(maker, "late", 0));
    samples.wrong_chain = Hex(DatasetRegisterTx(maker, "a", 50, 1, "other-chain"));
    samples.unknown_signer = Hex(DatasetRegisterTx(KeyFromLabel("stranger"), "b", 50));
    auto flipped = DatasetRegisterTx(maker, "c", 50);
    flipped.body.back() ^= 0x01;
    samples.bad_signature = Hex(flipped);
    samples.auditor_signed = Hex(DatasetRegisterTx(KeyFromLabel("auditor"), "e", 50));
    consensus::Vote vote{consensus::VoteType::kPrecommit, 1, 0, Hash32{}, 0, {}};
    consensus::SignVoteMessage(vote, KeyFromLabel("validator"), "covalue-test");
    samples.vote = ToHex(consensus::EncodeMessage(vote));
    before = Ledger();
  }
  static std::string Hex(const ledger::Transaction& tx) { return ToHex(ledger::EncodeTransaction(tx)); }

  // The chain as the API reports it; equal before and after a table.
  node::Json Ledger() {
    auto response = n.RawHttp(Request({"GET", "/v1/status", "", 200, ""}, kAdminAuth));
    REQUIRE(response.has_value());
    auto status = RunningNode::Json(*response);
    return {{"height", status["height"]},         {"block_id", status["block_id"]},
            {"state_root", status["state_root"]}, {"log_size", status["log_size"]},
            {"log_root", status["log_root"]},     {"mempool_size", status["mempool_size"]}};
  }
  void CheckUnchanged() { CHECK(Ledger() == before); }
  std::vector<Route> routes() const { return Routes(TxBody(samples.expired)); }
};

// Runs the rows `rows_of` makes for each route, each request with the header lines `auth`.
void RunPerRoute(HostileFixture& f, std::vector<Row> (*rows_of)(const Route&), const std::string& auth) {
  for (const Route& route : f.routes()) {
    INFO("route " << route.method << " " << route.pattern);
    RunRows(f.n, rows_of(route), auth);
  }
}

}  // namespace

TEST_CASE("every route refuses malformed parameters and bodies with its stable code") {
  HostileFixture f;
  RunRows(f.n, EndpointRows(f.samples));
  f.CheckUnchanged();
}

TEST_CASE("every route answers wrong methods, oversized bodies and broken encodings alike") {
  HostileFixture f;
  RunPerRoute(f, GenericRows, kAdminAuth);
  f.CheckUnchanged();
}

TEST_CASE("every route refuses missing, unknown and malformed tokens and the wrong role") {
  HostileFixture f;
  RunPerRoute(f, AuthRows, "");
  f.CheckUnchanged();
}

TEST_CASE("broken HTTP gets 400 malformed or 413 too_large") {
  HostileFixture f;
  const std::string ok = "Host: x\r\nConnection: close\r\n" + kAdminAuth;
  const std::vector<std::pair<std::string, Row>> raws = {
      {"GARBAGE\r\n\r\n", {"", "", "", 400, "malformed"}},
      {"GET /v1/status HTTP/9.9\r\n" + ok + "\r\n", {"", "", "", 400, "malformed"}},
      {"GET v1/status HTTP/1.1\r\n" + ok + "\r\n", {"", "", "", 400, "malformed"}},
      {"GET http://x/v1/status HTTP/1.1\r\n" + ok + "\r\n", {"", "", "", 400, "malformed"}},
      {"GET * HTTP/1.1\r\n" + ok + "\r\n", {"", "", "", 400, "malformed"}},
      {"GET /v1/status HTTP/1.1\r\nBad Header\r\n" + ok + "\r\n", {"", "", "", 400, "malformed"}},
      {"GET /v1/status HTTP/1.1\r\n" + ok + "X-Big: " + std::string(20000, 'a') + "\r\n\r\n",
       {"", "", "", 413, "too_large"}},
      {"POST /v1/tx HTTP/1.1\r\n" + ok + "Content-Length: 99999999999\r\n\r\n{", {"", "", "", 413, "too_large"}},
      {"POST /v1/tx HTTP/1.1\r\n" + ok + "Content-Length: -1\r\n\r\n", {"", "", "", 400, "malformed"}},
      {"POST /v1/tx HTTP/1.1\r\n" + ok + "Content-Length: 1\r\nContent-Length: 2\r\n\r\n{}",
       {"", "", "", 400, "malformed"}},
      {"POST /v1/tx HTTP/1.1\r\n" + ok + "Transfer-Encoding: chunked\r\n\r\nzz\r\n", {"", "", "", 400, "malformed"}},
      {"POST /v1/tx HTTP/1.1\r\n" + ok + "Transfer-Encoding: chunked\r\n\r\n200000\r\n" +
           std::string(0x200000, 'x') + "\r\n0\r\n\r\n",
       {"", "", "", 413, "too_large"}},
      // A body sent in chunks is one body: {"tx":"00"} does not decode.
      {"POST /v1/tx HTTP/1.1\r\n" + ok +
           "Transfer-Encoding: chunked\r\n\r\n5\r\n{\"tx\"\r\n5\r\n:\"00\"\r\n1\r\n}\r\n0\r\n\r\n",
       {"", "", "", 400, "malformed"}},
  };
  for (const auto& [bytes, expected] : raws) {
    INFO(bytes.substr(0, 120));
    CheckAnswer(f.n.RawHttp(bytes), expected.status, expected.code);
  }
  f.CheckUnchanged();
}

TEST_CASE("Routes() names every route the OpenAPI document lists") {
  HostileFixture f;
  auto response = f.n.RawHttp(Request({"GET", "/v1/openapi.json", "", 200, ""}, kAdminAuth));
  REQUIRE(response.has_value());
  REQUIRE(response->status == 200);
  auto doc = RunningNode::Json(*response);
  REQUIRE(doc.contains("paths"));
  for (const auto& [path, operations] : doc["paths"].items()) {
    for (const auto& [method, operation] : operations.items()) {
      std::string upper = method;
      for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      bool listed = false;
      for (const Route& route : f.routes()) listed = listed || (route.method == upper && route.pattern == path);
      INFO(upper << " " << path << " has no line in Routes() (tests/unit/hostile_api_test.cpp)");
      CHECK(listed);
    }
  }
}
