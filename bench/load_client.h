// LoadClient: submits prepared POST /v1/tx requests to the validators' APIs over keep-alive
// HTTP/1.1 connections (Boost.Beast, asynchronous, on the calling thread), several
// connections per node so that many requests are in flight. Either as fast as the
// connections allow (max rate) or each at its due time (paced: an open loop — a request that
// finds no free connection waits, and its latency still counts from its due time, so a
// stalled system cannot hide its queue). A 503 mempool_full answer is retried after a pause;
// a dropped connection is reopened and its request sent again (a repeat is harmless:
// submitting a pending transaction again gets the same answer). One Run at a time; the
// object is not thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace covalue::bench {

using SteadyClock = std::chrono::steady_clock;

struct ApiEndpoint {
  std::string host;
  uint16_t port = 0;
};

// One transaction to submit, and what became of it.
struct Submission {
  std::string request;          // the whole HTTP request, prepared before the window
  size_t node = 0;              // index into the endpoints
  SteadyClock::duration due{};  // paced: when to send it, from the start of the run
  // Filled in by Run:
  SteadyClock::time_point due_at{};  // the start of the run + due (max rate: the first send)
  SteadyClock::time_point sent{};    // the first time it was written
  SteadyClock::time_point answered{};
  int status = 0;       // the final HTTP status (0: never answered)
  std::string refusal;  // the code of a refusal (an answer other than 200/202)
};

struct LoadRunStats {
  SteadyClock::time_point start{};  // connections open; the window starts
  uint64_t mempool_full_retries = 0;
  uint64_t reconnects = 0;
};

// "POST /v1/tx HTTP/1.1 …" with the body {"tx": "<hex>"}.
std::string TxRequest(const ApiEndpoint& endpoint, const std::string& tx_hex);

class LoadClient {
 public:
  LoadClient(std::vector<ApiEndpoint> endpoints, size_t connections_per_node);

  // Opens the connections, then sends every submission (in order; paced: at its due time)
  // and returns when each has a final answer. Fails if a node cannot be connected to.
  Result<LoadRunStats> Run(std::vector<Submission>& submissions, bool paced);

 private:
  std::vector<ApiEndpoint> m_endpoints;
  size_t m_connections_per_node;
};

}  // namespace covalue::bench
