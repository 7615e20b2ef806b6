#include "node/metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <stdexcept>

namespace covalue::node {
namespace {

enum Kind { kCounter = 0, kGauge = 1, kHistogram = 2 };
enum Op { kAdd, kSet, kObserve };

bool ValidName(const std::string& name, bool label) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
              (c == ':' && !label) || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

// Shortest round-trip decimal; integers without a fraction; +Inf, -Inf, NaN as Prometheus has them.
std::string FormatNumber(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char text[64];
  auto result = std::to_chars(text, text + sizeof(text), value);
  return std::string(text, result.ptr);
}

// HELP text escapes backslash and newline; label values also the double quote.
std::string Escape(const std::string& text, bool quote) {
  std::string out;
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quote) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
  return out;
}

// {a="1",b="2"} with `extra` (the histogram's le) last; empty when there are no labels.
std::string LabelText(const MetricLabels& labels, const std::string& extra = "") {
  std::string out;
  for (const auto& [name, value] : labels) {
    out += (out.empty() ? "" : ",") + name + "=\"" + Escape(value, true) + "\"";
  }
  if (!extra.empty()) out += (out.empty() ? "" : ",") + extra;
  return out.empty() ? out : "{" + out + "}";
}

}  // namespace

struct MetricsRegistry::Family {
  std::string name;
  std::string help;
  int kind = kCounter;
  std::vector<double> buckets;  // upper bounds, histograms only
  struct Series {
    double value = 0;                     // counters and gauges
    std::vector<uint64_t> bucket_counts;  // per bound, not cumulative
    double sum = 0;
    uint64_t count = 0;
  };
  std::map<MetricLabels, Series> series;
};

MetricsRegistry::MetricsRegistry() = default;
MetricsRegistry::~MetricsRegistry() = default;

MetricsRegistry::Family* MetricsRegistry::AddFamily(std::string name, std::string help, int kind,
                                                    std::vector<double> buckets) {
  if (!ValidName(name, false)) throw std::invalid_argument("bad metric name '" + name + "'");
  if (!std::is_sorted(buckets.begin(), buckets.end()) ||
      std::adjacent_find(buckets.begin(), buckets.end()) != buckets.end()) {
    throw std::invalid_argument("histogram " + name + ": bucket bounds must ascend");
  }
  std::lock_guard<std::mutex> lock(m_mutex);
  for (const auto& family : m_families) {
    if (family->name == name) throw std::invalid_argument("metric " + name + " added twice");
  }
  auto family = std::make_unique<Family>();
  family->name = std::move(name);
  family->help = std::move(help);
  family->kind = kind;
  family->buckets = std::move(buckets);
  m_families.push_back(std::move(family));
  return m_families.back().get();
}

MetricsRegistry::Counter MetricsRegistry::AddCounter(std::string name, std::string help) {
  return Counter(this, AddFamily(std::move(name), std::move(help), kCounter, {}));
}

MetricsRegistry::Gauge MetricsRegistry::AddGauge(std::string name, std::string help) {
  return Gauge(this, AddFamily(std::move(name), std::move(help), kGauge, {}));
}

MetricsRegistry::Histogram MetricsRegistry::AddHistogram(std::string name, std::string help,
                                                         std::vector<double> buckets) {
  return Histogram(this,
                   AddFamily(std::move(name), std::move(help), kHistogram, std::move(buckets)));
}

void MetricsRegistry::AddCollector(std::function<void()> collector) {
  std::lock_guard<std::mutex> lock(m_mutex);
  m_collectors.push_back(std::move(collector));
}

void MetricsRegistry::Update(Family* family, const MetricLabels& labels, int op, double value) {
  for (const auto& label : labels) {
    if (!ValidName(label.first, true)) throw std::invalid_argument("bad label name " + label.first);
  }
  std::lock_guard<std::mutex> lock(m_mutex);
  Family::Series& series = family->series[labels];
  if (op == kAdd) {
    series.value += value;
  } else if (op == kSet) {
    series.value = value;
  } else {
    series.bucket_counts.resize(family->buckets.size());
    auto bound = std::lower_bound(family->buckets.begin(), family->buckets.end(), value);
    if (bound != family->buckets.end()) ++series.bucket_counts[bound - family->buckets.begin()];
    series.sum += value;
    ++series.count;
  }
}

