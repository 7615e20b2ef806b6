// The operations endpoints through the real HTTP server: /healthz, /readyz (the readiness
// rule: connected to f+1 validators, not behind what more than f of them show, not isolated)
// and /metrics — with a stand-in readiness source, and on a real node whose metrics move as it
// commits and refuses transactions.
#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

#include "node/consensus_driver.h"
#include "node/ops_api.h"
#include "tests/support/http_test_server.h"
#include "tests/support/running_node.h"

using namespace covalue;
using covalue::testing::RunningNode;
using node::Readiness;

namespace {

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("readiness: connected to f+1 validators, at most one block behind, not isolated",
          "[ops]") {
  Readiness r{/*height=*/10, /*peers_height=*/11, /*validator_peers=*/2, /*needed=*/2, false};
  CHECK(node::NotReadyReasons(r).empty());
  r.peers_height = 12;
  REQUIRE(node::NotReadyReasons(r).size() == 1);
  CHECK(node::NotReadyReasons(r)[0] == "behind: height 10, validators at 12");
  r.validator_peers = 1;
  r.isolated = true;
  CHECK(node::NotReadyReasons(r).size() == 3);
  CHECK(node::NotReadyReasons(Readiness{}).empty());  // a single validator needs no peer
}

TEST_CASE("the height peers show is what more than f validators reached", "[ops]") {
  // n = 4, f = 1: the second highest claim, minus one (a message for h shows h-1 committed).
  CHECK(node::PeersCommittedHeight({0, 0, 0, 0}, 1) == 0);
  CHECK(node::PeersCommittedHeight({0, 900, 0, 0}, 1) == 0);  // one (possibly faulty) voice
  CHECK(node::PeersCommittedHeight({0, 900, 13, 12}, 1) == 12);
  CHECK(node::PeersCommittedHeight({13, 13, 13, 13}, 1) == 12);
  CHECK(node::PeersCommittedHeight({5}, 0) == 4);
  CHECK(node::PeersCommittedHeight({}, 0) == 0);
}

TEST_CASE("/healthz, /readyz and /metrics through the HTTP server", "[ops]") {
  node::NodeMetrics metrics;
  Readiness current{3, 3, 1, 2, false};
  api::Router router;
  node::AddOpsRoutes(router, metrics, [&current] { return current; });
  metrics.height.Set(3);
  testing::TestServer server(std::move(router));

  auto health = server.Call("GET", "/healthz");
  REQUIRE(health.ok());
  CHECK(health->status == 200);
  CHECK(RunningNode::Json(*health)["status"] == "ok");

  auto unready = server.Call("GET", "/readyz");
  REQUIRE(unready.ok());
  CHECK(unready->status == 503);
  auto body = RunningNode::Json(*unready);
  CHECK(body["ready"] == false);
  CHECK(body["code"] == "unavailable");
  CHECK(body["reasons"][0] == "connected to 1 validators, needs 2");
  CHECK(body["validator_peers_needed"] == 2);

  current.validator_peers = 3;
  auto ready = server.Call("GET", "/readyz");
  REQUIRE(ready.ok());
  CHECK(ready->status == 200);
  CHECK(RunningNode::Json(*ready)["ready"] == true);
  CHECK(RunningNode::Json(*ready)["reasons"].empty());

  auto scrape = server.Call("GET", "/metrics");
  REQUIRE(scrape.ok());
  CHECK(scrape->status == 200);
  CHECK(scrape->content_type == "text/plain; version=0.0.4; charset=utf-8");
  CHECK(Contains(scrape->body, "\ncovalue_height 3\n"));
}

TEST_CASE("a node's metrics follow its commits, refusals and requests", "[ops]") {
  RunningNode n;
  CHECK(n.Call("GET", "/readyz").status == 200);  // one validator: no peer needed
  auto tx = testing::DatasetRegisterTx(testing::KeyFromLabel("maker"), "telemetry", 50);
  REQUIRE(n.Submit(tx).status == 200);
  CHECK(n.Submit(tx).status == 409);  // replay: refused at admission
  // The engine moves on to height 2 just after the commit is acknowledged: scrape until it
  // has (bounded, so a node that never moves on fails).
  api::HttpResponse scrape;
  for (int attempt = 0; attempt < 500; ++attempt) {
    scrape = n.Call("GET", "/metrics");
    if (Contains(scrape.body, "\ncovalue_consensus_height 2\n")) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  REQUIRE(scrape.status == 200);
  const std::string& text = scrape.body;
  INFO(text);
  CHECK(Contains(text, "\ncovalue_height 1\n"));
  CHECK(Contains(text, "\ncovalue_consensus_height 2\n"));
  CHECK(Contains(text, "\ncovalue_commits_total 1\n"));
  CHECK(Contains(text, "\ncovalue_txs_committed_total 1\n"));
  CHECK(Contains(text, "\ncovalue_mempool_txs 0\n"));
  CHECK(Contains(text, "\ncovalue_ready 1\n"));
  CHECK(Contains(text, "\ncovalue_commit_latency_seconds_count 1\n"));
  CHECK(Contains(text, "covalue_tx_rejections_total{stage=\"admission\",reason=\"replay\"} 1\n"));
  CHECK(Contains(
      text, "covalue_api_requests_total{method=\"POST\",route=\"/v1/tx\",status=\"200\"} 1\n"));
  CHECK(Contains(
      text, "covalue_api_requests_total{method=\"POST\",route=\"/v1/tx\",status=\"409\"} 1\n"));
  CHECK(Contains(
      text, "covalue_api_requests_total{method=\"GET\",route=\"/readyz\",status=\"200\"} 1\n"));
  CHECK(Contains(text, "covalue_api_request_seconds_count{route=\"/v1/tx\"} 2\n"));
  // An unknown path is counted under one label, whatever was asked.
  CHECK(n.Call("GET", "/no/such/thing").status == 404);
  CHECK(Contains(
      n.Call("GET", "/metrics").body,
      "covalue_api_requests_total{method=\"GET\",route=\"unmatched\",status=\"404\"} 1\n"));
  // So is a made-up method: each would otherwise add a series that is never removed.
  CHECK(n.Call("ZZ116430", "/no/such/thing").status == 404);
  CHECK(n.Call("ZZ116431", "/v1/status").status == 405);
  std::string after = n.Call("GET", "/metrics").body;
  CHECK(!Contains(after, "ZZ1164"));
  CHECK(Contains(after,
                 "covalue_api_requests_total{method=\"other\",route=\"unmatched\",status=\"404\"} 1\n"));
}
