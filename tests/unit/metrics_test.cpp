// The metrics registry (node/metrics.h): the Prometheus text format — HELP and TYPE lines,
// label escaping, counters and gauges, histogram buckets (cumulative, +Inf, _sum, _count) —
// collectors run at render time, names checked, and concurrent updates counted exactly.
#include <catch2/catch.hpp>

#include <stdexcept>
#include <thread>
#include <vector>

#include "node/metrics.h"

using covalue::node::MetricsRegistry;
using covalue::node::NodeMetrics;

namespace {

bool Contains(const std::string& text, const std::string& line) {
  return text.find(line) != std::string::npos;
}

}  // namespace

TEST_CASE("counters and gauges render in the text format with escaped labels", "[metrics]") {
  MetricsRegistry registry;
  auto requests = registry.AddCounter("app_requests_total", "Requests.\nBy route \\ status.");
  auto depth = registry.AddGauge("app_queue_depth", "Items waiting.");
  registry.AddGauge("app_unused", "Never set.");
  requests.Add(1, {{"route", "/v1/tx/{id}"}, {"status", "200"}});
  requests.Add(2, {{"route", "/v1/tx/{id}"}, {"status", "200"}});
  requests.Add(1, {{"route", "say \"hi\"\n\\"}, {"status", "404"}});
  depth.Set(7.5);
  depth.Set(3);
  std::string text = registry.Render();
  CHECK(text ==
        "# HELP app_requests_total Requests.\\nBy route \\\\ status.\n"
        "# TYPE app_requests_total counter\n"
        "app_requests_total{route=\"/v1/tx/{id}\",status=\"200\"} 3\n"
        "app_requests_total{route=\"say \\\"hi\\\"\\n\\\\\",status=\"404\"} 1\n"
        "# HELP app_queue_depth Items waiting.\n"
        "# TYPE app_queue_depth gauge\n"
        "app_queue_depth 3\n"
        "# HELP app_unused Never set.\n"
        "# TYPE app_unused gauge\n");
}

TEST_CASE("histograms count into cumulative buckets with +Inf, sum and count", "[metrics]") {
  MetricsRegistry registry;
  auto latency = registry.AddHistogram("app_seconds", "Latency.", {0.25, 0.5, 1});
  for (double v : {0.125, 0.25, 0.375, 0.75, 0.75, 3.0}) latency.Observe(v, {{"route", "/a"}});
  latency.Observe(0.625, {{"route", "/b"}});
  std::string text = registry.Render();
  CHECK(Contains(text, "# TYPE app_seconds histogram\n"));
  // 0.25 falls in le="0.25" (bounds are inclusive); 3.0 only in +Inf.
  CHECK(Contains(text,
                 "app_seconds_bucket{route=\"/a\",le=\"0.25\"} 2\n"
                 "app_seconds_bucket{route=\"/a\",le=\"0.5\"} 3\n"
                 "app_seconds_bucket{route=\"/a\",le=\"1\"} 5\n"
                 "app_seconds_bucket{route=\"/a\",le=\"+Inf\"} 6\n"
                 "app_seconds_sum{route=\"/a\"} 5.25\n"
                 "app_seconds_count{route=\"/a\"} 6\n"));
  CHECK(Contains(text,
                 "app_seconds_bucket{route=\"/b\",le=\"0.25\"} 0\n"
                 "app_seconds_bucket{route=\"/b\",le=\"0.5\"} 0\n"
                 "app_seconds_bucket{route=\"/b\",le=\"1\"} 1\n"
                 "app_seconds_bucket{route=\"/b\",le=\"+Inf\"} 1\n"));
  MetricsRegistry unlabelled;
  unlabelled.AddHistogram("h", "x", {1}).Observe(2);
  CHECK(Contains(unlabelled.Render(),
                 "h_bucket{le=\"1\"} 0\nh_bucket{le=\"+Inf\"} 1\nh_sum 2\nh_count 1\n"));
}

TEST_CASE("collectors run at every render, bad names and duplicates are refused", "[metrics]") {
  MetricsRegistry registry;
  auto height = registry.AddGauge("app_height", "Height.");
  int calls = 0;
  registry.AddCollector([&] { height.Set(++calls * 10); });
  CHECK(Contains(registry.Render(), "app_height 10\n"));
  CHECK(Contains(registry.Render(), "app_height 20\n"));
  CHECK_THROWS_AS(registry.AddGauge("app_height", "again"), std::invalid_argument);
  CHECK_THROWS_AS(registry.AddCounter("9lives", "x"), std::invalid_argument);
  CHECK_THROWS_AS(registry.AddCounter("has-dash", "x"), std::invalid_argument);
  CHECK_THROWS_AS(registry.AddHistogram("h", "x", {1, 0.5}), std::invalid_argument);
  CHECK_THROWS_AS(height.Set(1, {{"bad-label", "x"}}), std::invalid_argument);
}

TEST_CASE("concurrent updates are all counted", "[metrics]") {
  MetricsRegistry registry;
  auto counter = registry.AddCounter("c_total", "x");
  auto histogram = registry.AddHistogram("h", "x", {1});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) {
        counter.Add();
        histogram.Observe(0.5);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  std::string text = registry.Render();
  CHECK(Contains(text, "c_total 4000\n"));
  CHECK(Contains(text, "h_bucket{le=\"1\"} 4000\n"));
}

TEST_CASE("a node's metric set names every family the operations guide lists", "[metrics]") {
  NodeMetrics metrics;
  std::string text = metrics.registry.Render();
  for (const char* family :
       {"covalue_height gauge", "covalue_consensus_height gauge", "covalue_consensus_round gauge",
        "covalue_peers_height gauge", "covalue_peers_connected gauge", "covalue_mempool_txs gauge",
        "covalue_mempool_bytes gauge", "covalue_ready gauge", "covalue_commits_total counter",
        "covalue_blocks_synced_total counter", "covalue_txs_committed_total counter",
        "covalue_invalid_proposals_total counter", "covalue_tx_rejections_total counter",
        "covalue_commit_latency_seconds histogram", "covalue_api_requests_total counter",
        "covalue_api_request_seconds histogram", "covalue_api_rate_limited_total counter"}) {
    INFO(family);
    CHECK(Contains(text, std::string("# TYPE ") + family + "\n"));
  }
}
