// SafetyGuard: what this validator has signed and what it is locked on — the state that
// must survive a crash for consensus to stay safe (CometBFT's priv_validator_state). It
// refuses to sign anything that conflicts with what was signed before: a proposal, prevote
// or precommit at or before the last signed (height, round, step), unless it is exactly the
// same message again. The engine asks the host to persist the state (PersistSafetyState)
// before any signature made under it is sent. Not thread-safe: owned by the engine.
#pragma once

#include <cstdint>

#include "codec/reader.h"
#include "codec/writer.h"
#include "common/bytes.h"
#include "common/status.h"
#include "consensus/messages.h"

namespace covalue::consensus {

// The order of signing steps within a round. Wire format (persisted): never renumber.
enum class SignStep : uint8_t { kNone = 0, kProposal = 1, kPrevote = 2, kPrecommit = 3 };

struct SafetyState {
  // The last message signed.
  uint64_t height = 0;
  uint32_t round = 0;
  SignStep step = SignStep::kNone;
  Hash32 value_id{};
  // The lock (Tendermint's lockedRound / lockedValue) at `height`; -1 when not locked.
  int32_t locked_round = -1;
  Hash32 locked_id{};
  Bytes locked_value;
  // The quorum of prevotes that justified the lock: after a restart they let this validator
  // prove the lock to others (a re-proposal of the value needs them, L28).
  std::vector<Vote> lock_proof;
  // This validator's own votes at (height, round), re-sent after a restart: a vote
  // persisted just before a crash may never have left the process.
  std::vector<Vote> own_votes;
  bool operator==(const SafetyState&) const = default;
};

Bytes EncodeSafetyState(const SafetyState& state);
Result<SafetyState> DecodeSafetyState(ByteView bytes);

class SafetyGuard {
 public:
  explicit SafetyGuard(SafetyState state) : m_state(std::move(state)) {}

  // OK if a message (height, round, step, value_id) may be signed now; kConflict if it
  // would contradict what was signed (an earlier position, or the same position with a
  // different value).
  Status Check(uint64_t height, uint32_t round, SignStep step, const Hash32& value_id) const;
  // Records that it is being signed. Call only after Check succeeded.
  void Record(uint64_t height, uint32_t round, SignStep step, const Hash32& value_id);
  // Keeps a signed vote of this validator (after Record) for re-sending after a restart.
  void KeepOwnVote(const Vote& vote);
  // Locks on a value at (height, round) with its proof, replacing an older lock.
  void Lock(uint64_t height, int32_t round, const Hash32& value_id, const Bytes& value,
            std::vector<Vote> proof);

  // The lock applies only to the height it was taken at.
  int32_t LockedRound(uint64_t height) const {
    return m_state.height == height ? m_state.locked_round : -1;
  }
  const SafetyState& state() const { return m_state; }

 private:
  SafetyState m_state;
};

}  // namespace covalue::consensus
