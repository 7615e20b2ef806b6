// Block sync between two real nodes on loopback (a validator and a follower, RocksDB, the peer
// network, the HTTP API): a follower learns the validator's head from its head announce and
// fetches the blocks — more than the two batches the sync pipeline keeps in flight — with no
// transaction to wake the network; a peer that forges an announce or a synced block changes
// nothing; and when the pipeline asks the same peer again.
#include <catch2/catch.hpp>

#include <chrono>
#include <string>

#include <boost/asio/io_context.hpp>

#include "ledger/block.h"
#include "node/consensus_driver.h"
#include "node/net/frame_cipher.h"
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

node::Json NodeStatus(RunningNode& node) { return node.Json(node.Call("GET", "/v1/status")); }

uint64_t CommittedHeight(RunningNode& node) { return NodeStatus(node)["height"].get<uint64_t>(); }

// Polls until `node` has committed `height` (false after 30 s).
bool WaitForHeight(RunningNode& node, uint64_t height) {
  return WaitUntil([&] { return CommittedHeight(node) >= height; }, std::chrono::seconds(30),
                   std::chrono::milliseconds(20));
}

// Commits `count` blocks of one transaction each on the validator.
void CommitBlocks(RunningNode& validator, int count, int first_nonce) {
  for (int i = 0; i < count; ++i) {
    int nonce = first_nonce + i;
    auto tx = DatasetRegisterTx(KeyFromLabel("maker"), "set-" + std::to_string(nonce), 500,
                                static_cast<uint64_t>(nonce));
    auto response = validator.Submit(tx);
    INFO(response.body);
    REQUIRE(response.status == 200);
  }
}

// Block `height` of `node` as its API gives it, in its canonical bytes.
ledger::Block FetchBlock(RunningNode& node, uint64_t height) {
  auto encoded =
      node.Json(node.Call("GET", "/v1/blocks/" + std::to_string(height) + "/encoded?count=1"));
  auto bytes = FromHex(encoded["blocks"][0]["block"].get<std::string>());
  REQUIRE(bytes.ok());
  auto block = ledger::DecodeBlock(*bytes);
  REQUIRE(block.ok());
  return std::move(block).value();
}

}  // namespace

TEST_CASE("a follower catches up on an idle network from the validator's head announce") {
  covalue::testing::ValidatorAndFollower nodes;
  RunningNode& validator = nodes.validator();
  CommitBlocks(validator, 80, 1);
  uint64_t head = CommittedHeight(validator);
  REQUIRE(head == 80);

  RunningNode& follower = nodes.StartFollower();
  // Nothing is submitted: the network stays idle, and only the announce tells the follower.
  REQUIRE(WaitForHeight(follower, head));
  auto status = NodeStatus(follower);
  CHECK(status["height"] == head);
  CHECK(status["block_id"] == NodeStatus(validator)["block_id"]);
  CHECK(status["node"]["consensus"]["blocks_synced"] == head);
  CHECK(status["node"]["role"] == "follower");
  CHECK(follower.Call("GET", "/readyz").status == 200);
}

// The pipeline asks the same peer again after an answer only while that peer may have more:
// a full answer, or one that ended below the network's known height (cut at the byte limit:
// blocks of 2,000 transactions fill it before the count). Otherwise it would wait for the
// next announce, up to 2 s, before each such answer.
TEST_CASE("the sync pipeline goes on after an answer cut short of the announced head") {
  using node::SyncPeerMayHaveMore;
  CHECK(SyncPeerMayHaveMore(/*full=*/true, 40, 40, 0));
  CHECK(SyncPeerMayHaveMore(true, 40, 40, 40));
  CHECK(SyncPeerMayHaveMore(/*full=*/false, 12, 12, 357));  // cut at the byte limit
  CHECK_FALSE(SyncPeerMayHaveMore(false, 357, 357, 357));   // the announced head reached
  CHECK_FALSE(SyncPeerMayHaveMore(false, 12, 12, 12));
  CHECK_FALSE(SyncPeerMayHaveMore(false, 12, 12, 0));       // nothing announced
  // The end of the answer was dropped (it does not continue the queue): not from that peer.
  CHECK_FALSE(SyncPeerMayHaveMore(true, 40, 20, 357));
  CHECK_FALSE(SyncPeerMayHaveMore(false, 40, 20, 357));
}

