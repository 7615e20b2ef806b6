// Members as stored in the state (docs/spec/contracts/membership.md):
//   "member/<id>"        MemberRecord: roles and keys
//   "key/<hex>"          KeyRecord: the member holding the key, and the height it is valid to
//   "index/members"      MemberIndex: every member id, sorted (the approval threshold needs
//                        the number of voting members)
// Written from the genesis, later by member.propose/approve and key.add/retire. Pure
// functions over a LedgerReader/StateOverlay; thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "contracts/fields.h"
#include "contracts/state.h"
#include "contracts/tx_context.h"
#include "crypto/keys.h"
#include "ledger/genesis.h"

namespace covalue::contracts {

// The most members the ledger holds at once (the member index's bound).
inline constexpr uint32_t kMaxMembers = static_cast<uint32_t>(ledger::kMaxMembers);
// KeyRecord::valid_until_height of a key that is not retiring.
inline constexpr uint64_t kKeyNotRetiring = UINT64_MAX;

struct MemberRecord {
  static constexpr uint16_t kRecordVersion = 1;
  std::string id;
  uint32_t roles = 0;  // ledger::Role bits
  std::vector<crypto::PublicKey> keys;
  bool HasRole(ledger::Role role) const { return (roles & role) != 0; }
  bool operator==(const MemberRecord&) const = default;
  template <class V>
  void Fields(V& v) {
    v.Id("id", id);
    v.U32("roles", roles);
    v.KeyList("keys", keys, ledger::kMaxMemberKeys);
  }
};

struct KeyRecord {
  static constexpr uint16_t kRecordVersion = 1;
  std::string member;
  // The last height at which a transaction signed with this key may commit;
  // kKeyNotRetiring if the key is not retiring.
  uint64_t valid_until_height = kKeyNotRetiring;
  bool retiring() const { return valid_until_height != kKeyNotRetiring; }
  bool operator==(const KeyRecord&) const = default;
  template <class V>
  void Fields(V& v) {
    v.Id("member", member);
    v.U64("valid_until_height", valid_until_height);
  }
};

struct MemberIndex {
  static constexpr uint16_t kRecordVersion = 1;
  std::vector<std::string> ids;  // sorted (bytewise)
  bool operator==(const MemberIndex&) const = default;
  template <class V>
  void Fields(V& v) {
    v.IdList("ids", ids, kMaxMembers);
  }
};

inline constexpr std::string_view kMemberIndexKey = "index/members";
std::string MemberStateKey(std::string_view member_id);
std::string SignerStateKey(const crypto::PublicKey& key);

Bytes EncodeMemberRecord(const MemberRecord& member);
// Also refuses unknown role bits.
Result<MemberRecord> DecodeMemberRecord(ByteView bytes);

// Readers: nullopt if absent; an error only for I/O or corruption.
Result<std::optional<MemberRecord>> LoadMember(const LedgerReader& state, std::string_view id);
Result<std::optional<KeyRecord>> LoadKeyRecord(const LedgerReader& state,
                                               const crypto::PublicKey& key);
// The member that holds `key` (retiring or not), if any.
Result<std::optional<std::string>> MemberOfKey(const LedgerReader& state,
                                               const crypto::PublicKey& key);
// The index is written with the genesis: absent is corruption.
Result<MemberIndex> LoadMemberIndex(const LedgerReader& state);

// The member id of the transaction's only signer (any role); kInvalidArgument unless there
// is exactly one signer.
Result<std::string> SoleSigner(const TxContext& context);
// The member id of the transaction's only signer, who must hold `role`: kInvalidArgument
// unless there is exactly one signer, kForbidden if the member lacks the role, or a fault.
Result<std::string> SoleSignerWithRole(const TxContext& context, const LedgerReader& state,
                                       ledger::Role role);
// Every signer's member holds `role` (kForbidden naming the first that does not).
Status SignersHoldRole(const TxContext& context, const LedgerReader& state, ledger::Role role);
// For kinds that count their signers (votes, signatures of a formula): no member signs
// twice — with two of its keys it would count twice (kInvalidArgument "'maker' signed
// twice") — and then, as SignersHoldRole, every signer's member holds `role`.
Status DistinctSignersHoldRole(const TxContext& context, const LedgerReader& state,
                               ledger::Role role);

// Writes `member`'s record and, for each of its keys, a key record that is not retiring.
// The member index is the caller's (WriteGenesisMembers, or a member.* execution).
void PutMember(StateOverlay& state, const MemberRecord& member);

// Writes the genesis members, their key records, the member index and the params.
void WriteGenesisMembers(const ledger::Genesis& genesis, StateOverlay& state);

}  // namespace covalue::contracts
