// Domain-separated signing (docs/spec/signing.md). Every signature in covalue is over
//   SignBytes = string(domain tag) ‖ string(chain id) ‖ payload
// (string = u32 length ‖ bytes, as in the canonical encoding), with one tag per kind of
// message, so a signature made for one purpose or one chain is never valid for another.
// Stateless and thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

#include "codec/writer.h"
#include "common/bytes.h"
#include "crypto/keys.h"

namespace covalue::crypto {

// Wire format: the tags below never change; add new domains at the end.
enum class Domain : uint8_t {
  kTransaction = 1,
  kProposal = 2,
  kVote = 3,
  kHandshake = 4,
  kKeyPossession = 5,  // a new member key proves its holder agreed to be added (key.add)
};

// "covalue/transaction/v1", "covalue/proposal/v1", "covalue/vote/v1", "covalue/handshake/v1".
std::string_view DomainTag(Domain domain);

Bytes SignBytes(Domain domain, std::string_view chain_id, ByteView payload);
// A writer holding SignBytes' prefix (domain tag and chain id) with room for a payload of
// `payload_bytes`, for a caller that encodes the payload into it instead of encoding it apart
// and copying it: what it then holds is SignBytes(domain, chain_id, payload).
codec::Writer SignBytesWriter(Domain domain, std::string_view chain_id, size_t payload_bytes);
Signature SignFor(const KeyPair& key, Domain domain, std::string_view chain_id, ByteView payload);
bool VerifyFor(const PublicKey& key, Domain domain, std::string_view chain_id, ByteView payload,
               const Signature& signature);

}  // namespace covalue::crypto
