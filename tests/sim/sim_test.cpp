// T1 campaigns with honest validators: n = 4 and n = 7 under drops, duplicates, delays,
// partitions and crashes (also between two actions). See tests/sim/README.md.
#include <catch2/catch.hpp>

#include "tests/sim/sim_campaign.h"

namespace covalue::sim {
namespace {

const std::string kRerun = "build/tests/sim/sim_test";

TEST_CASE("sim: honest n=4 without faults commits every transaction", "[sim]") {
  SimOptions options;
  options.faults = false;
  RunCampaign(options, FixedSeeds(1, 10), kRerun + " \"sim: honest n=4 without faults*\"");
}

TEST_CASE("sim: honest n=4 with faults - fixed seeds", "[sim]") {
  SimOptions options;
  RunCampaign(options, FixedSeeds(1000, 300), kRerun + " \"sim: honest n=4 with faults - fixed seeds\"");
}

}  // namespace
}  // namespace covalue::sim
