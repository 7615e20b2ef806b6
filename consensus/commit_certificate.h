// Votes' signed bytes and the commit certificate: the precommit signatures of more than
// two thirds of the validators for (height, round, block id). Stored with each block, it
// lets anyone holding the genesis check that the block is final without trusting a node.
// Plain values and pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "codec/reader.h"
#include "codec/writer.h"
#include "consensus/validator_set.h"
#include "crypto/keys.h"

namespace covalue::consensus {

// Wire format: never renumber.
enum class VoteType : uint8_t { kPrevote = 1, kPrecommit = 2 };

// The vote payload signed under Domain::kVote:
//   u8 type ‖ u64 height ‖ u32 round ‖ hash32 block_id
Bytes VotePayload(VoteType type, uint64_t height, uint32_t round, const Hash32& block_id);
crypto::Signature SignVote(const crypto::KeyPair& key, std::string_view chain_id, VoteType type,
                           uint64_t height, uint32_t round, const Hash32& block_id);

struct CommitSignature {
  uint32_t validator_index = 0;  // position in the genesis validator list
  crypto::Signature signature{};
  bool operator==(const CommitSignature&) const = default;
};

struct CommitCertificate {
  uint64_t height = 0;
  uint32_t round = 0;
  Hash32 block_id{};
  std::vector<CommitSignature> signatures;  // strictly increasing validator_index
  bool operator==(const CommitCertificate&) const = default;
};

void EncodeCommitCertificate(codec::Writer& w, const CommitCertificate& certificate);
Status DecodeCommitCertificate(codec::Reader& r, CommitCertificate* certificate);

// Checks that `certificate` is for (height, block_id), that its signers are distinct
// validators listed in increasing index order, that every signature verifies, and that
// they are a quorum. kBadSignature, kUnknownSigner (index out of range) or
// kInvalidArgument name the first fault.
Status VerifyCommitCertificate(const CommitCertificate& certificate, const ValidatorSet& validators,
                               std::string_view chain_id, uint64_t height,
                               const Hash32& block_id);

}  // namespace covalue::consensus
