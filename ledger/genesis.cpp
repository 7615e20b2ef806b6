#include "ledger/genesis.h"

#include <set>

#include "codec/writer.h"
#include "crypto/hash.h"
#include "ledger/block.h"
#include "ledger/identifiers.h"

namespace covalue::ledger {

std::string_view RoleName(Role role) {
  switch (role) {
    case kRoleMember: return "member";
    case kRoleValidator: return "validator";
    case kRoleAuditor: return "auditor";
  }
  return "unknown";
}

Result<Role> RoleFromName(std::string_view name) {
  for (Role role : {kRoleMember, kRoleValidator, kRoleAuditor}) {
    if (RoleName(role) == name) return role;
  }
  return Status(Code::kInvalidArgument, "unknown role '" + std::string(name) + "'");
}

Status ValidateGenesis(const Genesis& g) {
  if (!IsValidId(g.chain_id)) {
    return Status(Code::kInvalidArgument, "chain id must be 1-64 characters of [a-z0-9._-]");
  }
  if (g.members.empty()) return Status(Code::kInvalidArgument, "genesis has no members");
  if (g.members.size() > kMaxMembers) {
    return Status(Code::kInvalidArgument, "genesis has more than " + std::to_string(kMaxMembers) + " members");
  }
  bool voter = false;
  for (const auto& m : g.members) voter = voter || (m.roles & kRoleMember) != 0;
  if (!voter) return Status(Code::kInvalidArgument, "no genesis member has the member role");
  std::set<std::string> ids;
  std::set<crypto::PublicKey> keys;
  for (const auto& m : g.members) {
    if (!IsValidId(m.id)) return Status(Code::kInvalidArgument, "invalid member id '" + m.id + "'");
    if (!ids.insert(m.id).second) {
      return Status(Code::kInvalidArgument, "member '" + m.id + "' listed twice");
    }
    if (m.roles == 0 || (m.roles & ~kAllRoles) != 0) {
      return Status(Code::kInvalidArgument, "member '" + m.id + "' has no or unknown roles");
    }
    if (m.keys.empty() || m.keys.size() > kMaxMemberKeys) {
      return Status(Code::kInvalidArgument, "member '" + m.id + "' must have 1 to " +
                                                std::to_string(kMaxMemberKeys) + " keys");
    }
    for (const auto& k : m.keys) {
      if (!keys.insert(k).second) {
        return Status(Code::kInvalidArgument, "a key of member '" + m.id + "' is used twice");
      }
    }
  }
  for (const auto& v : g.validators) {
    if (!IsValidId(v.name)) return Status(Code::kInvalidArgument, "invalid validator name '" + v.name + "'");
  }
  auto validators = consensus::ValidatorSet::Create(g.validators);
  if (!validators.ok()) return validators.status();
  if (g.params.max_block_txs == 0 || g.params.max_block_txs > kMaxBlockTxs) {
    return Status(Code::kInvalidArgument, "max_block_txs must be 1.." + std::to_string(kMaxBlockTxs));
  }
  if (g.params.max_block_bytes < 64 * 1024 || g.params.max_block_bytes > kMaxBlockBytesLimit) {
    return Status(Code::kInvalidArgument, "max_block_bytes must be 64 KiB.." +
                                              std::to_string(kMaxBlockBytesLimit));
  }
  if (g.params.max_tx_lifetime == 0) {
    return Status(Code::kInvalidArgument, "max_tx_lifetime must be positive");
  }
  if (g.params.member_approval_bps == 0 || g.params.member_approval_bps > 10000) {
    return Status(Code::kInvalidArgument, "member_approval_bps must be 1..10000");
  }
  return Status::Ok();
}

Bytes EncodeGenesis(const Genesis& g) {
  codec::Writer w;
  w.U16(1);  // genesis format version
  w.String(g.chain_id);
  w.I64(g.genesis_time_ms);
  w.Count(g.members.size());
  for (const auto& m : g.members) {
    w.String(m.id);
    w.U32(m.roles);
    w.Count(m.keys.size());
    for (const auto& k : m.keys) w.Raw(k);
  }
  w.Count(g.validators.size());
  for (const auto& v : g.validators) {
    w.String(v.name);
    w.Raw(v.key);
  }
  w.U32(g.params.max_block_txs);
  w.U64(g.params.max_block_bytes);
  w.U64(g.params.max_tx_lifetime);
  w.U32(g.params.member_approval_bps);
  return std::move(w).Take();
}

Hash32 GenesisHash(const Genesis& genesis) { return crypto::Sha256(EncodeGenesis(genesis)); }

}  // namespace covalue::ledger
