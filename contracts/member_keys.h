// key.add and key.retire (docs/spec/contracts/membership.md): a member rotates its own
// keys. key.add adds a key whose holder proves possession by signing (member, key) under the
// key-possession domain; key.retire sets the last height at which a key may sign, after
// which admission refuses it with key_retired. Bodies, the proof and its helper. Pure;
// thread-compatible.
#pragma once

#include <string>
#include <string_view>

#include "contracts/fields.h"
#include "contracts/kinds.h"
#include "crypto/keys.h"

namespace covalue::contracts {

struct KeyAddBody {
  crypto::PublicKey key{};
  crypto::Signature proof{};  // ProveKeyPossession(new key, chain id, signer's member id)
  bool operator==(const KeyAddBody&) const = default;
  template <class V>
  void Fields(V& v) {
    v.Key("key", key);
    v.Sig("proof", proof);
  }
};

struct KeyRetireBody {
  crypto::PublicKey key{};
  uint64_t valid_until_height = 0;  // the last height at which the key may sign
  bool operator==(const KeyRetireBody&) const = default;
  template <class V>
  void Fields(V& v) {
    v.Key("key", key);
    v.U64("valid_until_height", valid_until_height);
  }
};

// What the new key signs, under crypto::Domain::kKeyPossession and the chain id: binds the
// key to the member it joins, so a proof cannot be used for another member or chain.
struct KeyPossessionPayload {
  std::string member;
  crypto::PublicKey key{};
  template <class V>
  void Fields(V& v) {
    v.Id("member", member);
    v.Key("key", key);
  }
};

// The proof key.add needs: `new_key` signs KeyPossessionPayload{member_id, its public key}.
crypto::Signature ProveKeyPossession(const crypto::KeyPair& new_key, std::string_view chain_id,
                                     std::string_view member_id);
bool VerifyKeyPossession(const crypto::PublicKey& new_key, std::string_view chain_id,
                         std::string_view member_id, const crypto::Signature& proof);

// The contracts (contracts/kinds.h): ApplyKeyAdd, ApplyKeyRetire.

}  // namespace covalue::contracts
