// Small helpers shared by the benchmark programs: percentiles of samples, what machine the
// figures come from (CPU model, cores, RAM, load average), and failing loudly — a benchmark
// that cannot measure stops with a message naming the program, it never prints a made-up
// figure. Pure functions besides reading /proc; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"

namespace covalue::bench {

// The p-quantile (0 ≤ p ≤ 1) of `samples` by the nearest-rank rule; 0 for no samples.
double Percentile(std::vector<double> samples, double p);

struct MachineDescription {
  std::string cpu_model;  // "Intel(R) Xeon(R) Processor" (/proc/cpuinfo)
  unsigned cores = 0;     // the CPUs this process may use, as nproc counts them
  double ram_gib = 0;     // MemTotal
};
MachineDescription DescribeMachine();

// The 1, 5 and 15 minute load averages, "4.10 3.90 2.00": other work on the machine.
std::string LoadAverage();

// The machine's CPU time so far, all cores together (/proc/stat), in clock ticks: what was
// busy and the total. Two readings give the share of the machine that was busy between them.
struct CpuTicks {
  uint64_t busy = 0;
  uint64_t total = 0;
};
CpuTicks ReadCpuTicks();
double BusyShare(const CpuTicks& before, const CpuTicks& after);

// Prints "<program>: <what>" on stderr and exits with status 1.
[[noreturn]] void Fail(const std::string& what);

// The value of `result`, or Fail naming `what`.
template <class T>
T Check(Result<T> result, const std::string& what) {
  if (!result.ok()) Fail(what + ": " + result.status().ToString());
  return std::move(result).value();
}
inline void Check(const Status& status, const std::string& what) {
  if (!status.ok()) Fail(what + ": " + status.ToString());
}

}  // namespace covalue::bench
