// The Tendermint algorithm (Buchman, Kwon, Milosevic 2018, Algorithm 1). Comments "Lnn"
// name the line of the paper a rule implements. Safety lives in SafetyGuard (what may be
// signed, the lock); liveness in the timeouts, round skipping, retransmission and sync.
#include "consensus/engine.h"

#include <algorithm>

namespace covalue::consensus {
namespace {

constexpr uint32_t kMaxRoundsAhead = 1000;     // votes for rounds further ahead are dropped
constexpr size_t kMaxBufferedNextHeight = 1024;
constexpr size_t kMaxBufferedNextHeightBytes = 32u << 20;
constexpr uint32_t kForgetAheadAfterTicks = 20;
// Rule ids for "for the first time" bookkeeping.
constexpr uint8_t kRulePrevoteTimeout = 34;
constexpr uint8_t kRuleLock = 36;
constexpr uint8_t kRulePrecommitTimeout = 47;

SignStep SignStepOf(VoteType type) {
  return type == VoteType::kPrevote ? SignStep::kPrevote : SignStep::kPrecommit;
}

}  // namespace

Engine::Engine(EngineConfig config, ValidatorSet validators, const crypto::KeyPair& key,
               uint64_t height, SafetyState safety)
    : m_config(std::move(config)),
      m_validators(std::move(validators)),
      m_key(key),
      m_index(m_validators.IndexOf(key.public_key())),
      m_guard(std::move(safety)),
      m_height(height) {}

uint32_t Engine::ProposerOf(uint64_t height, uint32_t round) const {
  return static_cast<uint32_t>((height + round) % m_validators.size());
}

size_t Engine::Quorum() const {
  if (m_config.mutation == EngineMutation::kWeakQuorum) return 2 * m_validators.MaxFaulty();
  return m_validators.Quorum();
}

uint64_t Engine::TimeoutFor(TimeoutKind kind, uint32_t round) const {
  uint64_t base = m_config.propose_timeout_ms;
  if (kind == TimeoutKind::kPrevote) base = m_config.prevote_timeout_ms;
  if (kind == TimeoutKind::kPrecommit) base = m_config.precommit_timeout_ms;
  if (kind == TimeoutKind::kRetransmit) return m_config.retransmit_interval_ms;
  return base + static_cast<uint64_t>(round) * m_config.timeout_increase_ms;
}

std::vector<Action> Engine::Start() {
  Actions out;
  out.push_back(ScheduleTimeout{m_height, 0, TimeoutKind::kRetransmit,
                                TimeoutFor(TimeoutKind::kRetransmit, 0)});
  // After a restart, resume at the round last signed in (the guard refuses anything older)
  // and re-propose the locked value if there is one.
  const SafetyState& safety = m_guard.state();
  uint32_t round = safety.height == m_height ? safety.round : 0;
  if (m_guard.LockedRound(m_height) >= 0) {
    m_valid_round = safety.locked_round;
    m_valid_id = safety.locked_id;
    m_valid_value = safety.locked_value;
  }
  if (m_config.wait_for_txs && round == 0 && safety.height != m_height) {
    m_idle = true;
  } else {
    StartRound(round, out);
    ResumeLastVote(out);
  }
  return out;
}

void Engine::ResumeLastVote(Actions& out) {
  // A vote persisted just before a crash may never have left the process: send this
  // validator's votes of the round again and continue from the step after them. The proof
  // of a lock goes back into the vote book, to be relayed to whoever needs it (L28).
  const SafetyState& safety = m_guard.state();
  if (safety.height != m_height) return;
  for (const auto& prevote : safety.lock_proof) {
    m_votes.Add(prevote);
  }
  if (!m_index) return;
  for (const auto& vote : safety.own_votes) {
    if (vote.height != m_height || vote.round != m_round || vote.validator != *m_index) continue;
    out.push_back(Broadcast{vote});
    m_votes.Add(vote);
    consensus::Step after =
        vote.type == VoteType::kPrevote ? consensus::Step::kPrevote : consensus::Step::kPrecommit;
    m_step = std::max(m_step, after);
  }
}

void Engine::Wake(Actions& out) {
  if (!m_idle) return;
  m_idle = false;
  StartRound(m_round, out);
}

std::vector<Action> Engine::Step(const Event& event) {
  Actions out;
  std::visit(
      [&](const auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, ProposalReceived>) {
          OnProposal(e.proposal, e.signature_checked, out);
        } else if constexpr (std::is_same_v<T, VoteReceived>) {
          OnVote(e.vote, e.signature_checked, out);
        } else if constexpr (std::is_same_v<T, TimeoutFired>) {
          OnTimeout(e, out);
        } else if constexpr (std::is_same_v<T, ValueReady>) {
          OnValueReady(e, out);
        } else if constexpr (std::is_same_v<T, ValueValidated>) {
          if (e.height == m_height && m_validation_requested.count(e.value_id)) {
            m_validity[e.value_id] = e.valid;
          }
        } else if constexpr (std::is_same_v<T, TxsAvailable>) {
          Wake(out);
        } else if constexpr (std::is_same_v<T, DecisionLearnt>) {
          OnDecisionLearnt(e, out);
        }
      },
      event);
  Evaluate(out);
  return out;
}

