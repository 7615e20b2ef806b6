// SimNode: one simulated validator process — the REAL consensus::Engine, a REAL ChainStore
// on its own MemoryKvStore, a mempool, and the host logic a node carries out for the
// engine's actions (build and replay blocks with node/block_builder, commit with the
// certificate, persist the safety state, send through the SimNetwork, schedule timeouts
// on the SimScheduler, fetch decided blocks for sync). It can crash — between any two
// actions, too — and restart from what was durable: the last persisted SafetyState and
// the store after MemoryKvStore::DropUnsynced. Byzantine roles (a twin is just a second
// honest-behaving node with the same key; an equivocating proposer; a node that forgets
// its lock) live here too, as host behaviour: the engine is never changed.
// Owns its engine, store and kv; borrows the SimContext, which must outlive it.
// Single-threaded.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "consensus/engine.h"
#include "ledger/genesis.h"
#include "node/chain_store.h"
#include "node/storage/memory_kv_store.h"
#include "tests/sim/checker.h"
#include "tests/sim/sim_network.h"

namespace covalue::sim {

// What every node of a run shares.
struct SimContext {
  SimScheduler& scheduler;
  SimRng& rng;
  SimNetwork& network;
  Checker& checker;
  const ledger::Genesis& genesis;
  const consensus::ValidatorSet& validators;
  consensus::EngineConfig engine_config;
  std::function<void(const std::string&)> trace;
  // COVALUE_SIM_VERBOSE=1: every event and action of every node goes to stderr.
  bool verbose = false;
};

enum class NodeRole {
  kHonest,
  kTwin,          // shares its key with another node; otherwise honest code
  kEquivocator,   // as proposer, sends one block to half the network and another to the rest
  kForgetsLock,   // restarts with a fresh SafetyState (height, round and lock forgotten)
};

// When the node crashes in the middle of carrying out a Step's actions.
struct MidActionCrashes {
  double after_persist = 0;          // right after PersistSafetyState, before what follows
  double after_vote_broadcast = 0;   // right after a vote left, before what follows
  double after_any_action = 0;       // after any action that has another after it
  int max_crashes = 0;
  uint64_t until_ms = 0;             // only before this time (the network heals then)
  uint64_t min_down_ms = 50;
  uint64_t max_down_ms = 800;
};

class SimNode {
 public:
  SimNode(SimContext& context, int address, uint32_t key_index, const crypto::KeyPair& key,
          NodeRole role, MidActionCrashes crashes);
  SimNode(const SimNode&) = delete;
  SimNode& operator=(const SimNode&) = delete;

  // Boots (first start or restart): opens the store, builds the engine, runs Start().
  void Boot();
  // Loses everything not durable: engine, mempool, un-synced writes; pending callbacks of
  // this incarnation are ignored from now on.
  void Crash(const std::string& why);
  // Crashes now and boots again after `down_ms`.
  void CrashAndRestart(uint64_t down_ms, const std::string& why);

  void OnPacket(int from, const Packet& packet);
  // A client hands a transaction to this node, which gossips it to every other node.
  void SubmitFromClient(const ledger::Transaction& tx);

  bool up() const { return m_up; }
  int address() const { return m_address; }
  uint32_t key_index() const { return m_key_index; }
  NodeRole role() const { return m_role; }
  uint64_t head_height() const;
  // "h=5 r=2 step=1" or "down".
  std::string Describe() const;
  const consensus::Engine* engine() const { return m_engine.get(); }

 private:
  // Carries out `actions` in order; may crash between two of them (MidActionCrashes).
  void Run(std::vector<consensus::Action> actions);
  void Carry(const consensus::Action& action);
  void StepEngine(const consensus::Event& event);
  // Schedules `fn` after `delay_ms` if this incarnation is still up then.
  void Later(uint64_t delay_ms, std::function<void()> fn);

  void OnBroadcast(const consensus::Message& message);
  void OnRequestValue(uint64_t height, uint32_t round);
  void OnValidateValue(const consensus::ValidateValue& validate);
  void OnCommit(const consensus::Commit& commit);
  void OnSyncResponse(const std::vector<ledger::Block>& blocks);
  // Equivocator: sends `proposal` to one half of the nodes and a conflicting one to the rest.
  void Equivocate(const consensus::Proposal& proposal);
  bool MaybeCrashMidActions(const consensus::Action& done, bool more_follow);

  SimContext& m_context;
  const int m_address;
  const uint32_t m_key_index;
  const crypto::KeyPair& m_key;
  const NodeRole m_role;
  MidActionCrashes m_crashes;
  int m_crash_count = 0;

  // Durable across crashes.
  std::unique_ptr<storage::MemoryKvStore> m_kv;
  consensus::SafetyState m_persisted;
  // Volatile: lost on a crash.
  bool m_up = false;
  uint64_t m_incarnation = 0;
  std::unique_ptr<node::ChainStore> m_store;
  std::unique_ptr<consensus::Engine> m_engine;
  std::vector<ledger::Transaction> m_mempool;
  std::set<Hash32> m_mempool_ids;
  // Equivocator: the second proposal per (height, round) and who gets it.
  struct Twin { consensus::Proposal proposal; std::set<int> receivers; };
  std::map<std::pair<uint64_t, uint32_t>, Twin> m_equivocations;
};

}  // namespace covalue::sim
