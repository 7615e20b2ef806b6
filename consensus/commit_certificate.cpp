#include "consensus/commit_certificate.h"

#include "crypto/signing.h"

namespace covalue::consensus {

Bytes VotePayload(VoteType type, uint64_t height, uint32_t round, const Hash32& block_id) {
  codec::Writer w;
  w.U8(static_cast<uint8_t>(type));
  w.U64(height);
  w.U32(round);
  w.Hash(block_id);
  return std::move(w).Take();
}

crypto::Signature SignVote(const crypto::KeyPair& key, std::string_view chain_id, VoteType type,
                           uint64_t height, uint32_t round, const Hash32& block_id) {
  return crypto::SignFor(key, crypto::Domain::kVote, chain_id,
                         VotePayload(type, height, round, block_id));
}

void EncodeCommitCertificate(codec::Writer& w, const CommitCertificate& certificate) {
  w.U64(certificate.height);
  w.U32(certificate.round);
  w.Hash(certificate.block_id);
  w.Count(certificate.signatures.size());
  for (const auto& s : certificate.signatures) {
    w.U32(s.validator_index);
    w.Raw(s.signature);
  }
}

Status DecodeCommitCertificate(codec::Reader& r, CommitCertificate* certificate) {
  COVALUE_RETURN_IF_ERROR(r.U64(&certificate->height));
  COVALUE_RETURN_IF_ERROR(r.U32(&certificate->round));
  COVALUE_RETURN_IF_ERROR(r.Hash(&certificate->block_id));
  uint32_t count = 0;
  constexpr uint32_t kEntrySize = 4 + 64;
  COVALUE_RETURN_IF_ERROR(r.Count(&count, kMaxValidators, kEntrySize));
  certificate->signatures.resize(count);
  for (auto& s : certificate->signatures) {
    COVALUE_RETURN_IF_ERROR(r.U32(&s.validator_index));
    COVALUE_RETURN_IF_ERROR(r.Raw(s.signature));
  }
  return Status::Ok();
}

Status VerifyCommitCertificate(const CommitCertificate& certificate, const ValidatorSet& validators,
                               std::string_view chain_id, uint64_t height,
                               const Hash32& block_id) {
  if (certificate.height != height) {
    return Status(Code::kInvalidArgument, "certificate is for height " +
                                              std::to_string(certificate.height) + ", not " +
                                              std::to_string(height));
  }
  if (certificate.block_id != block_id) {
    return Status(Code::kInvalidArgument, "certificate is for another block id");
  }
  Bytes payload = VotePayload(VoteType::kPrecommit, height, certificate.round, block_id);
  int64_t previous = -1;
  for (const auto& s : certificate.signatures) {
    if (static_cast<int64_t>(s.validator_index) <= previous) {
      return Status(Code::kInvalidArgument, "certificate signers are not in increasing order");
    }
    previous = s.validator_index;
    if (s.validator_index >= validators.size()) {
      return Status(Code::kUnknownSigner,
                    "certificate names validator " + std::to_string(s.validator_index) +
                        " of " + std::to_string(validators.size()));
    }
    const auto& validator = validators.at(s.validator_index);
    if (!crypto::VerifyFor(validator.key, crypto::Domain::kVote, chain_id, payload, s.signature)) {
      return Status(Code::kBadSignature,
                    "certificate signature of validator " + validator.name + " does not verify");
    }
  }
  if (certificate.signatures.size() < validators.Quorum()) {
    return Status(Code::kInvalidArgument,
                  "certificate has " + std::to_string(certificate.signatures.size()) +
                      " signatures, quorum is " + std::to_string(validators.Quorum()));
  }
  return Status::Ok();
}

}  // namespace covalue::consensus