// A peer (a known key, so its link is accepted) that lies: a head announce whose certificate
// does not verify, and an unsolicited sync answer whose block is not the one its certificate
// names. Neither raises the node's view of the network's height nor reaches its chain.
TEST_CASE("a forged head announce and a forged synced block change nothing") {
  const crypto::KeyPair intruder = KeyFromLabel("intruder");
  RunningNode validator([&](node::NodeConfig& config) {
    config.peers = {{"intruder", intruder.public_key(), "", 0}};
  });
  CommitBlocks(validator, 3, 1);
  ledger::Block forged_block = FetchBlock(validator, 3);
  forged_block.header.height = 4;  // the certificate still names block 3

  consensus::CommitCertificate forged_head{1000, 0, Hash32{7}, {{0, crypto::Signature{}}}};
  boost::asio::io_context io;
  covalue::testing::RawPeerClient raw(io, validator.node().p2p_port());
  REQUIRE(raw.Handshake(intruder, "covalue-test").ok());
  raw.Write(raw.Seal(net::RecordKind::kData,
                     node::EncodePeerMessage(node::HeadAnnounce{forged_head})));
  raw.Write(raw.Seal(net::RecordKind::kData,
                     node::EncodePeerMessage(node::SyncResponse{{forged_block}})));

  auto refused_both = [&] {
    auto consensus = NodeStatus(validator)["node"]["consensus"];
    return consensus["invalid_head_announces"] == 1 && consensus["invalid_synced_blocks"] == 1;
  };
  WaitUntil(refused_both, std::chrono::seconds(10), std::chrono::milliseconds(10));
  REQUIRE(refused_both());
  CommitBlocks(validator, 1, 4);
  auto status = NodeStatus(validator);
  CHECK(status["height"] == 4);
  auto block4 = validator.Json(validator.Call("GET", "/v1/blocks/4"));
  CHECK(block4["header"]["id"] != ToHex(ledger::BlockId(forged_block.header)));
  auto ready = validator.Call("GET", "/readyz");
  INFO(ready.body);
  CHECK(ready.status == 200);
  CHECK(validator.Json(ready)["peers_height"].get<uint64_t>() < 1000);
}

// The sync verifier checks a synced block's certificate beside its transactions and tells the
// engine so; one whose certificate does not verify must still never be applied. A second node
// of the same one-validator chain, still at height 0, is sent block 1 of the first one by a
// peer: with one certificate signature bit changed, then as it was.
TEST_CASE("a synced block whose certificate does not verify is refused, the sound one applied") {
  const crypto::KeyPair intruder = KeyFromLabel("intruder");
  RunningNode source;
  CommitBlocks(source, 1, 1);
  const ledger::Block sound = FetchBlock(source, 1);
  ledger::Block forged = sound;
  REQUIRE(!forged.certificate.signatures.empty());
  forged.certificate.signatures[0].signature[5] ^= 0x01;  // still names the very block

  RunningNode behind([&](node::NodeConfig& config) {
    config.peers = {{"intruder", intruder.public_key(), "", 0}};
  });
  REQUIRE(CommittedHeight(behind) == 0);
  boost::asio::io_context io;
  covalue::testing::RawPeerClient raw(io, behind.node().p2p_port());
  REQUIRE(raw.Handshake(intruder, "covalue-test").ok());
  auto send = [&](const ledger::Block& block) {
    auto message = node::EncodePeerMessage(node::SyncResponse{{block}});
    raw.Write(raw.Seal(net::RecordKind::kData, message));
  };
  send(forged);
  auto consensus_counter = [&](const char* name) {
    return NodeStatus(behind)["node"]["consensus"][name].get<uint64_t>();
  };
  auto refused = [&] { return consensus_counter("invalid_synced_blocks") == 1; };
  WaitUntil(refused, std::chrono::seconds(10), std::chrono::milliseconds(10));
  REQUIRE(refused());
  CHECK(CommittedHeight(behind) == 0);
  CHECK(consensus_counter("blocks_synced") == 0);

  send(sound);
  REQUIRE(WaitForHeight(behind, 1));
  CHECK(NodeStatus(behind)["block_id"] == NodeStatus(source)["block_id"]);
  CHECK(consensus_counter("blocks_synced") == 1);
  CHECK(consensus_counter("invalid_synced_blocks") == 1);
}
