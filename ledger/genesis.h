// The genesis: what every node and auditor trusts from the start — chain id, initial
// members with their keys and roles, the validators, and the chain parameters. Its
// canonical encoding is hashed; the hash is block 1's previous id, so a chain is bound to
// its genesis. (node/genesis_file.h reads and writes it as JSON for people.)
// Plain values and pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "consensus/validator_set.h"
#include "crypto/keys.h"

namespace covalue::ledger {

// Member roles, a bit set. Wire format: never renumber.
enum Role : uint32_t {
  kRoleMember = 1u << 0,
  kRoleValidator = 1u << 1,
  kRoleAuditor = 1u << 2,
};
inline constexpr uint32_t kAllRoles = kRoleMember | kRoleValidator | kRoleAuditor;
inline constexpr size_t kMaxMemberKeys = 64;
inline constexpr size_t kMaxMembers = 1024;  // on the ledger at any time
// "member" etc.; for JSON and the CLI.
std::string_view RoleName(Role role);
Result<Role> RoleFromName(std::string_view name);

struct GenesisMember {
  std::string id;
  uint32_t roles = 0;
  std::vector<crypto::PublicKey> keys;
  bool operator==(const GenesisMember&) const = default;
};

inline constexpr uint64_t kMaxBlockBytesLimit = 15u << 20;  // under the consensus value limit

struct ChainParams {
  uint32_t max_block_txs = 2000;
  uint64_t max_block_bytes = 8u << 20;  // encoded transactions per block
  uint64_t max_tx_lifetime = 1000;  // expiry_height may be at most height + this
  // Share of the voting members (those with the member role), in basis points, whose
  // approval adds or removes a member: needed = ceil(voters × bps / 10000). The default
  // 6666 is ceil(2/3 × voters) for every membership up to 1024 (3 → 2, 4 → 3, 6 → 4).
  uint32_t member_approval_bps = 6666;
  bool operator==(const ChainParams&) const = default;
};

struct Genesis {
  std::string chain_id;
  int64_t genesis_time_ms = 0;
  std::vector<GenesisMember> members;
  std::vector<consensus::Validator> validators;
  ChainParams params;
  bool operator==(const Genesis&) const = default;
};

Status ValidateGenesis(const Genesis& genesis);
Bytes EncodeGenesis(const Genesis& genesis);
Hash32 GenesisHash(const Genesis& genesis);

}  // namespace covalue::ledger
