// SystemClock: the real Clock, reading the operating system's wall clock. Thread-safe.
#pragma once

#include <chrono>

#include "common/clock.h"

namespace covalue::node {

class SystemClock final : public Clock {
 public:
  int64_t NowMillis() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

}  // namespace covalue::node
