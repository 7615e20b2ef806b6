// Simulation: one seeded run of n simulated validators (SimNode) over a SimNetwork, with a
// client submitting transactions, faults drawn from the seed until the network heals at
// `heal_ms`, the Checker watching every step, and a liveness check after the heal.
// RunSimulation(options) is a pure function of its options: the same seed replays the
// same run, event for event. Nothing here is thread-safe; runs share no state.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "consensus/engine.h"
#include "tests/sim/checker.h"

namespace covalue::sim {

enum class Scenario {
  kHonest,       // every validator honest; faults only
  kTwin,         // one validator runs as two nodes with one key (f = 1 Byzantine)
  kTwoTwins,     // two validators twinned: more than f, for the checker's self-test
  kEquivocator,  // one validator proposes different blocks to different halves
  kForgetsLock,  // one validator crashes and restarts with a fresh SafetyState
};
std::string_view ScenarioName(Scenario scenario);

struct SimOptions {
  uint64_t seed = 1;
  size_t validators = 4;
  Scenario scenario = Scenario::kHonest;
  consensus::EngineMutation mutation = consensus::EngineMutation::kNone;
  // Random network faults and crashes drawn from the seed (before heal_ms).
  bool faults = true;
  // Twins method: until the heal, partition the nodes so that the two copies of each
  // twinned key sit on different sides (the honest nodes alternate between the sides).
  bool split_twins = false;
  // Until the heal, cut the network into two halves of the validators.
  bool split_halves = false;
  // Mid-action crashes (per Step's action list), on top of what `faults` draws.
  double crash_after_vote_broadcast = 0;
  double crash_after_persist = 0;
  int max_mid_action_crashes = 0;
  // After the heal, every honest node must commit more blocks and every submitted
  // transaction within a bounded number of rounds. Off for the runs meant to break safety.
  bool check_liveness = true;
  // End the run at the first violation (a failing run prints what broke first).
  bool stop_on_violation = true;
};

struct SimReport {
  SimOptions options;
  CheckResult result;
  std::string plan;                 // the faults the seed chose, one line
  std::vector<std::string> trace;   // the last notable events (crashes, commits, violations)
  uint64_t heal_ms = 0;
  uint64_t end_ms = 0;              // simulated time when the run stopped
  uint64_t events = 0;
  uint64_t max_height = 0;          // highest height an honest node committed
  uint64_t txs_submitted = 0;
  bool ok() const { return result.ok(); }
};

SimReport RunSimulation(const SimOptions& options);

// A failure report: the seed, the scenario, what broke, the trace, and how to rerun it.
std::string DescribeFailure(const SimReport& report, const std::string& test_name);

}  // namespace covalue::sim
