#include "node/event_stream.h"

#include <algorithm>

#include "common/log.h"

namespace covalue::node {
namespace {

// Above this many unsent bytes the stream waits for OnDrained before reading more blocks.
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
  uint64_t scanned = m_next_height - 1;
  m_stream->Write(": heartbeat " + std::to_string(scanned) + "\n\n");
}

void EventStream::Pump() {
  for (int blocks = 0;; ++blocks) {
    if (m_stream->closed() || m_stream->queued_bytes() >= kPauseBytes) return;
    uint64_t head;
    std::shared_ptr<const ledger::Block> latest;
    {
      std::lock_guard<std::mutex> lock(m_mutex);
      head = m_head;
      latest = m_latest;
    }
    if (m_next_height > head) return;  // caught up; the feed calls again
    if (blocks == kBlocksPerTurn) return SchedulePump();
    std::shared_ptr<const ledger::Block> block;
    if (latest && latest->header.height == m_next_height) {
      block = std::move(latest);
    } else {
      auto stored = m_store.GetBlock(m_next_height);
      if (!stored.ok()) return Fail(stored.status());
      if (!*stored) {
        return Fail(Status(Code::kCorruption,
                           "block " + std::to_string(m_next_height) + " is missing from the store"));
      }
      block = std::make_shared<const ledger::Block>(std::move(**stored));
    }
    for (const Json& event : CollectEvents(*block, m_after, m_filter)) {
      if (!m_stream->Write(FormatServerSentEvent(event))) return;  // gone, or dropped
    }
    m_after = EventPosition{m_next_height, EventPosition::kAll, EventPosition::kAll};
    ++m_next_height;
  }
}

void EventStream::Fail(const Status& status) {
  Log(LogLevel::kError, "api", "event stream stopped", {{"error", status.ToString()}});
  Json data = {{"code", CodeName(status.code())}, {"message", status.message()}};
  m_stream->Write("event: error\ndata: " + data.dump() + "\n\n");
  m_stream->End();
}

}  // namespace covalue::node
