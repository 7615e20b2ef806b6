// Transaction gossip into a real node (RocksDB, the peer network, the HTTP API): a gossiped
// transaction gets admission's checks (signatures, signers, replay) but not the contract's
// dry run, which only answers a client of this node's API (docs/spec/p2p.md). So a
// transaction whose contract fails is refused at the API, and committed with its rejection
// recorded when it comes by gossip; a gossiped transaction with a bad signature never enters
// the mempool. And out of a real node: what its API admits reaches its peers (a follower's
// transactions commit only if the validator gets them).
#include <catch2/catch.hpp>

#include <string>

#include <boost/asio/io_context.hpp>

#include "node/peer_protocol.h"
#include "tests/support/raw_peer_client.h"
#include "tests/support/running_node.h"
#include "tests/support/validator_and_follower.h"
#include "tests/support/wait_until.h"

using namespace covalue;
using covalue::testing::DatasetRegisterTx;
using covalue::testing::KeyFromLabel;
using covalue::testing::RunningNode;
using covalue::testing::WaitUntil;

namespace {

node::Json GetTx(RunningNode& node, const ledger::Transaction& tx) {
  auto response = node.Call("GET", "/v1/tx/" + ToHex(ledger::TxId(tx)));
  INFO(response.body);
  if (response.status == 404) return node::Json{{"status", "unknown"}};
  REQUIRE(response.status == 200);
  return RunningNode::Json(response);
}

}  // namespace

TEST_CASE("a gossiped transaction is admitted without the dry run, never without its checks") {
  const crypto::KeyPair peer = KeyFromLabel("peer");
  RunningNode validator([&](node::NodeConfig& config) {
    config.peers = {{"peer", peer.public_key(), "", 0}};
  });
  const crypto::KeyPair maker = KeyFromLabel("maker");
  auto first = DatasetRegisterTx(maker, "telemetry", 500, 1);
  REQUIRE(validator.Submit(first).status == 200);

  // Registering the same dataset again fails its contract: the API refuses it at once.
  auto again = DatasetRegisterTx(maker, "telemetry", 500, 2);
  node::Json body = {{"tx", ToHex(ledger::EncodeTransaction(again))}};
  auto refused = validator.Call("POST", "/v1/tx", body.dump());
  INFO(refused.body);
  REQUIRE(refused.status >= 400);
  std::string contract_code = RunningNode::Json(refused)["code"].get<std::string>();
  CHECK(GetTx(validator, again)["status"] != "committed");

  // By gossip the same transaction is pooled, and the block records the contract's verdict.
  auto forged = DatasetRegisterTx(maker, "other", 500, 3);
  forged.signatures[0][0] ^= 1;
  boost::asio::io_context io;
  covalue::testing::RawPeerClient raw(io, validator.node().p2p_port());
  REQUIRE(raw.Handshake(peer, "covalue-test").ok());
  raw.Write(raw.Seal(net::RecordKind::kData, node::EncodePeerMessage(node::TxGossip{{forged, again}})));

  WaitUntil([&] { return GetTx(validator, again)["status"] == "committed"; });
  auto committed = GetTx(validator, again);
  INFO(committed.dump());
  REQUIRE(committed["status"] == "committed");
  CHECK(committed["result"]["code"] == contract_code);
  CHECK(contract_code != "ok");
  // The forged one was refused by admission: not pooled, not committed.
  CHECK(GetTx(validator, forged)["status"] == "unknown");
}

TEST_CASE("what a follower's API admits reaches the validator by gossip, and commits") {
  covalue::testing::ValidatorAndFollower nodes;
  RunningNode& validator = nodes.validator();
  RunningNode& follower = nodes.StartFollower();
  REQUIRE(WaitUntil([&] {
    auto status = RunningNode::Json(follower.Call("GET", "/v1/status"));
    return !status["node"]["peers_connected"].empty();
  }));

  // Submitted together, so that the follower's queue sends them in one flush or a few; the
  // follower never proposes, so each commits only if its gossip reached the validator.
  const crypto::KeyPair maker = KeyFromLabel("maker");
  std::vector<ledger::Transaction> txs;
  for (uint64_t nonce = 1; nonce <= 20; ++nonce) {
    txs.push_back(DatasetRegisterTx(maker, "set-" + std::to_string(nonce), 500, nonce));
    node::Json body = {{"tx", ToHex(ledger::EncodeTransaction(txs.back()))}};
    auto accepted = follower.Call("POST", "/v1/tx", body.dump());
    INFO(accepted.body);
    REQUIRE(accepted.status == 202);
  }
  for (const auto& tx : txs) {
    CHECK(WaitUntil([&] { return GetTx(validator, tx)["status"] == "committed"; }));
  }
}
