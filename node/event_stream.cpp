#include "node/event_stream.h"

#include <algorithm>

#include "common/log.h"

namespace covalue::node {
namespace {

// Above this many unsent bytes the stream writes nothing more (no next event, no next block)
// until OnDrained. It overshoots by one event at most, far below the connection's queue limit
// (HttpServerOptions::max_stream_queue_bytes, 1 MiB), which would drop the client.
constexpr size_t kPauseBytes = 64 << 10;
// Blocks read in one turn on the strand before yielding to the connection's other work.
constexpr int kBlocksPerTurn = 64;

}  // namespace

EventStream::EventStream(const ChainStore& store, CommitFeed& feed, EventPosition after,
                         EventFilter filter, std::chrono::milliseconds heartbeat)
    : m_store(store),
      m_feed(feed),
      m_filter(std::move(filter)),
      m_heartbeat(heartbeat),
      m_after(after),
      m_next_height(FirstHeightAfter(after)) {}

void EventStream::OnOpen(std::shared_ptr<api::ResponseStream> stream) {
  m_stream = std::move(stream);
  // Subscribe first, then read the head: a block committed in between is both in the store and
  // announced, and Pump sends each height once, whichever way it learnt of it.
  std::weak_ptr<EventStream> weak = weak_from_this();
  m_subscription = m_feed.Subscribe([weak](const std::shared_ptr<const ledger::Block>& block) {
    if (auto self = weak.lock()) self->OnCommitted(block);
  });
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_head = std::max(m_head, m_store.Head().height);
  }
  m_stream->Write("retry: 3000\n: covalue events after " + FormatEventCursor(m_after) + "\n\n");
  Pump();
}

void EventStream::OnCommitted(const std::shared_ptr<const ledger::Block>& block) {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_head = std::max(m_head, block->header.height);
    m_latest = block;
  }
  SchedulePump();
}

void EventStream::SchedulePump() {
  if (m_pump_posted.exchange(true)) return;
  std::weak_ptr<EventStream> weak = weak_from_this();
  m_stream->Post([weak] {
    if (auto self = weak.lock()) {
      self->m_pump_posted = false;
      self->Pump();
    }
  });
}

void EventStream::OnTick() {
  // Only a stream with nothing to say needs a sign of life: not one that sent events since the
  // last tick, nor one whose client has not yet taken what was sent.
  bool busy = m_sent_since_tick || m_stream->queued_bytes() != 0;
  m_sent_since_tick = false;
  if (busy) return;
  uint64_t scanned = m_next_height - 1;
  m_stream->Write(": heartbeat " + std::to_string(scanned) + "\n\n");
}

Status EventStream::LoadBlock() {
  std::shared_ptr<const ledger::Block> block;
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_latest && m_latest->header.height == m_next_height) block = m_latest;
  }
  if (!block) {
    auto stored = m_store.GetBlock(m_next_height);
    if (!stored.ok()) return stored.status();
    if (!*stored) {
      return Status(Code::kCorruption,
                    "block " + std::to_string(m_next_height) + " is missing from the store");
    }
    block = std::make_shared<const ledger::Block>(std::move(**stored));
  }
  m_events = CollectEvents(*block, m_after, m_filter);
  m_sent = 0;
  m_block_loaded = true;
  return Status::Ok();
}

void EventStream::Pump() {
  for (int blocks = 0;;) {
    if (m_stream->closed()) return;
    if (!m_block_loaded) {
      if (m_stream->queued_bytes() >= kPauseBytes) return;  // OnDrained calls again
      uint64_t head;
      {
        std::lock_guard<std::mutex> lock(m_mutex);
        head = m_head;
      }
      if (m_next_height > head) return;  // caught up; the feed calls again
      if (blocks++ == kBlocksPerTurn) return SchedulePump();
      if (Status loaded = LoadBlock(); !loaded.ok()) return Fail(loaded);
    }
    for (; m_sent < m_events.size(); ++m_sent) {
      // Paused inside the block: OnDrained goes on from the next event.
      if (m_stream->queued_bytes() >= kPauseBytes) return;
      const Json& event = m_events[m_sent];
      if (!m_stream->Write(FormatServerSentEvent(event))) return;  // gone, or dropped
      m_after = EventPosition{m_next_height, event["index"].get<uint32_t>(),
                              event["event_index"].get<uint32_t>()};
      m_sent_since_tick = true;
    }
    m_after = EventPosition{m_next_height, EventPosition::kAll, EventPosition::kAll};
    ++m_next_height;
    m_events.clear();
    m_block_loaded = false;
  }
}

void EventStream::Fail(const Status& status) {
  Log(LogLevel::kError, "api", "event stream stopped", {{"error", status.ToString()}});
  Json data = {{"code", CodeName(status.code())}, {"message", status.message()}};
  m_stream->Write("event: error\ndata: " + data.dump() + "\n\n");
  m_stream->End();
}

}  // namespace covalue::node
