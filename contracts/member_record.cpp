#include "contracts/member_record.h"

#include "codec/reader.h"
#include "codec/writer.h"
#include "ledger/identifiers.h"

namespace covalue::contracts {

std::string MemberStateKey(std::string_view member_id) {
  return "member/" + std::string(member_id);
}

std::string SignerStateKey(const crypto::PublicKey& key) { return "key/" + ToHex(key); }

Bytes EncodeMemberRecord(const MemberRecord& member) {
  codec::Writer w;
  w.U16(1);  // record version
  w.String(member.id);
  w.U32(member.roles);
  w.Count(member.keys.size());
  for (const auto& k : member.keys) w.Raw(k);
  return std::move(w).Take();
}

Result<MemberRecord> DecodeMemberRecord(ByteView bytes) {
  codec::Reader r(bytes);
  MemberRecord m;
  uint16_t version = 0;
  COVALUE_RETURN_IF_ERROR(r.U16(&version));
  if (version != 1) return Status(Code::kCorruption, "member record version unknown");
  COVALUE_RETURN_IF_ERROR(r.String(&m.id, ledger::kMaxIdLength));
  COVALUE_RETURN_IF_ERROR(r.U32(&m.roles));
  if ((m.roles & ~ledger::kAllRoles) != 0) return Status(Code::kCorruption, "unknown role bits");
  uint32_t count = 0;
  COVALUE_RETURN_IF_ERROR(r.Count(&count, ledger::kMaxMemberKeys, 32));
  m.keys.resize(count);
  for (auto& k : m.keys) COVALUE_RETURN_IF_ERROR(r.Raw(k));
  COVALUE_RETURN_IF_ERROR(r.Finish());
  return m;
}

Result<std::optional<MemberRecord>> LoadMember(const LedgerReader& state, std::string_view id) {
  COVALUE_ASSIGN_OR_RETURN(auto bytes, state.Get(MemberStateKey(id)));
  if (!bytes) return std::optional<MemberRecord>();
  auto member = DecodeMemberRecord(*bytes);
  if (!member.ok()) return Status(Code::kCorruption, "member record: " + member.status().message());
  return std::optional<MemberRecord>(std::move(member).value());
}

Result<std::optional<std::string>> MemberOfKey(const LedgerReader& state,
                                               const crypto::PublicKey& key) {
  COVALUE_ASSIGN_OR_RETURN(auto bytes, state.Get(SignerStateKey(key)));
  if (!bytes) return std::optional<std::string>();
  return std::optional<std::string>(std::string(AsString(*bytes)));
}

Status SignersHoldRole(const TxContext& context, const LedgerReader& state, ledger::Role role) {
  for (const auto& id : context.signer_members) {
    COVALUE_ASSIGN_OR_RETURN(auto member, LoadMember(state, id));
    if (!member || !member->HasRole(role)) {
      return Status(Code::kForbidden, "'" + id + "' lacks the " + std::string(ledger::RoleName(role)) + " role");
    }
  }
  return Status::Ok();
}

Result<std::string> SoleSignerWithRole(const TxContext& context, const LedgerReader& state,
                                       ledger::Role role) {
  if (context.signer_members.size() != 1) {
    return Status(Code::kInvalidArgument, "this kind takes exactly one signer");
  }
  COVALUE_RETURN_IF_ERROR(SignersHoldRole(context, state, role));
  return context.signer_members.front();
}

void WriteGenesisMembers(const ledger::Genesis& genesis, StateOverlay& state) {
  for (const auto& m : genesis.members) {
    MemberRecord record{m.id, m.roles, m.keys};
    state.Put(MemberStateKey(m.id), EncodeMemberRecord(record));
    for (const auto& key : m.keys) {
      auto id = AsBytes(m.id);
      state.Put(SignerStateKey(key), Bytes(id.begin(), id.end()));
    }
  }
}

}  // namespace covalue::contracts
