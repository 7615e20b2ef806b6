// The block interval (docs/spec/consensus.md §Block interval): how long a proposer waits
// after the head block before building the next, as a function, and on a real one-validator
// node, whose blocks are then stamped at least that far apart.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

#include "node/consensus_driver.h"
#include "tests/support/running_node.h"

using namespace covalue;
using covalue::testing::DatasetRegisterTx;
using covalue::testing::KeyFromLabel;
using covalue::testing::RunningNode;
using node::BlockBuildWaitMs;

TEST_CASE("the proposer waits out the block interval since the head block, and no longer") {
  const int64_t now = 1'800'000'000'000;
  CHECK(BlockBuildWaitMs(7, now - 3, now, 10) == 7);
  CHECK(BlockBuildWaitMs(7, now, now, 10) == 10);
  CHECK(BlockBuildWaitMs(7, now - 10, now, 10) == 0);
  CHECK(BlockBuildWaitMs(7, now - 60'000, now, 10) == 0);  // an idle chain: at once
  // A head stamped by a clock running ahead of this one: at most the interval.
  CHECK(BlockBuildWaitMs(7, now + 3'600'000, now, 10) == 10);
  CHECK(BlockBuildWaitMs(7, INT64_MAX, now, 10) == 10);
  CHECK(BlockBuildWaitMs(7, INT64_MIN, now, 10) == 0);
  CHECK(BlockBuildWaitMs(0, now, now, 10) == 0);  // height 1: no head block
  CHECK(BlockBuildWaitMs(7, now, now, 0) == 0);   // switched off
}

TEST_CASE("a node's consecutive blocks are stamped at least the block interval apart") {
  const uint32_t interval_ms = 150;
  RunningNode node([&](node::NodeConfig& config) { config.block_interval_ms = interval_ms; });
  // Each submission waits for its commit, so each transaction is a block of its own, built
  // as soon as the node may: without the interval these come a few milliseconds apart.
  for (int nonce = 1; nonce <= 4; ++nonce) {
    auto tx = DatasetRegisterTx(KeyFromLabel("maker"), "set-" + std::to_string(nonce), 500,
                                static_cast<uint64_t>(nonce));
    auto response = node.Submit(tx);
    INFO(response.body);
    REQUIRE(response.status == 200);
  }
  const auto& store = node.node().store();
  REQUIRE(store.Head().height == 4);
  int64_t previous = 0;
  for (uint64_t height = 1; height <= 4; ++height) {
    auto block = store.GetBlock(height);
    REQUIRE(block.ok());
    REQUIRE(block->has_value());
    int64_t time = (*block)->header.time_ms;
    if (height > 1) CHECK(time - previous >= interval_ms);
    previous = time;
  }
}

TEST_CASE("the block interval must leave the proposer time before the propose timeout") {
  node::NodeConfig config;
  config.block_interval_ms = config.timeout_propose_ms;
  CHECK(config.Validate().code() == Code::kInvalidArgument);
  config.block_interval_ms = config.timeout_propose_ms - 1;
  CHECK(config.Validate().ok());
  config.block_interval_ms = 0;
  CHECK(config.Validate().ok());
}
