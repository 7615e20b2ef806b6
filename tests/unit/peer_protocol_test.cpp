// Peer messages (node/peer_protocol.h): every kind round-trips through its encoding, and
// hostile bytes are refused with their code before anything is allocated or applied.
#include <catch2/catch.hpp>

#include "codec/writer.h"
#include "node/peer_protocol.h"
#include "tests/support/test_support.h"

using namespace covalue;
using covalue::testing::DatasetRegisterTx;
using covalue::testing::KeyFromLabel;

TEST_CASE("every peer message kind round-trips") {
  consensus::Vote vote{consensus::VoteType::kPrecommit, 7, 2, Hash32{1}, 3, {}};
  consensus::SignVoteMessage(vote, KeyFromLabel("v3"), "chain");
  auto tx = DatasetRegisterTx(KeyFromLabel("maker"), "telemetry", 10);
  covalue::testing::TestChain chain;
  auto produced = chain.Produce({tx});

  std::vector<node::PeerMessage> messages = {
      node::ConsensusPayload{vote},
      node::TxGossip{{tx, tx}},
      node::SyncRequest{5, 32},
      node::SyncResponse{{produced.block}},
      node::SyncResponse{},
      node::HeadAnnounce{produced.block.certificate},
  };
  for (const auto& message : messages) {
    Bytes encoded = node::EncodePeerMessage(message);
    auto decoded = node::DecodePeerMessage(encoded);
    REQUIRE(decoded.ok());
    CHECK(node::EncodePeerMessage(*decoded) == encoded);
    CHECK(decoded->index() == message.index());
  }
}

TEST_CASE("a sync response of blocks as stored is the one encoded from the blocks") {
  covalue::testing::TestChain chain;
  auto first = chain.Produce({DatasetRegisterTx(KeyFromLabel("maker"), "telemetry", 10)});
  auto second = chain.Produce({DatasetRegisterTx(KeyFromLabel("maker"), "presses", 10, 2)});
  std::vector<ledger::Block> blocks = {first.block, second.block};
  Bytes expected = node::EncodePeerMessage(node::SyncResponse{blocks});
  CHECK(node::EncodeSyncResponse({ledger::EncodeBlock(first.block),
                                  ledger::EncodeBlock(second.block)}) == expected);
  CHECK(node::EncodeSyncResponse({}) == node::EncodePeerMessage(node::SyncResponse{}));
  auto decoded = node::DecodePeerMessage(expected);
  REQUIRE(decoded.ok());
  const auto& response = std::get<node::SyncResponse>(*decoded);
  REQUIRE(response.blocks.size() == 2);
  CHECK(ledger::BlockId(response.blocks[1].header) == ledger::BlockId(second.block.header));
}

TEST_CASE("hostile peer messages are refused with their code") {
  CHECK(node::DecodePeerMessage(Bytes{}).status().code() == Code::kMalformed);
  CHECK(node::DecodePeerMessage(Bytes{9}).status().code() == Code::kUnknownEnum);
  Bytes request = node::EncodePeerMessage(node::SyncRequest{1, 1});
  request.push_back(0);
  CHECK(node::DecodePeerMessage(request).status().code() == Code::kTrailingBytes);
  request.pop_back();
  request.pop_back();
  CHECK(node::DecodePeerMessage(request).status().code() == Code::kMalformed);

  codec::Writer too_many;  // a gossip count over the limit, with nothing behind it
  too_many.U8(2);
  too_many.U32(node::kMaxGossipTxs + 1);
  CHECK(node::DecodePeerMessage(too_many.bytes()).status().code() == Code::kTooLarge);

  codec::Writer forged;  // a count within the limit that the remaining bytes cannot hold
  forged.U8(4);
  forged.U32(node::kMaxSyncBlocks);
  CHECK(node::DecodePeerMessage(forged.bytes()).status().code() == Code::kMalformed);

  codec::Writer inner;  // a consensus payload whose inner message is garbage
  inner.U8(1);
  inner.Bytes(Bytes{7, 7, 7});
  CHECK(node::DecodePeerMessage(inner.bytes()).status().code() == Code::kUnknownEnum);
}