void MetricsRegistry::Counter::Add(double by, const MetricLabels& labels) const {
  m_registry->Update(m_family, labels, kAdd, by);
}
void MetricsRegistry::Counter::Set(double value, const MetricLabels& labels) const {
  m_registry->Update(m_family, labels, kSet, value);
}
void MetricsRegistry::Gauge::Set(double value, const MetricLabels& labels) const {
  m_registry->Update(m_family, labels, kSet, value);
}
void MetricsRegistry::Histogram::Observe(double value, const MetricLabels& labels) const {
  m_registry->Update(m_family, labels, kObserve, value);
}

std::string MetricsRegistry::Render() const {
  std::vector<std::function<void()>> collectors;
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    collectors = m_collectors;
  }
  for (const auto& collect : collectors) collect();
  static constexpr const char* kTypes[] = {"counter", "gauge", "histogram"};
  std::string out;
  std::lock_guard<std::mutex> lock(m_mutex);
  for (const auto& family : m_families) {
    out += "# HELP " + family->name + " " + Escape(family->help, false) + "\n";
    out += "# TYPE " + family->name + " " + kTypes[family->kind] + "\n";
    for (const auto& [labels, series] : family->series) {
      if (family->kind != kHistogram) {
        out += family->name + LabelText(labels) + " " + FormatNumber(series.value) + "\n";
        continue;
      }
      uint64_t cumulative = 0;
      for (size_t i = 0; i < family->buckets.size(); ++i) {
        cumulative += i < series.bucket_counts.size() ? series.bucket_counts[i] : 0;
        out += family->name + "_bucket" +
               LabelText(labels, "le=\"" + FormatNumber(family->buckets[i]) + "\"") + " " +
               std::to_string(cumulative) + "\n";
      }
      out += family->name + "_bucket" + LabelText(labels, "le=\"+Inf\"") + " " +
             std::to_string(series.count) + "\n";
      out += family->name + "_sum" + LabelText(labels) + " " + FormatNumber(series.sum) + "\n";
      out +=
          family->name + "_count" + LabelText(labels) + " " + std::to_string(series.count) + "\n";
    }
  }
  return out;
}

std::vector<double> LatencyBuckets() {
  return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
}

NodeMetrics::NodeMetrics()
    : height(
          registry.AddGauge("covalue_height", "Height of the last block committed on this node.")),
      consensus_height(registry.AddGauge(
          "covalue_consensus_height", "Height consensus is deciding (the committed height + 1).")),
      consensus_round(
          registry.AddGauge("covalue_consensus_round",
                            "Round of the height in progress (0 when it decides at once).")),
      peers_height(registry.AddGauge(
          "covalue_peers_height",
          "Highest committed height that more than f validators have shown in signed messages.")),
      peers_connected(registry.AddGauge("covalue_peers_connected", "Peer links up.")),
      mempool_txs(registry.AddGauge("covalue_mempool_txs", "Transactions waiting in the mempool.")),
      mempool_bytes(registry.AddGauge("covalue_mempool_bytes",
                                      "Encoded bytes of the transactions in the mempool.")),
      ready(registry.AddGauge("covalue_ready", "1 when GET /readyz answers 200, else 0.")),
      commits(registry.AddCounter("covalue_commits_total",
                                  "Blocks this node committed since it started (also by sync).")),
      blocks_synced(registry.AddCounter("covalue_blocks_synced_total",
                                        "Blocks learnt from peers by block sync since start.")),
      txs_committed(registry.AddCounter("covalue_txs_committed_total",
                                        "Transactions in the blocks committed since start.")),
      invalid_proposals(registry.AddCounter("covalue_invalid_proposals_total",
                                            "Proposed blocks this node refused since start.")),
      rejections(registry.AddCounter(
          "covalue_tx_rejections_total",
          "Transactions refused, by stage (admission: on submission or gossip; block: left out "
          "of a block) and reason (the stable error code).")),
      commit_latency(registry.AddHistogram(
          "covalue_commit_latency_seconds",
          "From the start of a height's first round (transactions waiting) to its commit here.",
          LatencyBuckets())),
      api_requests(
          registry.AddCounter("covalue_api_requests_total",
                              "API requests answered, by method, route pattern and status.")),
      api_latency(registry.AddHistogram("covalue_api_request_seconds",
                                        "From a request's arrival to its answer, by route pattern.",
                                        LatencyBuckets())),
      rate_limited(
          registry.AddCounter("covalue_api_rate_limited_total",
                              "API requests refused with 429 rate_limited, by token name.")) {}

}  // namespace covalue::node
