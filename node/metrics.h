// Metrics in the Prometheus text exposition format (version 0.0.4) for GET /metrics:
// MetricsRegistry holds counter, gauge and histogram families, each with labelled series, and
// renders them; NodeMetrics is the set a node exports (docs/operations.md lists it). The
// registry owns every family; handles (Counter, Gauge, Histogram) are cheap copies valid while
// it lives. Thread-safe: one mutex guards every value; collectors run before each render.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace covalue::node {

// Label name/value pairs in a fixed order per family ({{"route", "/v1/tx"}, {"status", "200"}}).
using MetricLabels = std::vector<std::pair<std::string, std::string>>;

class MetricsRegistry {
 public:
  struct Family;
  // What a handle points at; made by the registry only (a Family is opaque outside it).
  class Handle {
   public:
    Handle(MetricsRegistry* registry, Family* family) : m_registry(registry), m_family(family) {}

   protected:
    MetricsRegistry* m_registry;
    Family* m_family;
  };
  // A monotonic count. Set is for a count kept elsewhere (read by a collector).
  class Counter : public Handle {
   public:
    using Handle::Handle;
    void Add(double by = 1, const MetricLabels& labels = {}) const;
    void Set(double value, const MetricLabels& labels = {}) const;
  };
  class Gauge : public Handle {
   public:
    using Handle::Handle;
    void Set(double value, const MetricLabels& labels = {}) const;
  };
  // Counts observations into buckets by upper bound (cumulative when rendered), with their sum.
  class Histogram : public Handle {
   public:
    using Handle::Handle;
    void Observe(double value, const MetricLabels& labels = {}) const;
  };

  MetricsRegistry();
  ~MetricsRegistry();
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  // Each name once, [a-zA-Z_:][a-zA-Z0-9_:]* (a programming error otherwise: throws
  // std::invalid_argument). Bucket bounds must ascend; +Inf is implied.
  Counter AddCounter(std::string name, std::string help);
  Gauge AddGauge(std::string name, std::string help);
  Histogram AddHistogram(std::string name, std::string help, std::vector<double> buckets);
  // Runs at the start of every Render (outside the lock), e.g. to Set gauges from live state.
  void AddCollector(std::function<void()> collector);

  // Every family in the order added, series in label order; families without series print only
  // their HELP and TYPE lines.
  std::string Render() const;

 private:
  Family* AddFamily(std::string name, std::string help, int kind, std::vector<double> buckets);
  void Update(Family* family, const MetricLabels& labels, int op, double value);

  mutable std::mutex m_mutex;
  std::vector<std::unique_ptr<Family>> m_families;
  std::vector<std::function<void()>> m_collectors;
};

// Bucket bounds in seconds for request and commit latencies: 1 ms to 60 s.
std::vector<double> LatencyBuckets();

// What a node exports. Gauges are set by the node's collector at each scrape; counters and
// histograms are updated where things happen.
struct NodeMetrics {
  NodeMetrics();

  MetricsRegistry registry;
  MetricsRegistry::Gauge height;               // covalue_height
  MetricsRegistry::Gauge consensus_height;     // covalue_consensus_height
  MetricsRegistry::Gauge consensus_round;      // covalue_consensus_round
  MetricsRegistry::Gauge peers_height;         // covalue_peers_height
  MetricsRegistry::Gauge peers_connected;      // covalue_peers_connected
  MetricsRegistry::Gauge mempool_txs;          // covalue_mempool_txs
  MetricsRegistry::Gauge mempool_bytes;        // covalue_mempool_bytes
  MetricsRegistry::Gauge ready;                // covalue_ready
  MetricsRegistry::Counter commits;            // covalue_commits_total
  MetricsRegistry::Counter blocks_synced;      // covalue_blocks_synced_total
  MetricsRegistry::Counter txs_committed;      // covalue_txs_committed_total
  MetricsRegistry::Counter invalid_proposals;  // covalue_invalid_proposals_total
  MetricsRegistry::Counter rejections;         // covalue_tx_rejections_total{stage, reason}
  MetricsRegistry::Histogram commit_latency;   // covalue_commit_latency_seconds
  MetricsRegistry::Counter api_requests;       // covalue_api_requests_total{method, route, status}
  MetricsRegistry::Histogram api_latency;      // covalue_api_request_seconds{route}
  MetricsRegistry::Counter rate_limited;       // covalue_api_rate_limited_total{token}
};

}  // namespace covalue::node
