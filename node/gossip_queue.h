// GossipQueue: the transactions a node's API admitted, waiting to be sent to its peers as
// few TxGossip messages (docs/spec/p2p.md §Transaction gossip). Add queues one and, unless a
// flush is already due, posts one to the executor; the flush sends what is queued by then,
// in messages of at most kMaxGossipTxs transactions and about kBatchBytes. Under load the
// API admits many transactions between two flushes, and each message (framing, encryption,
// a write and a read on every link, a wake-up on every peer) then carries many; on an idle
// node the flush follows the one transaction at once.
// Owned by the Node; `send` must stay callable, and the executor running, while it exists
// (a flush still posted when the executor stops is dropped: the transactions stay in the
// mempool, and this node proposes them itself). Thread-safe: Add may be called from any
// thread.
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
  void Flush();

  boost::asio::any_io_executor m_executor;
  std::function<void(Bytes)> m_send;
  std::mutex m_mutex;
  std::vector<ledger::Transaction> m_queued;
  std::vector<size_t> m_queued_bytes;
  bool m_flush_posted = false;
};

}  // namespace covalue::node
