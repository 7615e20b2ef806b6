// T1 campaigns with one Byzantine validator (f = 1 of n = 4; also a twin at n = 7) on top of
// the random faults: a twin (two nodes, one key: equivocation without attack code), an
// equivocating proposer, and a validator that forgets its lock across restarts. The honest
// nodes must stay safe and, once the network heals, live.
#include <catch2/catch.hpp>

#include "tests/sim/sim_campaign.h"

namespace covalue::sim {
namespace {

const std::string kRerun = "build/tests/sim/byzantine_test";

SimOptions With(Scenario scenario, size_t validators = 4) {
  SimOptions options;
  options.scenario = scenario;
  options.validators = validators;
  return options;
}

TEST_CASE("sim: one twin n=4 - fixed seeds", "[sim]") {
  RunCampaign(With(Scenario::kTwin), FixedSeeds(2000, 100), kRerun + " \"sim: one twin n=4 - fixed seeds\"");
}

TEST_CASE("sim: one twin n=4 - fresh seeds", "[sim]") {
  RunCampaign(With(Scenario::kTwin), FreshSeeds(60), kRerun + " \"sim: one twin n=4 - fresh seeds\"");
}

TEST_CASE("sim: one twin split by the Twins partition n=4", "[sim]") {
  SimOptions options = With(Scenario::kTwin);
  options.split_twins = true;
  RunCampaign(options, FixedSeeds(2500, 40), kRerun + " \"sim: one twin split by the Twins partition n=4\"");
}

TEST_CASE("sim: equivocating proposer n=4 - fixed seeds", "[sim]") {
  RunCampaign(With(Scenario::kEquivocator), FixedSeeds(3000, 80),
              kRerun + " \"sim: equivocating proposer n=4 - fixed seeds\"");
}

TEST_CASE("sim: equivocating proposer n=4 - fresh seeds", "[sim]") {
  RunCampaign(With(Scenario::kEquivocator), FreshSeeds(40),
              kRerun + " \"sim: equivocating proposer n=4 - fresh seeds\"");
}

TEST_CASE("sim: validator that forgets its lock n=4 - fixed seeds", "[sim]") {
  RunCampaign(With(Scenario::kForgetsLock), FixedSeeds(4000, 80),
              kRerun + " \"sim: validator that forgets its lock n=4 - fixed seeds\"");
}

TEST_CASE("sim: validator that forgets its lock n=4 - fresh seeds", "[sim]") {
  RunCampaign(With(Scenario::kForgetsLock), FreshSeeds(40),
              kRerun + " \"sim: validator that forgets its lock n=4 - fresh seeds\"");
}

TEST_CASE("sim: one twin n=7", "[sim]") {
  RunCampaign(With(Scenario::kTwin, 7), FixedSeeds(5000, 30), kRerun + " \"sim: one twin n=7\"");
}

}  // namespace
}  // namespace covalue::sim
