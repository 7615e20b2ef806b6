// Members as stored in the state: "member/<id>" holds the record, "key/<hex public key>"
// maps each key to its member. Written from the genesis (later by membership
// transactions). Pure functions over a LedgerReader/StateOverlay; thread-compatible.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "contracts/state.h"
#include "contracts/tx_context.h"
#include "crypto/keys.h"
#include "ledger/genesis.h"

namespace covalue::contracts {

struct MemberRecord {
  std::string id;
  uint32_t roles = 0;
  std::vector<crypto::PublicKey> keys;
  bool HasRole(ledger::Role role) const { return (roles & role) != 0; }
  bool operator==(const MemberRecord&) const = default;
};

std::string MemberStateKey(std::string_view member_id);
std::string SignerStateKey(const crypto::PublicKey& key);

Bytes EncodeMemberRecord(const MemberRecord& member);
Result<MemberRecord> DecodeMemberRecord(ByteView bytes);

Result<std::optional<MemberRecord>> LoadMember(const LedgerReader& state, std::string_view id);
// The member that holds `key`, if any.
Result<std::optional<std::string>> MemberOfKey(const LedgerReader& state,
                                               const crypto::PublicKey& key);

// The member id of the transaction's only signer, who must hold `role`: kInvalidArgument
// unless there is exactly one signer, kForbidden if the member lacks the role, or a fault.
Result<std::string> SoleSignerWithRole(const TxContext& context, const LedgerReader& state,
                                       ledger::Role role);
// Every signer's member holds `role` (kForbidden naming the first that does not).
Status SignersHoldRole(const TxContext& context, const LedgerReader& state, ledger::Role role);

// Writes the genesis members and their key index into `state`.
void WriteGenesisMembers(const ledger::Genesis& genesis, StateOverlay& state);

}  // namespace covalue::contracts