void Engine::StartRound(uint32_t round, Actions& out) {
  m_round = round;
  m_step = Step::kPropose;
  m_value_requested = false;
  if (m_index && ProposerOf(m_height, round) == *m_index) {
    if (m_valid_round >= 0) {
      Propose(m_valid_id, m_valid_value, m_valid_round, out);  // L15-L16
    } else {
      m_value_requested = true;
      out.push_back(RequestValue{m_height, round});  // getValue(), answered by ValueReady
    }
  }
  out.push_back(ScheduleTimeout{m_height, round, TimeoutKind::kPropose,
                                TimeoutFor(TimeoutKind::kPropose, round)});
}

void Engine::OnValueReady(const ValueReady& ready, Actions& out) {
  if (ready.height != m_height || ready.round != m_round || m_step != Step::kPropose ||
      !m_value_requested) {
    return;
  }
  m_value_requested = false;
  m_validity[ready.value_id] = true;  // our own value
  m_validation_requested.insert(ready.value_id);
  Propose(ready.value_id, ready.value, -1, out);
}

void Engine::Propose(const Hash32& value_id, const Bytes& value, int32_t pol_round,
                     Actions& out) {
  if (!m_guard.Check(m_height, m_round, SignStep::kProposal, value_id).ok()) return;
  m_guard.Record(m_height, m_round, SignStep::kProposal, value_id);
  Proposal proposal{m_height, m_round, pol_round, value_id, value, *m_index, {}};
  SignProposal(proposal, m_key, m_config.chain_id);
  out.push_back(PersistSafetyState{m_guard.state()});
  out.push_back(Broadcast{proposal});
  m_proposals[m_round] = std::move(proposal);
}

void Engine::SignAndSend(VoteType type, const Hash32& value_id, Actions& out,
                         const Bytes* lock_value) {
  if (!m_index) return;  // an observer never signs
  SignStep step = SignStepOf(type);
  if (!m_guard.Check(m_height, m_round, step, value_id).ok()) return;
  m_guard.Record(m_height, m_round, step, value_id);
  if (lock_value != nullptr) {
    m_guard.Lock(m_height, static_cast<int32_t>(m_round), value_id, *lock_value,
                 m_votes.VotesFor(m_round, VoteType::kPrevote, value_id));
  }
  Vote vote{type, m_height, m_round, value_id, *m_index, {}};
  SignVoteMessage(vote, m_key, m_config.chain_id);
  m_guard.KeepOwnVote(vote);
  if (m_config.mutation == EngineMutation::kNoPersistBeforeVote) {
    out.push_back(Broadcast{vote});
    out.push_back(PersistSafetyState{m_guard.state()});
  } else {
    out.push_back(PersistSafetyState{m_guard.state()});
    out.push_back(Broadcast{vote});
  }
  m_votes.Add(vote);
}

void Engine::NoteSender(uint64_t height, uint32_t round, uint32_t validator) {
  if (height == m_height) {
    if (round > m_round) m_round_senders[round].insert(validator);
    return;
  }
  // A later height: remembered, so that the next retransmission tick asks for blocks.
  Ahead& seen = m_ahead[validator];
  seen.height = std::max(seen.height, height);
  seen.ticks_since = 0;
}

