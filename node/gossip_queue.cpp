#include "node/gossip_queue.h"

#include <boost/asio/post.hpp>

#include "node/peer_protocol.h"

namespace covalue::node {

GossipQueue::GossipQueue(boost::asio::any_io_executor executor, std::function<void(Bytes)> send)
    : m_executor(std::move(executor)), m_send(std::move(send)) {}

void GossipQueue::Add(ledger::Transaction tx, size_t encoded_bytes) {
  std::lock_guard<std::mutex> lock(m_mutex);
  m_queued.push_back({std::move(tx), encoded_bytes});
  if (m_flush_posted) return;
  m_flush_posted = true;
  boost::asio::post(m_executor, [this] { Flush(); });
}

void GossipQueue::Flush() {
  // One flush at a time, until the queue is empty: what is added while this one sends waits
  // for its next turn, so messages leave in the order their transactions were added.
  for (;;) {
    std::vector<Queued> queued;
    {
      std::lock_guard<std::mutex> lock(m_mutex);
      if (m_queued.empty()) {
        m_flush_posted = false;
        return;
      }
      queued.swap(m_queued);
    }
    SendAll(std::move(queued));
  }
}

void GossipQueue::SendAll(std::vector<Queued> queued) {
  PeerMessage message = TxGossip{};
  std::vector<ledger::Transaction>& batch = std::get<TxGossip>(message).txs;
  size_t bytes = 0;
  for (size_t i = 0; i < queued.size(); ++i) {
    batch.push_back(std::move(queued[i].tx));
    bytes += queued[i].encoded_bytes;
    if (batch.size() == kMaxGossipTxs || bytes >= kBatchBytes || i + 1 == queued.size()) {
      m_send(EncodePeerMessage(message));
      batch.clear();
      bytes = 0;
    }
  }
}

}  // namespace covalue::node
