#include "consensus/messages.h"

#include "crypto/signing.h"

namespace covalue::consensus {
namespace {

constexpr uint8_t kProposalTag = 1;
constexpr uint8_t kVoteTag = 2;

Status CheckValidator(uint32_t index, const ValidatorSet& validators) {
  if (index >= validators.size()) {
    return Status(Code::kUnknownSigner, "validator index " + std::to_string(index) + " of " +
                                            std::to_string(validators.size()));
  }
  return Status::Ok();
}

}  // namespace

Bytes ProposalPayload(const Proposal& p) {
  codec::Writer w;
  w.U64(p.height);
  w.U32(p.round);
  w.U32(static_cast<uint32_t>(p.pol_round));
  w.Hash(p.value_id);
  return std::move(w).Take();
}

void SignProposal(Proposal& proposal, const crypto::KeyPair& key, std::string_view chain_id) {
  proposal.signature =
      crypto::SignFor(key, crypto::Domain::kProposal, chain_id, ProposalPayload(proposal));
}

void SignVoteMessage(Vote& vote, const crypto::KeyPair& key, std::string_view chain_id) {
  vote.signature = SignVote(key, chain_id, vote.type, vote.height, vote.round, vote.value_id);
}

Status VerifyProposal(const Proposal& proposal, const ValidatorSet& validators,
                      std::string_view chain_id) {
  COVALUE_RETURN_IF_ERROR(CheckValidator(proposal.proposer, validators));
  if (proposal.pol_round < -1 || proposal.pol_round >= static_cast<int64_t>(proposal.round)) {
    return Status(Code::kInvalidArgument, "proof-of-lock round must be -1 or below the round");
  }
  if (!crypto::VerifyFor(validators.at(proposal.proposer).key, crypto::Domain::kProposal,
                         chain_id, ProposalPayload(proposal), proposal.signature)) {
    return Status(Code::kBadSignature, "proposal signature does not verify");
  }
  return Status::Ok();
}

Status VerifyVote(const Vote& vote, const ValidatorSet& validators, std::string_view chain_id) {
  COVALUE_RETURN_IF_ERROR(CheckValidator(vote.validator, validators));
  if (!crypto::VerifyFor(validators.at(vote.validator).key, crypto::Domain::kVote, chain_id,
                         VotePayload(vote.type, vote.height, vote.round, vote.value_id),
                         vote.signature)) {
    return Status(Code::kBadSignature, "vote signature does not verify");
  }
  return Status::Ok();
}

Bytes EncodeMessage(const Message& message) {
  codec::Writer w;
  if (const auto* p = std::get_if<Proposal>(&message)) {
    w.U8(kProposalTag);
    w.U64(p->height);
    w.U32(p->round);
    w.U32(static_cast<uint32_t>(p->pol_round));
    w.Hash(p->value_id);
    w.Bytes(p->value);
    w.U32(p->proposer);
    w.Raw(p->signature);
  } else {
    const auto& v = std::get<Vote>(message);
    w.U8(kVoteTag);
    w.U8(static_cast<uint8_t>(v.type));
    w.U64(v.height);
    w.U32(v.round);
    w.Hash(v.value_id);
    w.U32(v.validator);
    w.Raw(v.signature);
  }
  return std::move(w).Take();
}

Result<Message> DecodeMessage(ByteView bytes) {
  codec::Reader r(bytes);
  uint8_t tag = 0;
  COVALUE_RETURN_IF_ERROR(r.U8(&tag));
  if (tag == kProposalTag) {
    Proposal p;
    uint32_t pol = 0;
    COVALUE_RETURN_IF_ERROR(r.U64(&p.height));
    COVALUE_RETURN_IF_ERROR(r.U32(&p.round));
    COVALUE_RETURN_IF_ERROR(r.U32(&pol));
    p.pol_round = static_cast<int32_t>(pol);
    COVALUE_RETURN_IF_ERROR(r.Hash(&p.value_id));
    COVALUE_RETURN_IF_ERROR(r.Bytes(&p.value, kMaxValueBytes));
    COVALUE_RETURN_IF_ERROR(r.U32(&p.proposer));
    COVALUE_RETURN_IF_ERROR(r.Raw(p.signature));
    COVALUE_RETURN_IF_ERROR(r.Finish());
    return Message(std::move(p));
  }
  if (tag == kVoteTag) {
    Vote v;
    uint8_t type = 0;
    COVALUE_RETURN_IF_ERROR(r.U8(&type));
    if (type != static_cast<uint8_t>(VoteType::kPrevote) &&
        type != static_cast<uint8_t>(VoteType::kPrecommit)) {
      return Status(Code::kUnknownEnum, "unknown vote type " + std::to_string(type));
    }
    v.type = static_cast<VoteType>(type);
    COVALUE_RETURN_IF_ERROR(r.U64(&v.height));
    COVALUE_RETURN_IF_ERROR(r.U32(&v.round));
    COVALUE_RETURN_IF_ERROR(r.Hash(&v.value_id));
    COVALUE_RETURN_IF_ERROR(r.U32(&v.validator));
    COVALUE_RETURN_IF_ERROR(r.Raw(v.signature));
    COVALUE_RETURN_IF_ERROR(r.Finish());
    return Message(v);
  }
  return Status(Code::kUnknownEnum, "unknown consensus message tag " + std::to_string(tag));
}

}  // namespace covalue::consensus