void Engine::OnProposal(const Proposal& proposal, bool signature_checked, Actions& out) {
  if (proposal.height < m_height) {
    ++m_counters.stale_messages;
    return;
  }
  if ((!signature_checked && !VerifyProposal(proposal, m_validators, m_config.chain_id).ok()) ||
      proposal.proposer != ProposerOf(proposal.height, proposal.round)) {
    ++m_counters.invalid_messages;
    return;
  }
  if (proposal.height > m_height) {
    // Only the first rounds of the next height are worth keeping: later ones are re-sent.
    if (proposal.height == m_height + 1 && proposal.round <= 1) BufferNextHeight(proposal);
    NoteSender(proposal.height, proposal.round, proposal.proposer);
    return;
  }
  NoteSender(proposal.height, proposal.round, proposal.proposer);
  // Values are kept for this round and the next only (a proposal is up to 16 MiB); a later
  // round's proposal is re-sent by its proposer once this validator gets there.
  if (proposal.round > m_round + 1) return;
  m_wake_pending = true;
  auto [it, inserted] = m_proposals.emplace(proposal.round, proposal);
  if (inserted) {
    out.push_back(RecordInput{proposal});
  } else if (it->second.value_id != proposal.value_id) {
    ++m_counters.equivocations;
  }
}

void Engine::BufferNextHeight(const Message& message) {
  size_t bytes = 0;
  if (const auto* p = std::get_if<Proposal>(&message)) bytes = p->value.size();
  if (m_next_height.size() >= kMaxBufferedNextHeight ||
      m_next_height_bytes + bytes > kMaxBufferedNextHeightBytes) {
    return;
  }
  for (const auto& held : m_next_height) {
    if (held == message) return;  // a retransmission
  }
  m_next_height_bytes += bytes;
  m_next_height.push_back(message);
}

void Engine::OnVote(const Vote& vote, bool signature_checked, Actions& out) {
  if (vote.height < m_height) {
    ++m_counters.stale_messages;
    return;
  }
  if (vote.validator >= m_validators.size() ||
      (!signature_checked && !VerifyVote(vote, m_validators, m_config.chain_id).ok())) {
    ++m_counters.invalid_messages;
    return;
  }
  if (vote.height > m_height) {
    if (vote.height == m_height + 1 && vote.round <= 1) BufferNextHeight(vote);
    NoteSender(vote.height, vote.round, vote.validator);
    return;
  }
  NoteSender(vote.height, vote.round, vote.validator);
  if (vote.round > m_round + kMaxRoundsAhead) return;
  m_wake_pending = true;
  auto added = m_votes.Add(vote);
  if (added == VoteBook::AddResult::kConflicting) ++m_counters.equivocations;
  if (added == VoteBook::AddResult::kAdded || added == VoteBook::AddResult::kConflicting) {
    out.push_back(RecordInput{vote});
  }
}

void Engine::OnTimeout(const TimeoutFired& timeout, Actions& out) {
  if (timeout.kind == TimeoutKind::kRetransmit) {
    Retransmit(out);
    out.push_back(ScheduleTimeout{m_height, m_round, TimeoutKind::kRetransmit,
                                  TimeoutFor(TimeoutKind::kRetransmit, 0)});
    return;
  }
  if (timeout.height != m_height || timeout.round != m_round) return;
  if (timeout.kind == TimeoutKind::kPropose && m_step == Step::kPropose) {  // L57
    SignAndSend(VoteType::kPrevote, kNilId, out);
    m_step = Step::kPrevote;
  } else if (timeout.kind == TimeoutKind::kPrevote && m_step == Step::kPrevote) {  // L61
    SignAndSend(VoteType::kPrecommit, kNilId, out);
    m_step = Step::kPrecommit;
  } else if (timeout.kind == TimeoutKind::kPrecommit) {  // L65
    StartRound(m_round + 1, out);
  }
}

