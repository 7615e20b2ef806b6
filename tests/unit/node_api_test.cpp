// The node's HTTP API through a real Node (RocksDB in a temp folder, the block producer,
// the Beast server on an ephemeral port): submission with and without waiting, queries,
// and every refusal with its stable code and HTTP status, leaving the chain unchanged.
#include <catch2/catch.hpp>

#include <filesystem>
#include <thread>

#include "crypto/random.h"
#include "node/api/http_client.h"
#include "node/genesis_file.h"
#include "node/key_file.h"
#include "node/node.h"
#include "tests/support/test_support.h"

using namespace covalue;
using covalue::testing::DatasetRegisterTx;
using covalue::testing::KeyFromLabel;
namespace fs = std::filesystem;

namespace {

class RunningNode {
 public:
  RunningNode() {
    m_dir = fs::temp_directory_path() / ("covalue-api-" + std::to_string(crypto::RandomU64()));
    fs::create_directories(m_dir);
    REQUIRE(node::WriteJsonFile((m_dir / "genesis.json").string(),
                                node::GenesisToJson(covalue::testing::TestGenesis()))
                .ok());
    REQUIRE(node::WriteKeyFile((m_dir / "validator.key").string(), KeyFromLabel("validator"),
                               std::nullopt)
                .ok());
    node::NodeConfig config;
    config.data_dir = (m_dir / "db").string();
    config.genesis_file = (m_dir / "genesis.json").string();
    config.node_key_file = (m_dir / "validator.key").string();
    config.api_port = 0;
    config.p2p_port = 0;
    auto opened = node::Node::Open(config, std::nullopt);
    REQUIRE(opened.ok());
    m_node = std::move(opened).value();
    REQUIRE(m_node->Start(2).ok());
  }
  ~RunningNode() {
    m_node->Stop();
    m_node.reset();
    fs::remove_all(m_dir);
  }
  node::Node& node() { return *m_node; }

  api::HttpResponse Call(const std::string& method, const std::string& target,
                         const std::string& body = "") {
    auto response = api::HttpCall("127.0.0.1", m_node->api_port(), method, target, body);
    REQUIRE(response.ok());
    return *response;
  }
  node::Json Json(const api::HttpResponse& response) {
    auto json = node::ParseJson(response.body, "response");
    REQUIRE(json.ok());
    return *json;
  }
  api::HttpResponse Submit(const ledger::Transaction& tx, bool wait = true) {
    node::Json body = {{"tx", ToHex(ledger::EncodeTransaction(tx))}};
    return Call("POST", wait ? "/v1/tx?wait=true" : "/v1/tx", body.dump());
  }

 private:
  fs::path m_dir;
  std::unique_ptr<node::Node> m_node;
};

void CheckError(RunningNode& n, const api::HttpResponse& response, int status,
                const std::string& code) {
  INFO(response.body);
  CHECK(response.status == status);
  CHECK(n.Json(response)["code"] == code);
}

}  // namespace

TEST_CASE("a submitted transaction commits and can be queried") {
  RunningNode n;
  auto tx = DatasetRegisterTx(KeyFromLabel("maker"), "telemetry", 50);
  auto committed = n.Submit(tx);
  REQUIRE(committed.status == 200);
  auto json = n.Json(committed);
  CHECK(json["status"] == "committed");
  CHECK(json["height"] == 1);
  CHECK(json["result"]["code"] == "ok");
  std::string id = ToHex(ledger::TxId(tx));
  CHECK(json["tx_id"] == id);

  auto by_id = n.Json(n.Call("GET", "/v1/tx/" + id));
  CHECK(by_id["status"] == "committed");
  auto block = n.Json(n.Call("GET", "/v1/blocks/1"));
  CHECK(block["header"]["height"] == 1);
  CHECK(block["certificate"]["signatures"].size() == 1);
  CHECK(n.Json(n.Call("GET", "/v1/blocks/latest"))["header"]["id"] == block["header"]["id"]);
  auto dataset = n.Json(n.Call("GET", "/v1/datasets/telemetry"));
  CHECK(dataset["owner"] == "maker");
  auto status = n.Json(n.Call("GET", "/v1/status"));
  CHECK(status["height"] == 1);
  CHECK(status["chain_id"] == "covalue-test");
  auto history = n.Json(n.Call("GET", "/v1/history/dataset/telemetry"));
  CHECK(history["items"].size() == 1);
  CHECK(n.Json(n.Call("GET", "/v1/members/maker"))["roles"][0] == "member");
}

