// Engine: the Tendermint BFT algorithm (Buchman, Kwon, Milosevic 2018, Algorithm 1) for one
// validator, as a pure state machine: Step(Event) -> Actions. No clock, socket, thread,
// file or randomness inside; the host delivers messages, fires the timeouts it was asked
// to schedule, builds and validates values (blocks), persists the safety state, and sends
// what the engine broadcasts — in the order the actions are returned. The same engine runs
// in the node and in tests/sim. Not thread-safe: one owner (the node's consensus strand).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "consensus/messages.h"
#include "consensus/safety_guard.h"
#include "consensus/vote_book.h"

namespace covalue::consensus {

enum class Step : uint8_t { kPropose = 0, kPrevote = 1, kPrecommit = 2 };
// The engine's timers: one per step of a round (the paper's timeouts), and a periodic
// retransmission of this validator's own messages for the current round (messages may be
// lost; the paper assumes gossip that eventually delivers them).
enum class TimeoutKind : uint8_t { kPropose = 0, kPrevote = 1, kPrecommit = 2, kRetransmit = 3 };

// Deliberate faults, for the simulator's checker self-tests only (tests/sim): each breaks
// one safety rule so the tests can show the checker notices. Never set in a node.
enum class EngineMutation : uint8_t {
  kNone = 0,
  kSkipLockCheck,        // prevote for any valid proposal, ignoring the lock
  kWeakQuorum,           // accept 2f votes as a quorum
  kNoPersistBeforeVote,  // send a vote before asking for the safety state to be persisted
};

struct EngineConfig {
  std::string chain_id;
  EngineMutation mutation = EngineMutation::kNone;
  // timeout(round) = base + round * increase, per step (milliseconds of the host's clock).
  uint64_t propose_timeout_ms = 1000;
  uint64_t prevote_timeout_ms = 500;
  uint64_t precommit_timeout_ms = 500;
  uint64_t timeout_increase_ms = 250;
  uint64_t retransmit_interval_ms = 1000;
  // Do not start a height's round 0 until there is something to decide: the host reports
  // TxsAvailable, or another validator's message for the height arrives. Without it every
  // height starts at once (a block, possibly empty, per height).
  bool wait_for_txs = false;
};

// --- Events (inputs) ---
// `signature_checked`: the host has already verified this very message's signature (against
// this validator set and chain id), so the engine does not verify it again. Every other
// check still applies.
struct ProposalReceived { Proposal proposal; bool signature_checked = false; };
struct VoteReceived { Vote vote; bool signature_checked = false; };
struct TimeoutFired { uint64_t height; uint32_t round; TimeoutKind kind; };
// Answer to RequestValue: the value this validator proposes at (height, round).
struct ValueReady { uint64_t height; uint32_t round; Hash32 value_id; Bytes value; };
// Answer to ValidateValue: whether the value is a valid next block.
struct ValueValidated { uint64_t height; Hash32 value_id; bool valid; };
// The host's mempool holds transactions (with wait_for_txs: start the height's rounds).
struct TxsAvailable {};
// A decided value with its certificate, learnt from block sync (the host checked that the
// value's id is certificate.block_id; the engine checks the certificate).
// `certificate_checked`: the host has already verified this very certificate
// (VerifyCommitCertificate for this validator set and chain id, at the certificate's height
// and block id), so the engine does not verify it again; it still takes it only for its height.
struct DecisionLearnt {
  Bytes value;
  CommitCertificate certificate;
  bool certificate_checked = false;
};
using Event = std::variant<ProposalReceived, VoteReceived, TimeoutFired, ValueReady,
                           ValueValidated, TxsAvailable, DecisionLearnt>;

// --- Actions (outputs), to be carried out in order ---
struct Broadcast { Message message; };
struct ScheduleTimeout { uint64_t height; uint32_t round; TimeoutKind kind; uint64_t after_ms; };
// Must be durable before any later Broadcast of this Step's result leaves the process.
struct PersistSafetyState { SafetyState state; };
struct RequestValue { uint64_t height; uint32_t round; };
struct ValidateValue { uint64_t height; Hash32 value_id; Bytes value; };
struct Commit { uint64_t height; Hash32 value_id; Bytes value; CommitCertificate certificate; };
// The network is ahead (f+1 validators speak of `height` or later): fetch decided blocks
// from `from_height` on and feed them back as DecisionLearnt.
struct RequestSync { uint64_t from_height; };
// A message the engine accepted as new for its current height (verified, not a duplicate):
// the host may log it and step it in again after a restart (the consensus WAL).
struct RecordInput { Message message; };
using Action = std::variant<Broadcast, ScheduleTimeout, PersistSafetyState, RequestValue,
                            ValidateValue, Commit, RequestSync, RecordInput>;

struct EngineCounters {
  uint64_t invalid_messages = 0;  // bad signature, non-validator, malformed
  uint64_t stale_messages = 0;    // for a decided height
  uint64_t equivocations = 0;     // a validator signing two different votes for one (h, r, type)
};

class Engine {
 public:
  // `key` must outlive the engine. `safety` is what this validator persisted (a fresh
  // SafetyState for a new validator); `height` the first height not yet decided locally.
  // A key that is not a validator makes an observer that never signs.
  Engine(EngineConfig config, ValidatorSet validators, const crypto::KeyPair& key,
         uint64_t height, SafetyState safety);

