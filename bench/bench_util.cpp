#include "bench/bench_util.h"

#include <errno.h>  // program_invocation_short_name
#include <sched.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>

namespace covalue::bench {
namespace {

// The value of the first "key: value" line of `path` that starts with `key`, or "".
std::string FirstLine(const char* path, const char* key) {
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(key, 0) != 0) continue;
    std::string value = line.substr(line.find(':') + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    return value;
  }
  return "";
}

}  // namespace

double Percentile(std::vector<double> samples, double p) {
  if (samples.empty()) return 0;
  std::sort(samples.begin(), samples.end());
  size_t rank = static_cast<size_t>(p * static_cast<double>(samples.size()));
  return samples[std::min(samples.size() - 1, rank)];
}

MachineDescription DescribeMachine() {
  MachineDescription machine;
  machine.cpu_model = FirstLine("/proc/cpuinfo", "model name");
  cpu_set_t cpus;  // as nproc counts: the CPUs this process may run on
  CPU_ZERO(&cpus);
  machine.cores =
      ::sched_getaffinity(0, sizeof cpus, &cpus) == 0 ? static_cast<unsigned>(CPU_COUNT(&cpus)) : 1;
  machine.ram_gib = std::atof(FirstLine("/proc/meminfo", "MemTotal").c_str()) / (1024.0 * 1024.0);
  return machine;
}

std::string LoadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string one, five, fifteen;
  in >> one >> five >> fifteen;
  return one + " " + five + " " + fifteen;
}

CpuTicks ReadCpuTicks() {
  std::ifstream in("/proc/stat");
  std::string cpu;
  in >> cpu;  // "cpu": the sum over all cores
  CpuTicks ticks;
  for (int field = 0; field < 8; ++field) {  // user nice system idle iowait irq softirq steal
    uint64_t value = 0;
    in >> value;
    ticks.total += value;
    if (field != 3 && field != 4) ticks.busy += value;
  }
  return ticks;
}

double BusyShare(const CpuTicks& before, const CpuTicks& after) {
  if (after.total <= before.total) return 0;
  return static_cast<double>(after.busy - before.busy) /
         static_cast<double>(after.total - before.total);
}

void Fail(const std::string& what) {
  std::fprintf(stderr, "%s: %s\n", program_invocation_short_name, what.c_str());
  std::exit(1);
}

}  // namespace covalue::bench