void Engine::Retransmit(Actions& out) {
  // Our own signed messages of the current round, again: re-sending a signed message never
  // signs anything new. And, if the network is ahead, ask again for its blocks.
  if (auto it = m_proposals.find(m_round);
      it != m_proposals.end() && m_index && it->second.proposer == *m_index) {
    out.push_back(Broadcast{it->second});
  }
  if (m_index) {
    for (VoteType type : {VoteType::kPrevote, VoteType::kPrecommit}) {
      if (const Vote* mine = m_votes.Find(m_round, type, *m_index)) out.push_back(Broadcast{*mine});
    }
  }
  // The prevotes that justify our valid value (a proof of lock): validators that missed them
  // need them to accept a re-proposal of it (L28). They are signed; relaying is safe.
  if (m_valid_round >= 0) {
    auto valid_round = static_cast<uint32_t>(m_valid_round);
    for (const Vote& vote : m_votes.VotesFor(valid_round, VoteType::kPrevote, m_valid_id)) {
      bool sent_above = m_index && vote.validator == *m_index && valid_round == m_round;
      if (!sent_above) out.push_back(Broadcast{vote});
    }
  }
  // A claim not repeated for a while is forgotten: a Byzantine validator's message for a
  // height that never comes must not make us ask for blocks forever.
  for (auto it = m_ahead.begin(); it != m_ahead.end();) {
    it = ++it->second.ticks_since > kForgetAheadAfterTicks ? m_ahead.erase(it) : std::next(it);
  }
  size_t ahead = 0;
  for (const auto& [validator, claim] : m_ahead) ahead += claim.height > m_height ? 1 : 0;
  // One validator past us is enough to ask: it may be the only one that saw the decision,
  // and a Byzantine claim costs only a request (a synced block needs a valid certificate).
  if (ahead > 0) out.push_back(RequestSync{m_height});
}

void Engine::OnDecisionLearnt(const DecisionLearnt& learnt, Actions& out) {
  const CommitCertificate& certificate = learnt.certificate;
  if (certificate.height != m_height) return;
  if (!learnt.certificate_checked &&
      !VerifyCommitCertificate(certificate, m_validators, m_config.chain_id, m_height,
                               certificate.block_id)
           .ok()) {
    ++m_counters.invalid_messages;
    return;
  }
  out.push_back(Commit{m_height, certificate.block_id, learnt.value, certificate});
  EnterHeight(m_height + 1, out);
}

std::optional<bool> Engine::Validity(const Proposal& proposal, Actions& out) {
  auto it = m_validity.find(proposal.value_id);
  if (it != m_validity.end()) return it->second;
  if (m_validation_requested.insert(proposal.value_id).second) {
    out.push_back(ValidateValue{m_height, proposal.value_id, proposal.value});
  }
  return std::nullopt;
}

size_t Engine::CountVotes(uint32_t round, VoteType type,
                          const std::optional<Hash32>& value_id) const {
  return value_id ? m_votes.CountFor(round, type, *value_id) : m_votes.Count(round, type);
}

CommitCertificate Engine::CertificateFor(uint32_t round, const Hash32& value_id) const {
  CommitCertificate certificate{m_height, round, value_id, {}};
  for (const Vote& vote : m_votes.VotesFor(round, VoteType::kPrecommit, value_id)) {
    certificate.signatures.push_back({vote.validator, vote.signature});  // in validator order
  }
  return certificate;
}

bool Engine::FirstTime(uint32_t round, uint8_t rule) { return m_fired.insert({round, rule}).second; }

void Engine::Decide(const Proposal& proposal, uint32_t round, Actions& out) {
  out.push_back(Commit{m_height, proposal.value_id, proposal.value,
                       CertificateFor(round, proposal.value_id)});
  EnterHeight(m_height + 1, out);
}

void Engine::EnterHeight(uint64_t height, Actions& out) {
  m_height = height;
  m_valid_round = -1;
  m_valid_id = {};
  m_valid_value.clear();
  m_proposals.clear();
  m_votes.Clear();
  m_validity.clear();
  m_validation_requested.clear();
  m_fired.clear();
  m_round_senders.clear();
  std::erase_if(m_ahead, [&](const auto& entry) { return entry.second.height <= height; });
  m_round = 0;
  m_step = Step::kPropose;
  m_wake_pending = false;
  if (m_config.wait_for_txs) {
    m_idle = true;
  } else {
    StartRound(0, out);
  }
  std::vector<Message> buffered = std::move(m_next_height);
  m_next_height.clear();
  m_next_height_bytes = 0;
  for (const auto& message : buffered) {  // verified when buffered
    if (const auto* p = std::get_if<Proposal>(&message)) {
      OnProposal(*p, /*signature_checked=*/true, out);
    } else {
      OnVote(std::get<Vote>(message), /*signature_checked=*/true, out);
    }
  }
}

