// Campaigns of seeded simulation runs for Catch2 test cases: which seeds to run (a fixed
// list, fresh random seeds that are printed, or what COVALUE_SIM_SEED / COVALUE_SIM_SEEDS
// ask for), running them with a failure message that names the seed and how to rerun it,
// and the bounded seed search the checker self-tests use. Single-threaded.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "tests/sim/simulation.h"

namespace covalue::sim {

// The seeds of one campaign:
//   COVALUE_SIM_SEED=S   only S (rerun a failure);
//   COVALUE_SIM_SEEDS=N  N fresh random seeds for a fresh campaign, none for a fixed one
//                        (the nightly campaign);
//   otherwise            fixed: first_fixed .. first_fixed+count-1; fresh: `count` seeds
//                        from std::random_device, each printed.
std::vector<uint64_t> FixedSeeds(uint64_t first, size_t count);
std::vector<uint64_t> FreshSeeds(size_t count);

// Runs `base` once per seed; a failing run FAILs the Catch test with DescribeFailure.
// `rerun` is the command (after COVALUE_SIM_SEED=...) that repeats one seed.
void RunCampaign(const SimOptions& base, const std::vector<uint64_t>& seeds,
                 const std::string& rerun);

// For the checker's self-tests: runs seeds first, first+1, ... (at most `max_seeds`) until
// a run's result satisfies `caught`; returns that report, or nullopt.
std::optional<SimReport> SearchForViolation(const SimOptions& base, uint64_t first,
                                            size_t max_seeds,
                                            const std::function<bool(const CheckResult&)>& caught);

}  // namespace covalue::sim
