// T1 campaigns with honest validators: n = 4 and n = 7 under drops, duplicates, delays,
// partitions and crashes (planned, and between two of a Step's actions). Each test case is
// one campaign (tests/sim/README.md); fresh seeds are printed, a failure prints its seed.
#include <catch2/catch.hpp>

#include "tests/sim/sim_campaign.h"

namespace covalue::sim {
namespace {

const std::string kRerun = "build/tests/sim/sim_test";

TEST_CASE("sim: honest n=4 without faults commits every transaction", "[sim]") {
  SimOptions options;
  options.faults = false;
  RunCampaign(options, FixedSeeds(1, 20), kRerun + " \"sim: honest n=4 without faults*\"");
}

TEST_CASE("sim: honest n=4 with faults - fixed seeds", "[sim]") {
  SimOptions options;
  RunCampaign(options, FixedSeeds(1000, 300), kRerun + " \"sim: honest n=4 with faults - fixed seeds\"");
}

TEST_CASE("sim: honest n=4 with faults - fresh seeds", "[sim]") {
  SimOptions options;
  RunCampaign(options, FreshSeeds(300), kRerun + " \"sim: honest n=4 with faults - fresh seeds\"");
}

TEST_CASE("sim: honest n=7 with faults - fixed seeds", "[sim]") {
  SimOptions options;
  options.validators = 7;
  RunCampaign(options, FixedSeeds(7000, 40), kRerun + " \"sim: honest n=7 with faults - fixed seeds\"");
}

TEST_CASE("sim: honest n=7 with faults - fresh seeds", "[sim]") {
  SimOptions options;
  options.validators = 7;
  RunCampaign(options, FreshSeeds(40), kRerun + " \"sim: honest n=7 with faults - fresh seeds\"");
}

TEST_CASE("sim: a run is a pure function of its seed", "[sim]") {
  SimOptions options;
  options.seed = 4242;
  SimReport first = RunSimulation(options);
  SimReport second = RunSimulation(options);
  CHECK(first.events == second.events);
  CHECK(first.end_ms == second.end_ms);
  CHECK(first.max_height == second.max_height);
  CHECK(first.trace == second.trace);
}

}  // namespace
}  // namespace covalue::sim
