#include "contracts/member_keys.h"

#include "contracts/member_record.h"
#include "crypto/signing.h"

namespace covalue::contracts {

crypto::Signature ProveKeyPossession(const crypto::KeyPair& new_key, std::string_view chain_id,
                                     std::string_view member_id) {
  KeyPossessionPayload payload{std::string(member_id), new_key.public_key()};
  return crypto::SignFor(new_key, crypto::Domain::kKeyPossession, chain_id, EncodeFields(payload));
}

bool VerifyKeyPossession(const crypto::PublicKey& new_key, std::string_view chain_id,
                         std::string_view member_id, const crypto::Signature& proof) {
  KeyPossessionPayload payload{std::string(member_id), new_key};
  return crypto::VerifyFor(new_key, crypto::Domain::kKeyPossession, chain_id, EncodeFields(payload),
                           proof);
}

namespace {

// A member's record and each listed key's record, checked to agree.
struct MemberKeys {
  MemberRecord member;
  std::vector<KeyRecord> records;  // records[i] is member.keys[i]'s

  // Drops the keys that can no longer sign at `height` (their key records stay, so a key is
  // never held twice); the member record lists the keys that may still sign.
  void DropPastKeys(uint64_t height) {
    for (size_t i = member.keys.size(); i-- > 0;) {
      if (records[i].valid_until_height >= height) continue;
      member.keys.erase(member.keys.begin() + static_cast<std::ptrdiff_t>(i));
      records.erase(records.begin() + static_cast<std::ptrdiff_t>(i));
    }
  }
};

Result<MemberKeys> LoadMemberKeys(const LedgerReader& state, const std::string& id) {
  COVALUE_ASSIGN_OR_RETURN(auto member, LoadMember(state, id));
  if (!member) return Status(Code::kCorruption, "signer's member '" + id + "' has no record");
  MemberKeys out{std::move(*member), {}};
  for (const auto& key : out.member.keys) {
    COVALUE_ASSIGN_OR_RETURN(auto record, LoadKeyRecord(state, key));
    if (!record || record->member != id) {
      return Status(Code::kCorruption,
                    "key " + ToHex(key) + " of '" + id + "' has no matching key record");
    }
    out.records.push_back(std::move(*record));
  }
  return out;
}

TxOutcome KeyOutcome(ledger::Event event, const std::string& member, const crypto::PublicKey& key) {
  TxOutcome outcome;
  outcome.result.events.push_back(std::move(event));
  outcome.entities = {MemberStateKey(member), SignerStateKey(key)};
  return outcome;
}

}  // namespace

TxOutcome ApplyKeyAdd(const ledger::Transaction& tx, const TxContext& context,
                      StateOverlay& state) {
  auto signer = SoleSigner(context);
  if (!signer.ok()) return FromStatus(signer.status());
  const std::string& id = *signer;
  auto body = DecodeTxBody<KeyAddBody>(tx.body);
  if (!body.ok()) return FromStatus(body.status());
  if (!VerifyKeyPossession(body->key, context.chain_id, id, body->proof)) {
    return Rejected(Code::kBadSignature,
                    "proof: not the new key's signature of its possession for '" + id + "'");
  }
  auto holder = LoadKeyRecord(state, body->key);
  if (!holder.ok()) return FromStatus(holder.status());
  if (*holder) {
    return Rejected(Code::kAlreadyExists,
                    "key " + ToHex(body->key) + " is held by '" + (*holder)->member + "'");
  }
  auto keys = LoadMemberKeys(state, id);
  if (!keys.ok()) return FromStatus(keys.status());
  keys->DropPastKeys(context.height);
  if (keys->member.keys.size() >= ledger::kMaxMemberKeys) {
    return Rejected(Code::kFailedPrecondition, "'" + id + "' has " +
                                                   std::to_string(ledger::kMaxMemberKeys) +
                                                   " keys, the most a member holds");
  }
  keys->member.keys.push_back(body->key);
  StoreRecord(state, MemberStateKey(id), keys->member);
  StoreRecord(state, SignerStateKey(body->key), KeyRecord{id, kKeyNotRetiring});
  return KeyOutcome({"key.added", {{"member", id}, {"key", ToHex(body->key)}}}, id, body->key);
}

TxOutcome ApplyKeyRetire(const ledger::Transaction& tx, const TxContext& context,
                         StateOverlay& state) {
  auto signer = SoleSigner(context);
  if (!signer.ok()) return FromStatus(signer.status());
  const std::string& id = *signer;
  auto body = DecodeTxBody<KeyRetireBody>(tx.body);
  if (!body.ok()) return FromStatus(body.status());
  auto holder = LoadKeyRecord(state, body->key);
  if (!holder.ok()) return FromStatus(holder.status());
  if (!*holder) return Rejected(Code::kNotFound, "no member holds key " + ToHex(body->key));
  KeyRecord record = std::move(**holder);
  if (record.member != id) {
    return Rejected(Code::kForbidden, "key " + ToHex(body->key) + " is held by '" + record.member +
                                          "', not '" + id + "'");
  }
  if (body->valid_until_height < context.height || body->valid_until_height == kKeyNotRetiring) {
    return Rejected(Code::kInvalidArgument, "valid_until_height: must be at least this height (" +
                                                std::to_string(context.height) +
                                                ") and below 2^64-1");
  }
  if (record.retiring()) {
    return Rejected(Code::kConflict, "key " + ToHex(body->key) +
                                         " is retiring already (valid until height " +
                                         std::to_string(record.valid_until_height) + ")");
  }
  auto keys = LoadMemberKeys(state, id);
  if (!keys.ok()) return FromStatus(keys.status());
  size_t staying = 0;
  for (size_t i = 0; i < keys->member.keys.size(); ++i) {
    if (keys->member.keys[i] != body->key && !keys->records[i].retiring()) ++staying;
  }
  if (staying == 0) {
    return Rejected(Code::kFailedPrecondition,
                    "'" + id + "' would keep no key that is not retiring");
  }
  size_t listed = keys->member.keys.size();
  keys->DropPastKeys(context.height);
  if (keys->member.keys.size() != listed) StoreRecord(state, MemberStateKey(id), keys->member);
  record.valid_until_height = body->valid_until_height;
  StoreRecord(state, SignerStateKey(body->key), record);
  return KeyOutcome({"key.retiring",
                     {{"member", id},
                      {"key", ToHex(body->key)},
                      {"valid_until_height", std::to_string(body->valid_until_height)}}},
                    id, body->key);
}

}  // namespace covalue::contracts
