// RecentTxIds: "certainly absent" only for an id none of the recorded heights holds, and
// only at heights it covers; ids that share a fingerprint kept apart; heights dropped below
// a bound, oldest first past its capacity, and replaced when recorded again; and a random
// run against a plain model, through the table's growth and many removals. (ChainStore's
// replay check through it: chain_store_memory_test.cpp.)
#include <catch2/catch.hpp>

#include <map>
#include <random>
#include <vector>

#include "node/recent_tx_ids.h"

namespace covalue::node {
namespace {

// An id whose fingerprint (its first 8 bytes) is `fingerprint`, told apart by `tail`.
Hash32 Id(uint64_t fingerprint, uint64_t tail = 0) {
  Hash32 id{};
  for (size_t i = 0; i < 8; ++i) id[i] = static_cast<uint8_t>(fingerprint >> (56 - 8 * i));
  for (size_t i = 0; i < 8; ++i) id[8 + i] = static_cast<uint8_t>(tail >> (56 - 8 * i));
  return id;
}

}  // namespace

TEST_CASE("RecentTxIds is certain only of ids it does not hold, at heights it covers",
          "[recent_tx_ids]") {
  RecentTxIds ids(/*from=*/5, /*capacity=*/100);
  std::vector<Hash32> at_5 = {Id(1), Id(2)};
  std::vector<Hash32> at_6 = {Id(3)};
  ids.Add(5, at_5);
  ids.Add(6, at_6);
  CHECK(ids.size() == 3);
  for (const Hash32& id : {Id(1), Id(2), Id(3)}) CHECK_FALSE(ids.CertainlyAbsent(id, 5));
  CHECK(ids.CertainlyAbsent(Id(4), 5));
  CHECK(ids.CertainlyAbsent(Id(4), 6));
  CHECK_FALSE(ids.CertainlyAbsent(Id(4), 4));  // height 4 is not covered: ask the store
  // Another id with a held fingerprint is only "maybe".
  CHECK_FALSE(ids.CertainlyAbsent(Id(3, 99), 6));
}

TEST_CASE("RecentTxIds keeps ids that share a fingerprint apart", "[recent_tx_ids]") {
  RecentTxIds ids(1, 100);
  std::vector<Hash32> at_1 = {Id(42, 1)};
  std::vector<Hash32> at_2 = {Id(42, 2)};
  ids.Add(1, at_1);
  ids.Add(2, at_2);
  CHECK(ids.size() == 2);
  ids.DropBelow(2);  // removes height 1's entry, not height 2's
  CHECK(ids.from() == 2);
  CHECK(ids.size() == 1);
  CHECK_FALSE(ids.CertainlyAbsent(Id(42, 2), 2));
}

TEST_CASE("RecentTxIds drops heights below a bound, and the oldest past its capacity",
          "[recent_tx_ids]") {
  RecentTxIds ids(1, /*capacity=*/4);
  for (uint64_t height = 1; height <= 3; ++height) {
    std::vector<Hash32> two = {Id(height * 10), Id(height * 10 + 1)};
    ids.Add(height, two);
  }
  // Six ids recorded into room for four: height 1 went first.
  CHECK(ids.size() == 4);
  CHECK(ids.from() == 2);
  CHECK_FALSE(ids.CertainlyAbsent(Id(10), 1));  // not covered any more
  CHECK(ids.CertainlyAbsent(Id(10), 2));
  CHECK_FALSE(ids.CertainlyAbsent(Id(20), 2));
  ids.DropBelow(3);
  CHECK(ids.size() == 2);
  CHECK(ids.from() == 3);
  CHECK(ids.CertainlyAbsent(Id(20), 3));
  CHECK_FALSE(ids.CertainlyAbsent(Id(31), 3));
  // A height larger than the capacity on its own is dropped as a whole.
  std::vector<Hash32> five = {Id(40), Id(41), Id(42), Id(43), Id(44)};
  ids.Add(4, five);
  CHECK(ids.size() == 0);
  CHECK(ids.from() == 5);
  ids.Reset(9);
  CHECK(ids.from() == 9);
  CHECK(ids.CertainlyAbsent(Id(31), 9));
}

TEST_CASE("RecentTxIds replaces a height recorded again, and the heights above it",
          "[recent_tx_ids]") {
  RecentTxIds ids(1, 100);
  std::vector<Hash32> first = {Id(1)};
  std::vector<Hash32> second = {Id(2)};
  std::vector<Hash32> retried = {Id(3)};
  ids.Add(1, first);
  ids.Add(2, second);  // as if its write failed
  ids.Add(2, retried);
  CHECK(ids.size() == 2);
  CHECK(ids.CertainlyAbsent(Id(2), 1));
  CHECK_FALSE(ids.CertainlyAbsent(Id(3), 1));
  ids.Add(1, retried);  // height 1 again: height 2 goes too
  CHECK(ids.size() == 1);
  CHECK(ids.CertainlyAbsent(Id(1), 1));
  CHECK_FALSE(ids.CertainlyAbsent(Id(3), 1));
}

TEST_CASE("RecentTxIds agrees with a plain model through growth and removals",
          "[recent_tx_ids]") {
  // Fixed seeds for the table, so that a failure can be replayed: with thousands of ids in a
  // table of a few thousand slots, runs of slots wrap around its end under each of them.
  const uint64_t seed = GENERATE(1ull, 2ull, 0x9e3779b97f4a7c15ull);
  std::mt19937_64 random(seed);
  constexpr size_t kCapacity = 3000;
  RecentTxIds ids(1, kCapacity, seed);
  // The model: per height, its ids; fingerprints from a small range, so that many collide.
  std::map<uint64_t, std::vector<Hash32>> model;
  uint64_t from = 1;
  size_t held = 0;
  uint64_t tail = 0;
  auto fingerprint = [&] { return 1 + random() % 5000; };
  for (uint64_t height = 1; height <= 400; ++height) {
    std::vector<Hash32> block;
    size_t count = random() % 40;
    for (size_t i = 0; i < count; ++i) block.push_back(Id(fingerprint(), ++tail));
    ids.Add(height, block);
    while (!model.empty() && held + block.size() > kCapacity) {  // room first, oldest out
      held -= model.begin()->second.size();
      from = model.begin()->first + 1;
      model.erase(model.begin());
    }
    model[height] = block;
    held += block.size();
    if (height % 50 == 0) {  // the bound a commit sets, now and then
      uint64_t below = height - 30;
      while (!model.empty() && model.begin()->first < below) {
        held -= model.begin()->second.size();
        model.erase(model.begin());
      }
      from = std::max(from, below);
      ids.DropBelow(below);
    }
    REQUIRE(ids.from() == from);
    REQUIRE(ids.size() == held);
    // Every id held is "maybe"; a probe is certain exactly when no held id shares its
    // fingerprint.
    std::map<uint64_t, int> fingerprints;
    for (const auto& [h, block_ids] : model) {
      for (const Hash32& id : block_ids) {
        REQUIRE_FALSE(ids.CertainlyAbsent(id, from));
        uint64_t f = 0;
        for (size_t i = 0; i < 8; ++i) f = (f << 8) | id[i];
        ++fingerprints[f];
      }
    }
    for (int probe = 0; probe < 50; ++probe) {
      uint64_t f = fingerprint();
      REQUIRE(ids.CertainlyAbsent(Id(f, ~0ull), from) == (fingerprints.count(f) == 0));
    }
  }
}

}  // namespace covalue::node
