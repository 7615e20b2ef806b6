// The simulated world's clock, randomness and network (tests/sim, TESTING.md T1).
// SimRng is the ONE source of randomness of a run (seeded; no wall clock anywhere);
// SimScheduler is a priority queue of timed closures ordered by (time, insertion order),
// so a run is a pure function of its seed; SimNetwork carries packets between node
// addresses with the run's faults: drop, duplication, random latency (which reorders),
// and symmetric or one-way partitions over time windows. Single-threaded by design:
// nothing here is thread-safe, and nothing needs to be.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <queue>
#include <random>
#include <set>
#include <utility>
#include <variant>
#include <vector>

#include "common/bytes.h"
#include "ledger/block.h"
#include "ledger/transaction.h"

namespace covalue::sim {

// A deterministic generator: the same seed gives the same stream on every platform
// (std::mt19937_64 is fully specified; the distributions below are our own, because the
// standard library's are not).
class SimRng {
 public:
  explicit SimRng(uint64_t seed) : m_engine(seed) {}
  uint64_t Next() { return m_engine(); }
  // Uniform in [lo, hi] (inclusive); lo when hi <= lo.
  uint64_t Between(uint64_t lo, uint64_t hi) {
    return hi <= lo ? lo : lo + Next() % (hi - lo + 1);
  }
  // True with probability p.
  bool Chance(double p) { return static_cast<double>(Next() >> 11) * 0x1.0p-53 < p; }

 private:
  std::mt19937_64 m_engine;
};

// Simulated time in milliseconds since the start of the run, and the event queue.
class SimScheduler {
 public:
  uint64_t now() const { return m_now; }
  void At(uint64_t time_ms, std::function<void()> action);
  void After(uint64_t delay_ms, std::function<void()> action) { At(m_now + delay_ms, std::move(action)); }
  // Called with the event's time before each event runs (the checker's clock).
  void set_on_event(std::function<void(uint64_t)> hook) { m_on_event = std::move(hook); }
  // Runs the earliest event (advancing the clock to it). False when the queue is empty.
  bool RunNext();
  uint64_t events_run() const { return m_events_run; }

 private:
  struct Item {
    uint64_t time;
    uint64_t sequence;
    std::function<void()> action;
    bool operator>(const Item& other) const {
      return time != other.time ? time > other.time : sequence > other.sequence;
    }
  };
  std::priority_queue<Item, std::vector<Item>, std::greater<>> m_queue;
  uint64_t m_now = 0;
  uint64_t m_sequence = 0;
  uint64_t m_events_run = 0;
  std::function<void(uint64_t)> m_on_event;
};

// What travels between simulated nodes.
struct ConsensusPacket { Bytes encoded; };  // consensus::EncodeMessage output
struct TxPacket { ledger::Transaction tx; };
struct SyncRequestPacket { uint64_t from_height; };
struct SyncResponsePacket { std::vector<ledger::Block> blocks; };  // with certificates
using Packet = std::variant<ConsensusPacket, TxPacket, SyncRequestPacket, SyncResponsePacket>;

// A time window during which packets from any address in `from` to any address in `to`
// are lost. A symmetric partition is two windows (A->B and B->A).
struct PartitionWindow {
  uint64_t start_ms = 0;
  uint64_t end_ms = 0;
  std::set<int> from;
  std::set<int> to;
};

struct NetworkFaults {
  double drop = 0;                  // probability a packet is lost
  double duplicate = 0;             // probability a packet is delivered twice
  uint64_t min_delay_ms = 1;
  uint64_t max_delay_ms = 40;
  double slow = 0;                  // probability of a long delay (up to slow_delay_ms)
  uint64_t slow_delay_ms = 400;
  uint64_t until_ms = 0;            // drop/duplicate/slow/partitions apply before this time only
  std::vector<PartitionWindow> partitions;
};

class SimNetwork {
 public:
  // Called on delivery with (to, from, packet).
  using Deliver = std::function<void(int, int, const Packet&)>;

  SimNetwork(SimScheduler& scheduler, SimRng& rng, NetworkFaults faults, int addresses)
      : m_scheduler(scheduler), m_rng(rng), m_faults(std::move(faults)), m_addresses(addresses) {}
  void set_deliver(Deliver deliver) { m_deliver = std::move(deliver); }

  void Send(int from, int to, const std::shared_ptr<const Packet>& packet);
  // To every other address.
  void Broadcast(int from, const std::shared_ptr<const Packet>& packet);
  bool Blocked(int from, int to, uint64_t time_ms) const;
  const NetworkFaults& faults() const { return m_faults; }
  int addresses() const { return m_addresses; }

  uint64_t sent() const { return m_sent; }
  uint64_t dropped() const { return m_dropped; }

 private:
  uint64_t Latency();

  SimScheduler& m_scheduler;
  SimRng& m_rng;
  NetworkFaults m_faults;
  int m_addresses;
  Deliver m_deliver;
  uint64_t m_sent = 0;
  uint64_t m_dropped = 0;
};

}  // namespace covalue::sim
