#include "tests/sim/simulation.h"

#include <cstdlib>
#include <deque>
#include <map>
#include <memory>
#include <sstream>

#include "tests/sim/sim_node.h"
#include "tests/support/test_support.h"

namespace covalue::sim {
namespace {

constexpr uint64_t kMinHealMs = 2000;
constexpr uint64_t kMaxHealMs = 5000;
constexpr uint64_t kClientRetryMs = 1500;
constexpr uint64_t kLivenessProbeMs = 100;
// After the heal, every honest node must commit this many blocks beyond the highest height
// committed before it, and every submitted transaction, within kLivenessRounds rounds per
// new height (at the timeouts of the rounds the nodes had reached).
constexpr uint64_t kLivenessHeights = 2;
constexpr uint32_t kLivenessRounds = 6;
constexpr size_t kTraceLines = 60;
constexpr uint64_t kMaxEvents = 5'000'000;
constexpr uint64_t kTxExpiryHeight = 900;
const std::string kChainId = "covalue-sim";

ledger::Genesis SimGenesis(size_t validators) {
  using testing::KeyFromLabel;
  ledger::Genesis g;
  g.chain_id = kChainId;
  g.genesis_time_ms = 1'600'000'000'000;
  g.members = {{"analytics", ledger::kRoleMember, {KeyFromLabel("analytics").public_key()}},
               {"maker", ledger::kRoleMember, {KeyFromLabel("maker").public_key()}}};
  for (size_t i = 0; i < validators; ++i) {
    std::string name = "v" + std::to_string(i);
    g.validators.push_back({name, KeyFromLabel(name).public_key()});
  }
  return g;
}

std::string SetText(const std::set<int>& s) {
  std::string out = "{";
  for (int a : s) out += (out.size() > 1 ? "," : "") + std::to_string(a);
  return out + "}";
}

// The time one round takes at most when every step times out.
uint64_t RoundTimeMs(const consensus::EngineConfig& c, uint32_t round) {
  return c.propose_timeout_ms + c.prevote_timeout_ms + c.precommit_timeout_ms +
         3 * static_cast<uint64_t>(round) * c.timeout_increase_ms;
}

}  // namespace

std::string_view ScenarioName(Scenario scenario) {
  switch (scenario) {
    case Scenario::kHonest: return "honest";
    case Scenario::kTwin: return "twin";
    case Scenario::kTwoTwins: return "two-twins";
    case Scenario::kEquivocator: return "equivocator";
    case Scenario::kForgetsLock: return "forgets-lock";
  }
  return "?";
}

SimReport RunSimulation(const SimOptions& o) {
  SimReport report;
  report.options = o;
  const size_t n = o.validators;
  const ledger::Genesis genesis = SimGenesis(n);
  const consensus::ValidatorSet validators = consensus::ValidatorSet::Create(genesis.validators).value();
  std::vector<crypto::KeyPair> keys;
  for (size_t i = 0; i < n; ++i) keys.push_back(testing::KeyFromLabel("v" + std::to_string(i)));
  const crypto::KeyPair maker = testing::KeyFromLabel("maker");

  SimRng rng(o.seed);
  std::ostringstream plan;
  plan << ScenarioName(o.scenario) << " n=" << n;

  // Who runs which key.
  std::vector<uint32_t> node_keys;
  for (uint32_t i = 0; i < n; ++i) node_keys.push_back(i);
  std::set<uint32_t> byzantine;
  std::vector<NodeRole> roles(n, NodeRole::kHonest);
  uint32_t bad = static_cast<uint32_t>(rng.Between(0, n - 1));
  switch (o.scenario) {
    case Scenario::kHonest: break;
    case Scenario::kTwoTwins: {
      uint32_t second = static_cast<uint32_t>((bad + 1 + rng.Between(0, n - 2)) % n);
      node_keys.push_back(second);
      byzantine.insert(second);
      roles[second] = NodeRole::kTwin;
      roles.push_back(NodeRole::kTwin);
      [[fallthrough]];
    }
    case Scenario::kTwin:
      node_keys.push_back(bad);
      roles[bad] = NodeRole::kTwin;
      roles.push_back(NodeRole::kTwin);
      byzantine.insert(bad);
      break;
    case Scenario::kEquivocator:
      roles[bad] = NodeRole::kEquivocator;
      byzantine.insert(bad);
      break;
    case Scenario::kForgetsLock:
      roles[bad] = NodeRole::kForgetsLock;
      byzantine.insert(bad);
      break;
  }
  const int addresses = static_cast<int>(node_keys.size());
  if (!byzantine.empty()) {
    plan << " byzantine=";
    for (uint32_t k : byzantine) plan << "v" << k << " ";
  }

  // The faults of this seed.
  const uint64_t heal = rng.Between(kMinHealMs, kMaxHealMs);
  report.heal_ms = heal;
  NetworkFaults faults;
  faults.until_ms = heal;
  struct PlannedCrash { int node; uint64_t at; uint64_t down; };
  std::vector<PlannedCrash> crashes;
  MidActionCrashes mid;
  mid.until_ms = heal;
  mid.after_vote_broadcast = o.crash_after_vote_broadcast;
  mid.after_persist = o.crash_after_persist;
  mid.max_crashes = o.max_mid_action_crashes;
  auto cut = [&](uint64_t start, uint64_t end, const std::set<int>& from, const std::set<int>& to) {
    faults.partitions.push_back(PartitionWindow{start, end, from, to});
  };
  if (o.faults) {
    const double drops[] = {0, 0.02, 0.1, 0.3};
    const double dups[] = {0, 0.05, 0.2};
    const uint64_t delays[] = {10, 50, 150};
    faults.drop = drops[rng.Between(0, 3)];
    faults.duplicate = dups[rng.Between(0, 2)];
    faults.max_delay_ms = delays[rng.Between(0, 2)];
    faults.slow = rng.Chance(0.5) ? 0.05 : 0;
    plan << " heal=" << heal << "ms drop=" << faults.drop << " dup=" << faults.duplicate
         << " delay<=" << faults.max_delay_ms << "ms slow=" << faults.slow;
    for (uint64_t i = 0, count = rng.Between(0, 2); i < count; ++i) {
      uint64_t start = rng.Between(0, heal - 300);
      uint64_t end = std::min(heal, start + rng.Between(200, 2500));
      std::set<int> side, rest;
      for (int a = 0; a < addresses; ++a) (rng.Chance(0.5) ? side : rest).insert(a);
      if (side.empty() || rest.empty()) continue;
      bool symmetric = rng.Chance(0.5);
      cut(start, end, side, rest);
      if (symmetric) cut(start, end, rest, side);
      plan << " partition[" << start << "," << end << ")" << SetText(side)
           << (symmetric ? "<x>" : "-x>") << SetText(rest);
    }
    for (uint64_t i = 0, count = rng.Between(0, 2); i < count; ++i) {
      int node = static_cast<int>(rng.Between(0, static_cast<uint64_t>(addresses - 1)));
      uint64_t at = rng.Between(0, heal - 100);
      uint64_t down = std::min(rng.Between(50, 1500), heal - at);
      crashes.push_back({node, at, down});
      plan << " crash(node " << node << " at " << at << " for " << down << "ms)";
    }
    mid.after_persist = std::max(mid.after_persist, 0.02);
    mid.after_any_action = 0.002;
    mid.max_crashes = std::max(mid.max_crashes, 1);
  } else {
    plan << " heal=" << heal << "ms no random faults";
  }
  if (o.scenario == Scenario::kForgetsLock) {
    int node = static_cast<int>(bad);
    for (int i = 0; i < 3; ++i) {
      uint64_t at = rng.Between(0, heal - 100);
      crashes.push_back({node, at, std::min(rng.Between(50, 600), heal - at)});
    }
    plan << " v" << bad << " forgets its lock on 3 restarts";
  }
  if (o.split_twins || o.split_halves) {
    std::set<int> a, b;
    bool next_a = true;
    std::set<uint32_t> placed;
    for (int addr = 0; addr < addresses; ++addr) {
      uint32_t key = node_keys[static_cast<size_t>(addr)];
      bool to_a;
      if (o.split_halves) {
        to_a = key < n / 2;
      } else if (byzantine.count(key)) {
        to_a = placed.insert(key).second;  // first copy on side A, second on side B
      } else {
        to_a = next_a;
        next_a = !next_a;
      }
      (to_a ? a : b).insert(addr);
    }
    cut(0, heal, a, b);
    cut(0, heal, b, a);
    plan << " split until heal " << SetText(a) << "<x>" << SetText(b);
  }
  report.plan = plan.str();

  // The world.
  SimScheduler scheduler;
  Checker checker(genesis, node_keys, byzantine);
  scheduler.set_on_event([&](uint64_t now) { checker.set_now(now); });
  SimNetwork network(scheduler, rng, faults, addresses);
  std::deque<std::string> trace;
  auto note = [&](const std::string& line) {
    trace.push_back("[t=" + std::to_string(scheduler.now()) + "] " + line);
    if (trace.size() > kTraceLines) trace.pop_front();
  };
  consensus::EngineConfig config;
  config.chain_id = kChainId;
  config.mutation = o.mutation;
  SimContext context{scheduler, rng, network, checker, genesis, validators, config, note,
                     std::getenv("COVALUE_SIM_VERBOSE") != nullptr};
  std::vector<std::unique_ptr<SimNode>> nodes;
  for (int a = 0; a < addresses; ++a) {
    uint32_t key = node_keys[static_cast<size_t>(a)];
    nodes.push_back(std::make_unique<SimNode>(context, a, key, keys[key], roles[static_cast<size_t>(a)], mid));
  }
  network.set_deliver([&](int to, int from, const Packet& p) { nodes[static_cast<size_t>(to)]->OnPacket(from, p); });
  for (auto& node : nodes) node->Boot();
  for (const PlannedCrash& c : crashes) {
    scheduler.At(c.at, [&nodes, c] { nodes[static_cast<size_t>(c.node)]->CrashAndRestart(c.down, "planned"); });
  }

  // The client: unique dataset.register transactions to random nodes before the heal,
  // retried (to a random node) until they commit, as a real client would.
  std::vector<ledger::Transaction> txs;
  for (uint64_t i = 0, count = rng.Between(4, 12); i < count; ++i) {
    txs.push_back(testing::DatasetRegisterTx(maker, "ds-" + std::to_string(o.seed) + "-" + std::to_string(i),
                                             kTxExpiryHeight, i + 1, kChainId));
  }
  report.txs_submitted = txs.size();
  auto random_node = [&] { return nodes[rng.Between(0, static_cast<uint64_t>(addresses - 1))].get(); };
  for (const ledger::Transaction& tx : txs) {
    scheduler.At(rng.Between(0, heal - 1), [&, tx] {
      checker.OnSubmitted(ledger::TxId(tx));
      random_node()->SubmitFromClient(tx);
    });
  }
  std::function<void()> retry = [&] {
    for (const ledger::Transaction& tx : txs) {
      Hash32 id = ledger::TxId(tx);
      if (checker.submitted().count(id) && !checker.IsCommitted(id)) random_node()->SubmitFromClient(tx);
    }
    scheduler.After(kClientRetryMs, retry);
  };
  scheduler.At(kClientRetryMs, retry);

  // Liveness: measured from the heal.
  bool done = false;
  uint64_t target = 0, deadline = 0;
  auto honest_live = [&] {
    for (int a = 0; a < addresses; ++a) {
      if (!checker.IsHonestNode(a)) continue;
      if (!nodes[static_cast<size_t>(a)]->up() || checker.CommittedHeight(a) < target) return false;
    }
    for (const ledger::Transaction& tx : txs) {
      if (!checker.IsCommitted(ledger::TxId(tx))) return false;
    }
    return true;
  };
  std::function<void()> probe = [&] {
    if (honest_live()) {
      done = true;
      return;
    }
    if (scheduler.now() < deadline) {
      scheduler.After(kLivenessProbeMs, probe);
      return;
    }
    for (int a = 0; a < addresses; ++a) {
      if (!checker.IsHonestNode(a) || (nodes[static_cast<size_t>(a)]->up() && checker.CommittedHeight(a) >= target)) continue;
      std::ostringstream d;
      d << "node " << a << " (v" << node_keys[static_cast<size_t>(a)] << ") stalled at committed height "
        << checker.CommittedHeight(a) << ", needed " << target << " by t=" << deadline << "ms ("
        << nodes[static_cast<size_t>(a)]->Describe() << ")";
      checker.Report("liveness", d.str());
    }
    size_t missing = 0;
    for (const ledger::Transaction& tx : txs) missing += checker.IsCommitted(ledger::TxId(tx)) ? 0 : 1;
    if (missing > 0) {
      checker.Report("liveness", std::to_string(missing) + " of " + std::to_string(txs.size()) +
                                     " submitted transactions never committed by t=" + std::to_string(deadline) + "ms");
    }
    done = true;
  };
  scheduler.At(heal, [&] {
    note("network heals");
    if (!o.check_liveness) {
      scheduler.After(3000, [&] { done = true; });
      return;
    }
    uint32_t round = 0;
    for (auto& node : nodes) {
      if (node->up()) round = std::max(round, node->engine()->round());
    }
    target = checker.MaxHonestHeight() + kLivenessHeights;
    for (uint32_t i = 0; i < kLivenessRounds * (kLivenessHeights + 1); ++i) deadline += RoundTimeMs(config, round + i);
    deadline += heal;
    note("liveness: every honest node must reach height " + std::to_string(target) + " by t=" + std::to_string(deadline));
    probe();
  });

  size_t violations_seen = 0;
  while (!done && scheduler.RunNext()) {
    const auto& found = checker.result().violations;
    for (; violations_seen < found.size(); ++violations_seen) note("VIOLATION " + found[violations_seen].kind + ": " + found[violations_seen].detail);
    if (o.stop_on_violation && !found.empty()) break;
    if (scheduler.events_run() > kMaxEvents) {
      checker.Report("liveness", "run exceeded " + std::to_string(kMaxEvents) + " events");
      break;
    }
  }
  report.result = checker.result();
  report.trace.assign(trace.begin(), trace.end());
  report.end_ms = scheduler.now();
  report.events = scheduler.events_run();
  report.max_height = checker.MaxHonestHeight();
  return report;
}

std::string DescribeFailure(const SimReport& report, const std::string& rerun) {
  std::ostringstream out;
  out << "SIMULATION FAILED: seed " << report.options.seed << "\n"
      << "  plan: " << report.plan << "\n"
      << "  mutation: " << static_cast<int>(report.options.mutation) << ", ran to t=" << report.end_ms
      << "ms, " << report.events << " events, honest height " << report.max_height << "\n"
      << "violations:\n" << report.result.Summary()
      << "trace (last " << report.trace.size() << " notable events):\n";
  for (const std::string& line : report.trace) out << "  " << line << "\n";
  out << "rerun: COVALUE_SIM_SEED=" << report.options.seed << " " << rerun << "\n";
  return out.str();
}

}  // namespace covalue::sim
