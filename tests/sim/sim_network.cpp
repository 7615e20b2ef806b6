#include "tests/sim/sim_network.h"

namespace covalue::sim {

void SimScheduler::At(uint64_t time_ms, std::function<void()> action) {
  m_queue.push(Item{time_ms < m_now ? m_now : time_ms, m_sequence++, std::move(action)});
}

bool SimScheduler::RunNext() {
  if (m_queue.empty()) return false;
  // The action may schedule more events, so take it out of the queue first.
  Item item = std::move(const_cast<Item&>(m_queue.top()));
  m_queue.pop();
  m_now = item.time;
  ++m_events_run;
  if (m_on_event) m_on_event(m_now);
  item.action();
  return true;
}

bool SimNetwork::Blocked(int from, int to, uint64_t time_ms) const {
  if (time_ms >= m_faults.until_ms) return false;
  for (const PartitionWindow& w : m_faults.partitions) {
    if (time_ms >= w.start_ms && time_ms < w.end_ms && w.from.count(from) && w.to.count(to)) {
      return true;
    }
  }
  return false;
}

uint64_t SimNetwork::Latency() {
  bool faulty = m_scheduler.now() < m_faults.until_ms;
  if (faulty && m_rng.Chance(m_faults.slow)) return m_rng.Between(m_faults.max_delay_ms, m_faults.slow_delay_ms);
  return m_rng.Between(m_faults.min_delay_ms, m_faults.max_delay_ms);
}

void SimNetwork::Send(int from, int to, const std::shared_ptr<const Packet>& packet) {
  ++m_sent;
  uint64_t now = m_scheduler.now();
  bool faulty = now < m_faults.until_ms;
  if (Blocked(from, to, now) || (faulty && m_rng.Chance(m_faults.drop))) {
    ++m_dropped;
    return;
  }
  int copies = faulty && m_rng.Chance(m_faults.duplicate) ? 2 : 1;
  for (int i = 0; i < copies; ++i) {
    uint64_t at = now + Latency();
    m_scheduler.At(at, [this, from, to, packet, at] {
      // A partition that starts while the packet is in flight also cuts it.
      if (Blocked(from, to, at)) {
        ++m_dropped;
        return;
      }
      m_deliver(to, from, *packet);
    });
  }
}

void SimNetwork::Broadcast(int from, const std::shared_ptr<const Packet>& packet) {
  for (int to = 0; to < m_addresses; ++to) {
    if (to != from) Send(from, to, packet);
  }
}

}  // namespace covalue::sim
