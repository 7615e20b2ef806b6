// GossipQueue: the transactions a node's API admitted, waiting to be sent to its peers in
// TxGossip messages (docs/spec/p2p.md §Transaction gossip). Add queues one and, unless a
// flush is due or running, posts one to the executor; the flush sends what is queued, in
// order, in messages of at most kMaxGossipTxs transactions, closed once their transactions
// reach kBatchBytes (so at most that plus one transaction), and goes on until the queue is
// empty. Under load the API admits many transactions between two turns of the flush, and
// each message (a record framed, encrypted, read, decrypted and dispatched on every link)
// then carries many; on an idle node the flush follows the one transaction at once.
// Owned by the Node. The flush runs on the executor and uses `this` and `send`: the queue
// must outlive every run of the executor (the Node stops and joins its io threads before its
// members go). A flush still posted when the executor stops is dropped with the queue, as
// frames still queued on a closing link are; the transactions are in this node's mempool,
// which a stopping node loses too. Thread-safe: Add may be called from any thread.
#pragma once

#include <cstddef>
#include <functional>
#include <mutex>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include "ledger/transaction.h"

namespace covalue::node {

class GossipQueue {
 public:
  // A message is closed once its transactions' encoded bytes reach this.
  static constexpr size_t kBatchBytes = 1u << 20;

  // `send` gets each message's encoding (a PeerMessage TxGossip).
  GossipQueue(boost::asio::any_io_executor executor, std::function<void(Bytes)> send);

  // Queues `tx`, of `encoded_bytes` (ledger::EncodedTransactionSize).
  void Add(ledger::Transaction tx, size_t encoded_bytes);

 private:
  struct Queued {
    ledger::Transaction tx;
    size_t encoded_bytes = 0;
  };
  void Flush();
  // Sends `queued` as messages within the bounds.
  void SendAll(std::vector<Queued> queued);

  boost::asio::any_io_executor m_executor;
  std::function<void(Bytes)> m_send;
  std::mutex m_mutex;
  std::vector<Queued> m_queued;
  bool m_flush_posted = false;
};

}  // namespace covalue::node
