#include "crypto/signing.h"

namespace covalue::crypto {

std::string_view DomainTag(Domain domain) {
  switch (domain) {
    case Domain::kTransaction: return "covalue/transaction/v1";
    case Domain::kProposal: return "covalue/proposal/v1";
    case Domain::kVote: return "covalue/vote/v1";
    case Domain::kHandshake: return "covalue/handshake/v1";
    case Domain::kKeyPossession: return "covalue/key-possession/v1";
  }
  return "covalue/invalid";
}

codec::Writer SignBytesWriter(Domain domain, std::string_view chain_id, size_t payload_bytes) {
  std::string_view tag = DomainTag(domain);
  codec::Writer w(4 + tag.size() + 4 + chain_id.size() + payload_bytes);
  w.String(tag);
  w.String(chain_id);
  return w;
}

Bytes SignBytes(Domain domain, std::string_view chain_id, ByteView payload) {
  codec::Writer w = SignBytesWriter(domain, chain_id, payload.size());
  w.Raw(payload);
  return std::move(w).Take();
}

Signature SignFor(const KeyPair& key, Domain domain, std::string_view chain_id, ByteView payload) {
  return key.Sign(SignBytes(domain, chain_id, payload));
}

bool VerifyFor(const PublicKey& key, Domain domain, std::string_view chain_id, ByteView payload,
               const Signature& signature) {
  return Verify(key, SignBytes(domain, chain_id, payload), signature);
}

}  // namespace covalue::crypto
