// VoteBook: the votes an engine has seen at its current height, by (round, type, validator).
// A validator normally has one vote per (round, type); a Byzantine one may sign several.
// Conflicting votes are kept too (up to a bound) and each counts toward its own value:
// otherwise a conflicting vote that arrived first would hide the one in a quorum others
// rely on (a proof of lock), and honest validators could wait forever. Counting a
// Byzantine validator's vote for two values is safe: two quorums for different values in
// one round would need more than f such validators. Not thread-safe: owned by the engine.
#pragma once

#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "consensus/messages.h"

namespace covalue::consensus {

class VoteBook {
 public:
  enum class AddResult { kAdded, kDuplicate, kConflicting, kDropped };
  // Adds a verified vote.
  AddResult Add(const Vote& vote);
  // Distinct validators with a vote of `type` in `round` (any value).
  size_t Count(uint32_t round, VoteType type) const;
  // Distinct validators with a vote of `type` in `round` for `value_id`.
  size_t CountFor(uint32_t round, VoteType type, const Hash32& value_id) const;
  // Those votes, one per validator, in validator order.
  std::vector<Vote> VotesFor(uint32_t round, VoteType type, const Hash32& value_id) const;
  // The first vote `validator` sent of `type` in `round`, if any.
  const Vote* Find(uint32_t round, VoteType type, uint32_t validator) const;
  void Clear() { m_votes.clear(); }

 private:
  static constexpr size_t kMaxVotesPerSlot = 8;  // conflicting votes kept per validator
  using Slot = std::pair<uint32_t, uint8_t>;     // (round, type)
  std::map<Slot, std::map<uint32_t, std::vector<Vote>>> m_votes;
};

}  // namespace covalue::consensus
