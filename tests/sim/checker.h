// The simulator's safety checker (TESTING.md T1): it watches what every simulated node
// signs and commits and records each broken invariant as a Violation instead of failing a
// test, so the checker self-tests can assert that a broken engine IS caught. Invariants:
//   fork              two honest nodes commit different blocks at one height
//   double_sign       an honest key signs two different votes for one (height, round, type)
//   double_proposal   an honest key signs two different proposals for one (height, round)
//   height_backwards  a node's committed height goes back (also across a restart), or a
//                     commit does not extend the node's chain
//   bad_certificate   a committed block's certificate does not verify against the genesis
//   state_root        honest nodes at one height hold different state roots
//   duplicate_tx      a transaction commits twice in the chain
//   unknown_tx        a committed transaction was never submitted
//   commit_failed     the host could not apply a block the engine decided
//   liveness          (reported by the Simulation) a node stalled after the network healed
// "Honest" = a node whose validator key is not in the run's Byzantine set. The checker owns
// its records; it borrows nothing. Single-threaded, like the whole simulator.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "consensus/messages.h"
#include "ledger/block.h"
#include "ledger/genesis.h"

namespace covalue::sim {

struct Violation {
  std::string kind;  // one of the names above
  std::string detail;
  uint64_t time_ms = 0;
};

struct CheckResult {
  std::vector<Violation> violations;
  bool ok() const { return violations.empty(); }
  bool Has(std::string_view kind) const;
  // One line per violation (at most `limit`).
  std::string Summary(size_t limit = 8) const;
};

class Checker {
 public:
  // `node_keys[i]` is the validator index node i signs with; `byzantine_keys` the indexes
  // whose nodes are not held to the honest rules.
  Checker(const ledger::Genesis& genesis, std::vector<uint32_t> node_keys,
          std::set<uint32_t> byzantine_keys);

  void set_now(uint64_t now_ms) { m_now = now_ms; }
  bool IsHonestNode(int node) const;

  void OnSubmitted(const Hash32& tx_id) { m_submitted.insert(tx_id); }
  // A message the node's engine asked to broadcast (what it signed).
  void OnSigned(int node, const consensus::Message& message);
  // The node committed `block` (with its certificate); `state_root` is its store's root after.
  void OnCommit(int node, const ledger::Block& block, const Hash32& state_root);
  // The node restarted with a store whose head is at `head_height`.
  void OnRestart(int node, uint64_t head_height);
  void Report(std::string kind, std::string detail);

  // The height node `node` has committed to (0: none).
  uint64_t CommittedHeight(int node) const;
  // The highest height some honest node committed.
  uint64_t MaxHonestHeight() const;
  // Whether the honest chain holds `tx_id` (and at which height).
  bool IsCommitted(const Hash32& tx_id) const { return m_tx_height.count(tx_id) > 0; }
  const std::set<Hash32>& submitted() const { return m_submitted; }
  const CheckResult& result() const { return m_result; }

 private:
  const ledger::Genesis& m_genesis;
  consensus::ValidatorSet m_validators;
  std::vector<uint32_t> m_node_keys;
  std::set<uint32_t> m_byzantine_keys;
  uint64_t m_now = 0;
  CheckResult m_result;

  std::map<std::tuple<uint32_t, uint64_t, uint32_t, uint8_t>, Hash32> m_votes;  // honest votes
  std::map<std::tuple<uint32_t, uint64_t, uint32_t>, Hash32> m_proposals;      // honest proposals
  struct Decided {
    Hash32 block_id{};
    Hash32 state_root{};
    int first_node = -1;
  };
  std::map<uint64_t, Decided> m_decided;          // by height, from honest commits
  std::map<int, uint64_t> m_committed;            // node -> committed height
  std::set<Hash32> m_submitted;
  std::map<Hash32, uint64_t> m_tx_height;         // tx id -> the height it committed at
};

}  // namespace covalue::sim