void Engine::Evaluate(Actions& out) {
  const size_t quorum = Quorum();
  bool progress = true;
  while (progress) {
    progress = false;
    // A message of this height wakes an idle height (also after a decision in this loop:
    // the next height's buffered messages were just replayed).
    if (m_wake_pending) {
      m_wake_pending = false;
      Wake(out);
    }
    if (m_idle) return;
    // L55: f+1 validators speak of a later round: go there.
    for (const auto& [round, senders] : m_round_senders) {
      if (round > m_round && senders.size() > m_validators.MaxFaulty()) {
        StartRound(round, out);
        progress = true;
        break;
      }
    }
    if (progress) continue;

    // L49: a proposal with 2f+1 precommits for it, in any round, decides the height.
    for (const auto& [round, proposal] : m_proposals) {
      if (CountVotes(round, VoteType::kPrecommit, proposal.value_id) < quorum) continue;
      auto valid = Validity(proposal, out);
      if (valid && *valid) {
        Decide(proposal, round, out);
        progress = true;
        break;
      }
    }
    if (progress) continue;

    auto current = m_proposals.find(m_round);
    const Proposal* proposal = current == m_proposals.end() ? nullptr : &current->second;
    const bool ignore_lock = m_config.mutation == EngineMutation::kSkipLockCheck;
    const int32_t locked_round = ignore_lock ? -1 : m_guard.LockedRound(m_height);
    const Hash32& locked_id = m_guard.state().locked_id;

    if (m_step == Step::kPropose && proposal != nullptr) {
      if (proposal->pol_round == -1) {  // L22
        auto valid = Validity(*proposal, out);
        if (valid) {
          bool vote_for = *valid && (locked_round == -1 || locked_id == proposal->value_id);
          SignAndSend(VoteType::kPrevote, vote_for ? proposal->value_id : kNilId, out);
          m_step = Step::kPrevote;
          progress = true;
        }
      } else if (CountVotes(static_cast<uint32_t>(proposal->pol_round), VoteType::kPrevote,
                            proposal->value_id) >= quorum) {  // L28
        auto valid = Validity(*proposal, out);
        if (valid) {
          bool vote_for = *valid && (locked_round <= proposal->pol_round ||
                                     locked_id == proposal->value_id);
          SignAndSend(VoteType::kPrevote, vote_for ? proposal->value_id : kNilId, out);
          m_step = Step::kPrevote;
          progress = true;
        }
      }
      if (progress) continue;
    }
    if (m_step == Step::kPrevote &&
        CountVotes(m_round, VoteType::kPrevote, std::nullopt) >= quorum &&
        FirstTime(m_round, kRulePrevoteTimeout)) {  // L34
      out.push_back(ScheduleTimeout{m_height, m_round, TimeoutKind::kPrevote,
                                    TimeoutFor(TimeoutKind::kPrevote, m_round)});
    }
    if (m_step >= Step::kPrevote && proposal != nullptr &&
        CountVotes(m_round, VoteType::kPrevote, proposal->value_id) >= quorum &&
        !m_fired.count({m_round, kRuleLock})) {  // L36
      auto valid = Validity(*proposal, out);
      if (valid && *valid) {
        m_fired.insert({m_round, kRuleLock});
        if (m_step == Step::kPrevote) {
          // Lock and precommit: the lock is persisted with the precommit's signing.
          SignAndSend(VoteType::kPrecommit, proposal->value_id, out, &proposal->value);
          m_step = Step::kPrecommit;
        }
        m_valid_id = proposal->value_id;
        m_valid_value = proposal->value;
        m_valid_round = static_cast<int32_t>(m_round);
        progress = true;
        continue;
      }
    }
    if (m_step == Step::kPrevote &&
        CountVotes(m_round, VoteType::kPrevote, kNilId) >= quorum) {  // L44
      SignAndSend(VoteType::kPrecommit, kNilId, out);
      m_step = Step::kPrecommit;
      progress = true;
      continue;
    }
    if (CountVotes(m_round, VoteType::kPrecommit, std::nullopt) >= quorum &&
        FirstTime(m_round, kRulePrecommitTimeout)) {  // L47
      out.push_back(ScheduleTimeout{m_height, m_round, TimeoutKind::kPrecommit,
                                    TimeoutFor(TimeoutKind::kPrecommit, m_round)});
    }
  }
}

}  // namespace covalue::consensus
