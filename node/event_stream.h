// EventStream: the producer behind one GET /v1/events connection (node/events_api.h). It
// replays the matching events after its cursor block by block from the store, then follows
// the CommitFeed — always reading the next height it has not sent, from the block the feed
// handed over or else from the store, so that nothing is skipped or sent twice across the
// hand-over. It paces itself by the connection's send queue, event by event: once enough waits
// unsent it stops — between blocks or inside one — and goes on where it stopped when the queue
// has drained (OnDrained), so a slow client lags behind (reading from the store when it catches
// up) rather than making the node buffer for it, and a block with more matching events than the
// queue holds is sent in several turns. A heartbeat comment goes out on a tick only if nothing
// else was sent since the last one.
// Callbacks run on the connection's strand; the feed's listener only records the new head and
// posts. Owned by the connection (shared); borrows the store and the feed, which outlive it.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <vector>

#include "node/api/http_server.h"
#include "node/chain_store.h"
#include "node/commit_feed.h"
#include "node/events_api.h"

namespace covalue::node {

class EventStream final : public api::StreamProducer,
                          public std::enable_shared_from_this<EventStream> {
 public:
  EventStream(const ChainStore& store, CommitFeed& feed, EventPosition after, EventFilter filter,
              std::chrono::milliseconds heartbeat);

  void OnOpen(std::shared_ptr<api::ResponseStream> stream) override;
  void OnDrained() override { Pump(); }
  void OnTick() override;
  std::chrono::milliseconds tick_interval() const override { return m_heartbeat; }
  void OnClosed() override { m_subscription.Reset(); }

 private:
  // The feed's listener (on the chain strand).
  void OnCommitted(const std::shared_ptr<const ledger::Block>& block);
  void SchedulePump();
  // Sends the rest of the current block, then blocks from m_next_height on, while the client keeps
  // up and blocks are committed.
  void Pump();
  // Reads block m_next_height (the one the feed handed over, or from the store) into m_events.
  Status LoadBlock();
  // Tells the client why the stream stops (an `error` event), then ends it.
  void Fail(const Status& status);

  const ChainStore& m_store;
  CommitFeed& m_feed;
  const EventFilter m_filter;
  const std::chrono::milliseconds m_heartbeat;
  // On the strand only:
  EventPosition m_after;  // the last position sent or skipped
  uint64_t m_next_height;
  // The matching events of block m_next_height once it is loaded; those before m_sent are sent.
  bool m_block_loaded = false;
  std::vector<Json> m_events;
  size_t m_sent = 0;
  bool m_sent_since_tick = false;                 // an event went out since the last OnTick
  std::shared_ptr<api::ResponseStream> m_stream;  // set in OnOpen before subscribing
  CommitFeed::Subscription m_subscription;
  // Written by the feed's listener:
  std::mutex m_mutex;
  uint64_t m_head = 0;                            // the highest height known committed
  std::shared_ptr<const ledger::Block> m_latest;  // the last block the feed handed over
  std::atomic<bool> m_pump_posted{false};
};

}  // namespace covalue::node
