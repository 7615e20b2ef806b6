#include "consensus/vote_book.h"

namespace covalue::consensus {

VoteBook::AddResult VoteBook::Add(const Vote& vote) {
  auto& votes = m_votes[{vote.round, static_cast<uint8_t>(vote.type)}][vote.validator];
  for (const auto& existing : votes) {
    if (existing.value_id == vote.value_id) return AddResult::kDuplicate;
  }
  if (votes.size() >= kMaxVotesPerSlot) return AddResult::kDropped;
  votes.push_back(vote);
  return votes.size() == 1 ? AddResult::kAdded : AddResult::kConflicting;
}

size_t VoteBook::Count(uint32_t round, VoteType type) const {
  auto it = m_votes.find({round, static_cast<uint8_t>(type)});
  return it == m_votes.end() ? 0 : it->second.size();
}

size_t VoteBook::CountFor(uint32_t round, VoteType type, const Hash32& value_id) const {
  return VotesFor(round, type, value_id).size();
}

std::vector<Vote> VoteBook::VotesFor(uint32_t round, VoteType type, const Hash32& value_id) const {
  std::vector<Vote> out;
  auto it = m_votes.find({round, static_cast<uint8_t>(type)});
  if (it == m_votes.end()) return out;
  for (const auto& [validator, votes] : it->second) {
    for (const auto& vote : votes) {
      if (vote.value_id == value_id) {
        out.push_back(vote);
        break;
      }
    }
  }
  return out;
}

const Vote* VoteBook::Find(uint32_t round, VoteType type, uint32_t validator) const {
  auto it = m_votes.find({round, static_cast<uint8_t>(type)});
  if (it == m_votes.end()) return nullptr;
  auto votes = it->second.find(validator);
  if (votes == it->second.end() || votes->second.empty()) return nullptr;
  return &votes->second.front();
}

}  // namespace covalue::consensus