TEST_CASE("without waiting, submission answers pending and the transaction commits later") {
  RunningNode n;
  auto tx = DatasetRegisterTx(KeyFromLabel("analytics"), "emissions", 50);
  auto accepted = n.Submit(tx, /*wait=*/false);
  REQUIRE(accepted.status == 202);
  CHECK(n.Json(accepted)["status"] == "pending");
  std::string id = ToHex(ledger::TxId(tx));
  // Resubmitting is idempotent: while it is pending the same answer (and with wait, the
  // commit); once it is committed, `replay` — nothing is counted twice either way.
  auto again = n.Submit(tx, /*wait=*/true);
  if (again.status == 200) {
    CHECK(n.Json(again)["status"] == "committed");
  } else {
    CHECK(again.status == 409);
    CHECK(n.Json(again)["code"] == "replay");
  }
  node::Json status;
  for (int i = 0; i < 500; ++i) {
    status = n.Json(n.Call("GET", "/v1/tx/" + id));
    if (status["status"] == "committed") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(status["status"] == "committed");
  auto after = n.Submit(tx, /*wait=*/false);
  CHECK(after.status == 409);
  CHECK(n.Json(after)["code"] == "replay");
  CHECK(n.Json(n.Call("GET", "/v1/history/member/analytics"))["items"].size() == 1);
}

TEST_CASE("refused submissions get their code and change nothing") {
  RunningNode n;
  REQUIRE(n.Submit(DatasetRegisterTx(KeyFromLabel("maker"), "telemetry", 50)).status == 200);
  auto before = n.Json(n.Call("GET", "/v1/status"));

  SECTION("bad JSON, duplicate keys, missing field, bad hex, undecodable bytes") {
    CheckError(n, n.Call("POST", "/v1/tx", "{not json"), 400, "malformed");
    CheckError(n, n.Call("POST", "/v1/tx", R"({"tx":"00","tx":"00"})"), 400, "malformed");
    CheckError(n, n.Call("POST", "/v1/tx", R"({"transaction":"00"})"), 400, "invalid_argument");
    CheckError(n, n.Call("POST", "/v1/tx", R"({"tx":"zz"})"), 400, "malformed");
    CheckError(n, n.Call("POST", "/v1/tx", R"({"tx":"0100"})"), 400, "malformed");
    CheckError(n, n.Call("POST", "/v1/tx?wait=maybe", R"({"tx":"00"})"), 400, "invalid_argument");
  }
  SECTION("wrong chain, bad signature, unknown signer, expired, replay, duplicate dataset") {
    CheckError(n, n.Submit(DatasetRegisterTx(KeyFromLabel("maker"), "a", 50, 1, "other-chain")),
               400, "wrong_chain");
    auto flipped = DatasetRegisterTx(KeyFromLabel("maker"), "b", 50);
    flipped.body.back() ^= 0x01;
    CheckError(n, n.Submit(flipped), 400, "bad_signature");
    CheckError(n, n.Submit(DatasetRegisterTx(KeyFromLabel("stranger"), "c", 50)), 400,
               "unknown_signer");
    CheckError(n, n.Submit(DatasetRegisterTx(KeyFromLabel("maker"), "d", 0)), 400, "expired");
    CheckError(n, n.Submit(DatasetRegisterTx(KeyFromLabel("maker"), "telemetry", 50)), 409,
               "replay");
    CheckError(n, n.Submit(DatasetRegisterTx(KeyFromLabel("maker"), "telemetry", 50, 7)), 409,
               "already_exists");
    CheckError(n, n.Submit(DatasetRegisterTx(KeyFromLabel("auditor"), "e", 50)), 403,
               "forbidden");
  }
  SECTION("unknown things are 404, wrong methods 405") {
    CheckError(n, n.Call("GET", "/v1/tx/" + std::string(64, 'a')), 404, "not_found");
    CheckError(n, n.Call("GET", "/v1/tx/xyz"), 400, "invalid_argument");
    CheckError(n, n.Call("GET", "/v1/blocks/99"), 404, "not_found");
    CheckError(n, n.Call("GET", "/v1/blocks/zero"), 400, "invalid_argument");
    CheckError(n, n.Call("GET", "/v1/datasets/nothing"), 404, "not_found");
    CheckError(n, n.Call("GET", "/v1/nowhere"), 404, "not_found");
    CheckError(n, n.Call("DELETE", "/v1/status"), 405, "method_not_allowed");
  }
  auto after = n.Json(n.Call("GET", "/v1/status"));
  CHECK(after["height"] == before["height"]);
  CHECK(after["state_root"] == before["state_root"]);
  CHECK(after["mempool_size"] == 0);
}