  // Starts round 0 of the current height (call once, after construction).
  std::vector<Action> Start();
  std::vector<Action> Step(const Event& event);

  uint64_t height() const { return m_height; }
  // True while a height waits for transactions before its first round (wait_for_txs).
  bool idle() const { return m_idle; }
  uint32_t round() const { return m_round; }
  consensus::Step step() const { return m_step; }
  const SafetyState& safety_state() const { return m_guard.state(); }
  const EngineCounters& counters() const { return m_counters; }
  // The proposer of (height, round): validator (height + round) mod n.
  uint32_t ProposerOf(uint64_t height, uint32_t round) const;

 private:
  using Actions = std::vector<Action>;
  // The rules of Algorithm 1, re-checked after every input (engine.cpp names each rule by
  // its line in the paper).
  void StartRound(uint32_t round, Actions& out);
  void Evaluate(Actions& out);
  void OnProposal(const Proposal& proposal, bool signature_checked, Actions& out);
  void BufferNextHeight(const Message& message);
  void OnVote(const Vote& vote, bool signature_checked, Actions& out);
  void OnTimeout(const TimeoutFired& timeout, Actions& out);
  void OnValueReady(const ValueReady& ready, Actions& out);
  void OnDecisionLearnt(const DecisionLearnt& learnt, Actions& out);
  void Propose(const Hash32& value_id, const Bytes& value, int32_t pol_round, Actions& out);
  // Signs and sends a vote unless the guard refuses it; with `lock_value`, also locks on
  // the value (a precommit for it, L36) before the state is persisted.
  void SignAndSend(VoteType type, const Hash32& value_id, Actions& out,
                   const Bytes* lock_value = nullptr);
  void Decide(const Proposal& proposal, uint32_t round, Actions& out);
  void EnterHeight(uint64_t height, Actions& out);
  void NoteSender(uint64_t height, uint32_t round, uint32_t validator);
  // Validity of a value as the host judged it; asks the host once if unknown.
  std::optional<bool> Validity(const Proposal& proposal, Actions& out);
  // Count of votes of `type` in `round` for `value_id` (any value when nullopt).
  size_t CountVotes(uint32_t round, VoteType type, const std::optional<Hash32>& value_id) const;
  CommitCertificate CertificateFor(uint32_t round, const Hash32& value_id) const;
  uint64_t TimeoutFor(TimeoutKind kind, uint32_t round) const;
  void Retransmit(Actions& out);
  size_t Quorum() const;
  bool FirstTime(uint32_t round, uint8_t rule);

  EngineConfig m_config;
  ValidatorSet m_validators;
  const crypto::KeyPair& m_key;
  std::optional<uint32_t> m_index;  // this validator's index, if it is one
  SafetyGuard m_guard;
  EngineCounters m_counters;

  uint64_t m_height;
  uint32_t m_round = 0;
  consensus::Step m_step = Step::kPropose;
  int32_t m_valid_round = -1;
  Hash32 m_valid_id{};
  Bytes m_valid_value;

  // State of the current height, cleared when it is decided.
  std::map<uint32_t, Proposal> m_proposals;                          // by round
  VoteBook m_votes;
  std::map<Hash32, bool> m_validity;
  std::set<Hash32> m_validation_requested;
  std::set<std::pair<uint32_t, uint8_t>> m_fired;                    // "for the first time" rules
  std::map<uint32_t, std::set<uint32_t>> m_round_senders;            // round skipping (line 55)
  struct Ahead {
    uint64_t height = 0;        // the latest height the validator spoke of
    uint32_t ticks_since = 0;   // retransmission ticks since it last did
  };
  std::map<uint32_t, Ahead> m_ahead;  // validators that spoke of a later height
  bool m_value_requested = false;
  bool m_idle = false;
  bool m_wake_pending = false;  // a message of this height arrived  // wait_for_txs: the height has not started its rounds yet
  // Begins the height's rounds if it was idle.
  void Wake(Actions& out);
  // After a restart: re-sends the vote last persisted at this height and round.
  void ResumeLastVote(Actions& out);
  std::vector<Message> m_next_height;  // messages for height + 1, replayed after deciding
  size_t m_next_height_bytes = 0;
};

}  // namespace covalue::consensus
