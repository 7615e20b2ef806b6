#include "contracts/member_record.h"

#include <algorithm>
#include <set>

namespace covalue::contracts {

std::string MemberStateKey(std::string_view member_id) {
  return "member/" + std::string(member_id);
}

std::string SignerStateKey(const crypto::PublicKey& key) {
  return "key/" + ToHex(key);
}

Bytes EncodeMemberRecord(const MemberRecord& member) {
  return EncodeRecord(member);
}

Result<MemberRecord> DecodeMemberRecord(ByteView bytes) {
  COVALUE_ASSIGN_OR_RETURN(MemberRecord member, DecodeRecord<MemberRecord>(bytes));
  if ((member.roles & ~ledger::kAllRoles) != 0) {
    return Status(Code::kCorruption, "unknown role bits");
  }
  return member;
}

Result<std::optional<MemberRecord>> LoadMember(const LedgerReader& state, std::string_view id) {
  COVALUE_ASSIGN_OR_RETURN(auto bytes, state.Get(MemberStateKey(id)));
  if (!bytes) return std::optional<MemberRecord>();
  auto member = DecodeMemberRecord(*bytes);
  if (!member.ok()) return Status(Code::kCorruption, "member record: " + member.status().message());
  return std::optional<MemberRecord>(std::move(member).value());
}

Result<std::optional<KeyRecord>> LoadKeyRecord(const LedgerReader& state,
                                               const crypto::PublicKey& key) {
  return LoadRecord<KeyRecord>(state, SignerStateKey(key));
}

Result<std::optional<std::string>> MemberOfKey(const LedgerReader& state,
                                               const crypto::PublicKey& key) {
  COVALUE_ASSIGN_OR_RETURN(auto record, LoadKeyRecord(state, key));
  if (!record) return std::optional<std::string>();
  return std::optional<std::string>(std::move(record->member));
}

Result<MemberIndex> LoadMemberIndex(const LedgerReader& state) {
  COVALUE_ASSIGN_OR_RETURN(auto index, LoadRecord<MemberIndex>(state, kMemberIndexKey));
  if (!index) return Status(Code::kCorruption, "'index/members' is missing");
  return std::move(*index);
}

Status SignersHoldRole(const TxContext& context, const LedgerReader& state, ledger::Role role) {
  for (const auto& id : context.signer_members) {
    COVALUE_ASSIGN_OR_RETURN(auto member, LoadMember(state, id));
    if (!member || !member->HasRole(role)) {
      return Status(Code::kForbidden,
                    "'" + id + "' lacks the " + std::string(ledger::RoleName(role)) + " role");
    }
  }
  return Status::Ok();
}

Status DistinctSignersHoldRole(const TxContext& context, const LedgerReader& state,
                               ledger::Role role) {
  std::set<std::string_view> seen;
  for (const auto& id : context.signer_members) {
    if (!seen.insert(id).second) return Status(Code::kInvalidArgument, "'" + id + "' signed twice");
  }
  return SignersHoldRole(context, state, role);
}

Result<std::string> SoleSigner(const TxContext& context) {
  if (context.signer_members.size() != 1) {
    return Status(Code::kInvalidArgument, "this kind takes exactly one signer");
  }
  return context.signer_members.front();
}

Result<std::string> SoleSignerWithRole(const TxContext& context, const LedgerReader& state,
                                       ledger::Role role) {
  COVALUE_ASSIGN_OR_RETURN(std::string signer, SoleSigner(context));
  COVALUE_RETURN_IF_ERROR(SignersHoldRole(context, state, role));
  return signer;
}

void PutMember(StateOverlay& state, const MemberRecord& member) {
  StoreRecord(state, MemberStateKey(member.id), member);
  for (const auto& key : member.keys) {
    StoreRecord(state, SignerStateKey(key), KeyRecord{member.id, kKeyNotRetiring});
  }
}

void WriteGenesisMembers(const ledger::Genesis& genesis, StateOverlay& state) {
  MemberIndex index;
  for (const auto& m : genesis.members) {
    PutMember(state, MemberRecord{m.id, m.roles, m.keys});
    index.ids.push_back(m.id);
  }
  std::sort(index.ids.begin(), index.ids.end());
  StoreRecord(state, kMemberIndexKey, index);
}

}  // namespace covalue::contracts
