// CommitFeed: hands every block the node commits to whoever subscribed — the event streams of
// node/events_api.h. The node publishes from its chain strand once the block is in the store,
// in height order. Listeners run on the publishing thread and must return quickly (post their
// work elsewhere); they may be called once more while their Subscription is being destroyed,
// so a listener must not own what it points to (hold a weak_ptr). Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>

#include "ledger/block.h"

namespace covalue::node {

class CommitFeed {
 public:
  using Listener = std::function<void(const std::shared_ptr<const ledger::Block>&)>;

  // Unsubscribes when destroyed (or reset). Movable; must not outlive its feed.
  class Subscription {
   public:
    Subscription() = default;
    Subscription(CommitFeed* feed, uint64_t id) : m_feed(feed), m_id(id) {}
    Subscription(Subscription&& other) noexcept { *this = std::move(other); }
    Subscription& operator=(Subscription&& other) noexcept;
    Subscription(const Subscription&) = delete;
    Subscription& operator=(const Subscription&) = delete;
    ~Subscription() { Reset(); }
    void Reset();

   private:
    CommitFeed* m_feed = nullptr;
    uint64_t m_id = 0;
  };

  CommitFeed() = default;
  CommitFeed(const CommitFeed&) = delete;
  CommitFeed& operator=(const CommitFeed&) = delete;

  // `listener` hears every block published from now on.
  [[nodiscard]] Subscription Subscribe(Listener listener);
  // Calls every listener with `block` (copied once, only if someone listens).
  void Publish(const ledger::Block& block);
  size_t subscribers() const;

 private:
  void Unsubscribe(uint64_t id);

  mutable std::mutex m_mutex;
  uint64_t m_next_id = 1;
  std::map<uint64_t, std::shared_ptr<const Listener>> m_listeners;
};

}  // namespace covalue::node
