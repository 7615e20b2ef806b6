// GossipQueue: what is queued before a flush runs goes out in order, in messages of at most
// kMaxGossipTxs transactions and about kBatchBytes; what is queued while a flush sends is
// sent by that flush, after it; a transaction queued after a flush gets a flush of its own.
// (Out of a real node: tx_gossip_test.cpp.)
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "node/gossip_queue.h"
#include "node/peer_protocol.h"
#include "tests/support/test_support.h"

namespace covalue::node {
namespace {

// The transactions of each message `sent` holds, decoded.
std::vector<std::vector<ledger::Transaction>> Decode(const std::vector<Bytes>& sent) {
  std::vector<std::vector<ledger::Transaction>> messages;
  for (const Bytes& bytes : sent) {
    auto message = DecodePeerMessage(bytes);
    REQUIRE(message.ok());
    REQUIRE(std::holds_alternative<TxGossip>(*message));
    messages.push_back(std::get<TxGossip>(*message).txs);
  }
  return messages;
}

ledger::Transaction Tx(uint64_t nonce) {
  return covalue::testing::DatasetRegisterTx(covalue::testing::KeyFromLabel("maker"),
                                             "set-" + std::to_string(nonce), 10, nonce);
}

}  // namespace

TEST_CASE("GossipQueue sends what was queued before its flush, in order, in full messages",
          "[gossip]") {
  boost::asio::io_context io;
  std::vector<Bytes> sent;
  GossipQueue queue(io.get_executor(), [&](Bytes message) { sent.push_back(std::move(message)); });
  const size_t count = 2 * kMaxGossipTxs + 5;
  std::vector<ledger::Transaction> txs;
  for (size_t i = 0; i < count; ++i) {
    txs.push_back(Tx(i + 1));
    queue.Add(txs.back(), ledger::EncodedTransactionSize(txs.back()));
  }
  CHECK(sent.empty());  // nothing before the flush runs
  CHECK(io.run() == 1);  // one flush for all of them
  auto messages = Decode(sent);
  REQUIRE(messages.size() == 3);
  CHECK(messages[0].size() == kMaxGossipTxs);
  CHECK(messages[1].size() == kMaxGossipTxs);
  CHECK(messages[2].size() == 5);
  std::vector<ledger::Transaction> received;
  for (const auto& message : messages) received.insert(received.end(), message.begin(), message.end());
  CHECK(received == txs);

  // Queued after that flush: a flush of its own.
  sent.clear();
  io.restart();
  queue.Add(Tx(9999), 300);
  CHECK(io.run() == 1);
  messages = Decode(sent);
  REQUIRE(messages.size() == 1);
  CHECK(messages[0] == std::vector<ledger::Transaction>{Tx(9999)});
}

TEST_CASE("GossipQueue closes a message once its transactions reach kBatchBytes", "[gossip]") {
  boost::asio::io_context io;
  std::vector<Bytes> sent;
  GossipQueue queue(io.get_executor(), [&](Bytes message) { sent.push_back(std::move(message)); });
  // Counted as 0.4 of the bound each: a message closes at its third.
  const size_t counted = GossipQueue::kBatchBytes * 2 / 5;
  for (uint64_t nonce = 1; nonce <= 7; ++nonce) queue.Add(Tx(nonce), counted);
  io.run();
  auto messages = Decode(sent);
  REQUIRE(messages.size() == 3);
  CHECK(messages[0].size() == 3);
  CHECK(messages[1].size() == 3);
  CHECK(messages[2].size() == 1);
}

TEST_CASE("GossipQueue sends what is queued during a flush in that flush, after it",
          "[gossip]") {
  boost::asio::io_context io;
  std::vector<Bytes> sent;
  GossipQueue* queue_ptr = nullptr;
  GossipQueue queue(io.get_executor(), [&](Bytes message) {
    // An API thread admits another transaction while the first message is being sent.
    if (sent.empty()) queue_ptr->Add(Tx(3), 300);
    sent.push_back(std::move(message));
  });
  queue_ptr = &queue;
  queue.Add(Tx(1), 300);
  queue.Add(Tx(2), 300);
  CHECK(io.run() == 1);  // one flush, no second one posted
  auto messages = Decode(sent);
  REQUIRE(messages.size() == 2);
  CHECK(messages[0] == std::vector<ledger::Transaction>{Tx(1), Tx(2)});
  CHECK(messages[1] == std::vector<ledger::Transaction>{Tx(3)});
}

}  // namespace covalue::node
