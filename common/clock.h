// Clock: the only way code below node/ learns the time. The node passes a SystemClock
// (node/system_clock.h); tests pass a FakeClock (tests/support). Implementations must be
// safe to call from any thread.
#pragma once

#include <cstdint>

namespace covalue {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch (wall clock; used for block times).
  virtual int64_t NowMillis() const = 0;
};

}  // namespace covalue
