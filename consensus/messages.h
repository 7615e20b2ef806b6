// Consensus messages (docs/spec/consensus.md): a signed Proposal of a value (an encoded
// block, opaque here, named by its id) and signed Votes (prevote, precommit) for a value
// id or nil. Canonical encodings, sign payloads and signature checks. The value id is
// computed by the host (for covalue: the block header hash); the engine never parses a
// value. Plain values and pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <variant>

#include "codec/reader.h"
#include "codec/writer.h"
#include "consensus/commit_certificate.h"
#include "consensus/validator_set.h"
#include "crypto/keys.h"

namespace covalue::consensus {

inline constexpr uint32_t kMaxValueBytes = 16u << 20;
// A nil vote names the all-zero id.
inline constexpr Hash32 kNilId{};

struct Proposal {
  uint64_t height = 0;
  uint32_t round = 0;
  int32_t pol_round = -1;  // the round of the proof of lock the proposer re-proposes, or -1
  Hash32 value_id{};
  Bytes value;
  uint32_t proposer = 0;  // validator index
  crypto::Signature signature{};
  bool operator==(const Proposal&) const = default;
};

struct Vote {
  VoteType type = VoteType::kPrevote;
  uint64_t height = 0;
  uint32_t round = 0;
  Hash32 value_id{};  // kNilId for nil
  uint32_t validator = 0;
  crypto::Signature signature{};
  bool is_nil() const { return value_id == kNilId; }
  bool operator==(const Vote&) const = default;
};

using Message = std::variant<Proposal, Vote>;

// Signed under Domain::kProposal: u64 height ‖ u32 round ‖ i32 pol_round ‖ hash32 value_id.
Bytes ProposalPayload(const Proposal& proposal);
// Signed under Domain::kVote: VotePayload(type, height, round, value_id).
void SignProposal(Proposal& proposal, const crypto::KeyPair& key, std::string_view chain_id);
void SignVoteMessage(Vote& vote, const crypto::KeyPair& key, std::string_view chain_id);
// The signer is a validator of `validators` and the signature verifies.
Status VerifyProposal(const Proposal& proposal, const ValidatorSet& validators,
                      std::string_view chain_id);
Status VerifyVote(const Vote& vote, const ValidatorSet& validators, std::string_view chain_id);

// Message = u8 tag (1 proposal, 2 vote) ‖ fields.
Bytes EncodeMessage(const Message& message);
Result<Message> DecodeMessage(ByteView bytes);

}  // namespace covalue::consensus
