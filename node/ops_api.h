// The operations endpoints (docs/api.md §Operations, docs/operations.md): GET /metrics
// (Prometheus text), GET /healthz (the process serves requests) and GET /readyz (synced and
// connected), and the guard every API request passes: it measures the request into the
// node's metrics, logs it, and enforces tokens, roles and rate limits (node/api/auth.h).
// Functions of their arguments; the routes and the guard they return are thread-safe when the
// metrics, the authenticator and the readiness source are (the node's are).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "node/api/auth.h"
#include "node/api/router.h"
#include "node/metrics.h"

namespace covalue::node {

// What /readyz judges, as the node sees it at the moment of the request.
struct Readiness {
  uint64_t height = 0;         // the last block committed here
  uint64_t peers_height = 0;   // the highest committed height more than f validators have shown
  size_t validator_peers = 0;  // links up to validators (this node not counted)
  size_t validator_peers_needed = 0;  // f + 1, or every other validator when there are fewer
  bool isolated = false;              // the SIGUSR1 fault switch
};

// A node is behind when more than f validators show a committed height more than this many
// blocks above its own: one block is the normal lag of a node that has not yet received the
// last decision.
inline constexpr uint64_t kReadyMaxLagBlocks = 1;

// Empty when ready; else every reason why not ("behind: height 12, validators at 40").
std::vector<std::string> NotReadyReasons(const Readiness& readiness);

// GET /metrics, GET /healthz, GET /readyz. `readiness` is called once per /readyz request.
void AddOpsRoutes(api::Router& router, NodeMetrics& metrics, std::function<Readiness()> readiness);

// The guard the node installs on its router: every answer is counted in
// covalue_api_requests_total and timed in covalue_api_request_seconds (by route pattern) and
// logged at debug level (warn for 5xx); then `auth` decides (401/403/429 answer here, and a
// 429 counts in covalue_api_rate_limited_total).
api::Guard ApiGuard(std::shared_ptr<const api::Authenticator> auth, NodeMetrics& metrics);

}  // namespace covalue::node
