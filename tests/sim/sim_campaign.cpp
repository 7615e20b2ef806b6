#include "tests/sim/sim_campaign.h"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <random>

namespace covalue::sim {
namespace {

std::optional<uint64_t> EnvNumber(const char* name) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return std::nullopt;
  return std::strtoull(text, nullptr, 10);
}

}  // namespace

std::vector<uint64_t> FixedSeeds(uint64_t first, size_t count) {
  if (auto one = EnvNumber("COVALUE_SIM_SEED")) return {*one};
  if (EnvNumber("COVALUE_SIM_SEEDS")) return {};
  std::vector<uint64_t> seeds;
  for (size_t i = 0; i < count; ++i) seeds.push_back(first + i);
  return seeds;
}

std::vector<uint64_t> FreshSeeds(size_t count) {
  if (auto one = EnvNumber("COVALUE_SIM_SEED")) return {*one};
  if (auto many = EnvNumber("COVALUE_SIM_SEEDS")) count = static_cast<size_t>(*many);
  std::random_device device;
  std::vector<uint64_t> seeds;
  for (size_t i = 0; i < count; ++i) seeds.push_back((uint64_t{device()} << 32 | device()) >> 1);
  return seeds;
}

void RunCampaign(const SimOptions& base, const std::vector<uint64_t>& seeds, const std::string& rerun) {
  auto start = std::chrono::steady_clock::now();
  uint64_t heights = 0, events = 0, failures = 0;
  const uint64_t max_failures = EnvNumber("COVALUE_SIM_MAX_FAILURES").value_or(3);
  bool fresh = !seeds.empty() && seeds.front() > 1'000'000;
  if (fresh && seeds.size() <= 2000) {
    std::cout << "[sim] " << ScenarioName(base.scenario) << " n=" << base.validators << " fresh seeds:";
    for (uint64_t seed : seeds) std::cout << " " << seed;
    std::cout << "\n";
  }
  for (size_t i = 0; i < seeds.size(); ++i) {
    SimOptions options = base;
    options.seed = seeds[i];
    SimReport report = RunSimulation(options);
    heights += report.max_height;
    events += report.events;
    if (!report.ok()) {
      ++failures;
      FAIL_CHECK(DescribeFailure(report, rerun));
      if (failures >= max_failures) break;
    }
    if (seeds.size() > 2000 && (i + 1) % 1000 == 0) {
      std::cout << "[sim] " << (i + 1) << " of " << seeds.size() << " seeds, last " << seeds[i] << "\n";
    }
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "[sim] " << ScenarioName(base.scenario) << " n=" << base.validators << ": "
            << seeds.size() << " seeds, " << heights << " heights, " << events << " events in "
            << seconds << " s (" << (seconds > 0 ? static_cast<double>(seeds.size()) / seconds : 0)
            << " seeds/s), " << failures << " failed\n";
}

std::optional<SimReport> SearchForViolation(const SimOptions& base, uint64_t first, size_t max_seeds,
                                            const std::function<bool(const CheckResult&)>& caught) {
  for (uint64_t seed = first; seed < first + max_seeds; ++seed) {
    SimOptions options = base;
    options.seed = seed;
    SimReport report = RunSimulation(options);
    if (caught(report.result)) {
      std::cout << "[sim] self-test caught at seed " << seed << " (after " << (seed - first + 1)
                << " runs):\n" << report.result.Summary(3);
      return report;
    }
  }
  return std::nullopt;
}

}  // namespace covalue::sim
