// CommitWatcher: learns when each transaction commits by following one node's committed
// events (GET /v1/events, server-sent events) on a thread of its own, and notes for every
// transaction id the moment its first event arrived. Push, not polling: the node sends a
// block's events as soon as it has committed it, so the time noted is what a client following
// the chain sees, without a polling interval added. A transaction whose result is a failure
// has no events and is never seen (the load generator then asks for it by id). Reconnects
// from the last event id if the stream drops. Thread-safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "bench/load_client.h"

namespace covalue::bench {

class CommitWatcher {
 public:
  // Follows `endpoint`'s events from the block after `from_height` on.
  CommitWatcher(ApiEndpoint endpoint, uint64_t from_height);
  ~CommitWatcher();
  CommitWatcher(const CommitWatcher&) = delete;
  CommitWatcher& operator=(const CommitWatcher&) = delete;

  // Adds transaction ids (64 hex) to wait for; call before submitting them.
  void Watch(const std::vector<std::string>& tx_ids);
  // Stops waiting for these ids (refused ones, or given up on).
  void Unwatch(const std::vector<std::string>& tx_ids);
  // Waits until every watched id has been seen, or `deadline`; true if all were.
  bool WaitAll(SteadyClock::time_point deadline);
  // Watched ids not seen yet.
  std::vector<std::string> Unseen() const;
  // When `tx_id`'s first event arrived, if it has.
  std::optional<SteadyClock::time_point> CommittedAt(const std::string& tx_id) const;
  // Events received, and the last error of the stream ("" if none).
  uint64_t events() const;
  std::string last_error() const;

 private:
  void Follow();
  void OnLine(std::string_view line, std::string* last_id);

  ApiEndpoint m_endpoint;
  mutable std::mutex m_mutex;
  std::condition_variable m_all_seen;
  std::unordered_map<std::string, SteadyClock::time_point> m_seen;
  std::unordered_set<std::string> m_unseen;
  uint64_t m_events = 0;
  std::string m_cursor;
  std::string m_error;
  bool m_stopping = false;
  int m_socket_fd = -1;  // the stream's socket, shut down to stop the thread
  std::thread m_thread;
};

}  // namespace covalue::bench
