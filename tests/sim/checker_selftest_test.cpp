// The checker is itself checked (TESTING.md T1): runs that MUST break safety — more than f
// Byzantine validators, or an engine deliberately broken with an EngineMutation — are
// searched over a bounded, deterministic range of seeds, and each test asserts that the
// checker REPORTS the violation (the engine fails, not the test). Controls show that the
// same scenarios with the real engine are not reported, and direct feeds show each
// invariant's report.
#include <catch2/catch.hpp>

#include "tests/sim/sim_campaign.h"
#include "tests/support/test_support.h"

namespace covalue::sim {
namespace {

using consensus::EngineMutation;

bool SafetyBroken(const CheckResult& r) { return r.Has("fork") || r.Has("double_sign"); }

SimOptions SafetyOnly(Scenario scenario) {
  SimOptions options;
  options.scenario = scenario;
  options.check_liveness = false;
  options.stop_on_violation = false;  // see everything a broken run leads to
  return options;
}

void ExpectCaught(const SimOptions& options, uint64_t first, size_t max_seeds,
                  const std::function<bool(const CheckResult&)>& caught) {
  auto report = SearchForViolation(options, first, max_seeds, caught);
  INFO("no seed in [" << first << ", " << first + max_seeds << ") was caught");
  REQUIRE(report.has_value());
}

TEST_CASE("checker: two twins (more than f) are reported as a fork or a double sign", "[sim]") {
  SimOptions options = SafetyOnly(Scenario::kTwoTwins);
  options.split_twins = true;
  ExpectCaught(options, 1, 50, SafetyBroken);
}

TEST_CASE("checker: two twins without the Twins partition are caught too", "[sim]") {
  ExpectCaught(SafetyOnly(Scenario::kTwoTwins), 100, 400, SafetyBroken);
}

TEST_CASE("checker: an engine that skips the lock check is caught", "[sim]") {
  SimOptions options = SafetyOnly(Scenario::kTwin);
  options.mutation = EngineMutation::kSkipLockCheck;
  ExpectCaught(options, 1, 600, [](const CheckResult& r) { return r.Has("fork"); });
}

TEST_CASE("checker: an engine that takes 2f votes as a quorum is caught", "[sim]") {
  SimOptions options = SafetyOnly(Scenario::kHonest);
  options.mutation = EngineMutation::kWeakQuorum;
  options.split_halves = true;
  ExpectCaught(options, 1, 50, [](const CheckResult& r) { return r.Has("fork"); });
}

TEST_CASE("checker: an engine that votes before persisting is caught after a crash", "[sim]") {
  SimOptions options = SafetyOnly(Scenario::kHonest);
  options.mutation = EngineMutation::kNoPersistBeforeVote;
  options.crash_after_vote_broadcast = 0.2;
  options.max_mid_action_crashes = 3;
  ExpectCaught(options, 1, 300, [](const CheckResult& r) { return r.Has("double_sign"); });
}

TEST_CASE("checker: controls - the real engine is not reported in the same scenarios", "[sim]") {
  SimOptions crashy = SafetyOnly(Scenario::kHonest);
  crashy.crash_after_vote_broadcast = 0.2;
  crashy.max_mid_action_crashes = 3;
  SimOptions twin = SafetyOnly(Scenario::kTwin);
  SimOptions halves = SafetyOnly(Scenario::kHonest);
  halves.split_halves = true;
  for (const SimOptions& base : {crashy, twin, halves}) {
    for (uint64_t seed = 1; seed <= 30; ++seed) {
      SimOptions options = base;
      options.seed = seed;
      SimReport report = RunSimulation(options);
      INFO(DescribeFailure(report, "build/tests/sim/checker_selftest_test \"checker: controls*\""));
      CHECK(report.ok());
    }
  }
}

// --- Direct feeds: each invariant's report, without running an engine ---

struct Feed {
  ledger::Genesis genesis;
  Checker checker;
  explicit Feed(std::set<uint32_t> byzantine = {})
      : genesis(MakeGenesis()), checker(genesis, {0, 1, 2, 3}, std::move(byzantine)) {}
  static ledger::Genesis MakeGenesis() {
    ledger::Genesis g = testing::TestGenesis();
    g.validators.clear();
    for (int i = 0; i < 4; ++i) {
      g.validators.push_back({"v" + std::to_string(i), testing::KeyFromLabel("v" + std::to_string(i)).public_key()});
    }
    return g;
  }
  static ledger::Block BlockAt(uint64_t height, int64_t time) {
    ledger::Block b;
    b.header.chain_id = "covalue-test";
    b.header.height = height;
    b.header.time_ms = time;
    return b;
  }
};

TEST_CASE("checker: direct feeds - each invariant is reported", "[sim]") {
  SECTION("two honest nodes committing different blocks at one height is a fork") {
    Feed f;
    f.checker.OnCommit(0, Feed::BlockAt(1, 10), Hash32{});
    f.checker.OnCommit(1, Feed::BlockAt(1, 11), Hash32{});
    CHECK(f.checker.result().Has("fork"));
    CHECK(f.checker.result().Has("bad_certificate"));  // no signatures at all
  }
  SECTION("a Byzantine node's different block is not an honest fork") {
    Feed f({1});
    f.checker.OnCommit(0, Feed::BlockAt(1, 10), Hash32{});
    f.checker.OnCommit(1, Feed::BlockAt(1, 11), Hash32{});
    CHECK_FALSE(f.checker.result().Has("fork"));
  }
  SECTION("an honest key signing two prevotes in one round is a double sign") {
    Feed f;
    consensus::Vote a{consensus::VoteType::kPrevote, 3, 1, Hash32{1}, 2, {}};
    consensus::Vote b = a;
    b.value_id = consensus::kNilId;
    f.checker.OnSigned(2, a);
    f.checker.OnSigned(2, a);  // the same vote again is fine
    CHECK(f.checker.result().ok());
    f.checker.OnSigned(2, b);
    CHECK(f.checker.result().Has("double_sign"));
  }
  SECTION("different state roots at one height, a height gap, a restart behind") {
    Feed f;
    f.checker.OnCommit(0, Feed::BlockAt(1, 10), Hash32{1});
    f.checker.OnCommit(1, Feed::BlockAt(1, 10), Hash32{2});
    CHECK(f.checker.result().Has("state_root"));
    f.checker.OnCommit(0, Feed::BlockAt(3, 12), Hash32{1});
    CHECK(f.checker.result().Has("height_backwards"));
    f.checker.OnRestart(1, 0);
    CHECK(f.checker.result().violations.back().kind == "height_backwards");
  }
  SECTION("a transaction committed twice, or never submitted") {
    Feed f;
    ledger::Transaction tx = testing::DatasetRegisterTx(testing::KeyFromLabel("maker"), "d", 100);
    ledger::Block one = Feed::BlockAt(1, 10);
    one.txs.push_back(tx);
    f.checker.OnCommit(0, one, Hash32{});
    CHECK(f.checker.result().Has("unknown_tx"));
    ledger::Block two = Feed::BlockAt(2, 11);
    two.txs.push_back(tx);
    f.checker.OnCommit(0, two, Hash32{});
    CHECK(f.checker.result().Has("duplicate_tx"));
  }
}

}  // namespace
}  // namespace covalue::sim
