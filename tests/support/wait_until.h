// WaitUntil (tests only): polls a condition until it holds or a deadline passes, for tests
// that watch another thread or process get somewhere (a peer connects, a block commits).
#pragma once

#include <chrono>
#include <thread>

namespace covalue::testing {

// True as soon as `condition()` is; false if it still is not after `deadline`. Polls every
// `every`.
template <typename Condition>
bool WaitUntil(Condition condition,
               std::chrono::milliseconds deadline = std::chrono::seconds(10),
               std::chrono::milliseconds every = std::chrono::milliseconds(5)) {
  auto until = std::chrono::steady_clock::now() + deadline;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(every);
  }
  return true;
}

}  // namespace covalue::testing
