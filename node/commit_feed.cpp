#include "node/commit_feed.h"

#include <vector>

namespace covalue::node {

CommitFeed::Subscription& CommitFeed::Subscription::operator=(Subscription&& other) noexcept {
  if (this != &other) {
    Reset();
    m_feed = other.m_feed;
    m_id = other.m_id;
    other.m_feed = nullptr;
    other.m_id = 0;
  }
  return *this;
}

void CommitFeed::Subscription::Reset() {
  if (m_feed != nullptr) m_feed->Unsubscribe(m_id);
  m_feed = nullptr;
  m_id = 0;
}

CommitFeed::Subscription CommitFeed::Subscribe(Listener listener) {
  std::lock_guard<std::mutex> lock(m_mutex);
  uint64_t id = m_next_id++;
  m_listeners.emplace(id, std::make_shared<const Listener>(std::move(listener)));
  return Subscription(this, id);
}

void CommitFeed::Unsubscribe(uint64_t id) {
  std::lock_guard<std::mutex> lock(m_mutex);
  m_listeners.erase(id);
}

size_t CommitFeed::subscribers() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_listeners.size();
}

void CommitFeed::Publish(const ledger::Block& block) {
  // Called outside the lock: a listener may drop the last reference to its subscriber, whose
  // Subscription then unsubscribes.
  std::vector<std::shared_ptr<const Listener>> listeners;
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    for (const auto& [id, listener] : m_listeners) listeners.push_back(listener);
  }
  if (listeners.empty()) return;
  auto shared = std::make_shared<const ledger::Block>(block);
  for (const auto& listener : listeners) (*listener)(shared);
}

}  // namespace covalue::node
