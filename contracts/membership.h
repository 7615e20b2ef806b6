// member.propose and member.approve (docs/spec/contracts/membership.md): members vote a
// member in or out. A proposal ("proposal/<id>") collects approvals from members with the
// `member` role and executes, in the transaction that brings its counted approvals to
// ceil(voters × member_approval_bps / 10000) — voters being the members with the `member`
// role — by writing or deleting the member's record,
// key records and member index entry. Bodies, the proposal record and the threshold. Pure;
// thread-compatible.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "contracts/fields.h"
#include "contracts/kinds.h"
#include "contracts/member_record.h"

namespace covalue::contracts {

// Wire format: never renumber.
enum class MemberAction : uint8_t { kAdd = 1, kRemove = 2 };

template <>
struct EnumNames<MemberAction> {
  static constexpr std::array kValues = {
      std::pair{MemberAction::kAdd, std::string_view("add")},
      std::pair{MemberAction::kRemove, std::string_view("remove")}};
};

// The roles a vote may give: the validator role comes only from the genesis.
inline constexpr uint32_t kVotableRoles = ledger::kRoleMember | ledger::kRoleAuditor;

// What a proposal does: adds member `member_id` with `roles` and `keys`, or removes it.
// MemberProposeBody and MemberProposalRecord list these fields in line (flat on the wire and
// in JSON).
struct MemberChange {
  MemberAction action = MemberAction::kAdd;
  std::string member_id;
  uint32_t roles = 0;                   // add: a non-zero subset of kVotableRoles; remove: 0
  std::vector<crypto::PublicKey> keys;  // add: 1..64 keys; remove: none
  bool operator==(const MemberChange&) const = default;
  template <class V>
  void Fields(V& v) {
    v.Enum("action", action);
    v.Id("member_id", member_id);
    v.U32("roles", roles);
    v.KeyList("keys", keys, ledger::kMaxMemberKeys);
  }
};

struct MemberProposeBody {
  std::string proposal_id;
  MemberChange change;
  bool operator==(const MemberProposeBody&) const = default;
  template <class V>
  void Fields(V& v) {
    v.Id("proposal_id", proposal_id);
    change.Fields(v);
  }
};

struct MemberApproveBody {
  std::string proposal_id;
  bool operator==(const MemberApproveBody&) const = default;
  template <class V>
  void Fields(V& v) {
    v.Id("proposal_id", proposal_id);
  }
};

// "proposal/<proposal_id>": the proposal (flat: its id, then the change's fields) and its
// approvals.
struct MemberProposalRecord {
  static constexpr uint16_t kRecordVersion = 1;
  std::string id;
  MemberChange change;
  std::string proposer;                // the first signer's member
  std::vector<std::string> approvals;  // member ids, in the order they approved
  uint64_t proposed_height = 0;
  uint64_t executed_height = 0;  // 0 while open
  bool open() const { return executed_height == 0; }
  bool operator==(const MemberProposalRecord&) const = default;
  template <class V>
  void Fields(V& v) {
    v.Id("id", id);
    change.Fields(v);
    v.Id("proposer", proposer);
    v.IdList("approvals", approvals, kMaxMembers);
    v.U64("proposed_height", proposed_height);
    v.U64("executed_height", executed_height);
  }
};

std::string ProposalStateKey(std::string_view proposal_id);

// ceil(voters × approval_bps / 10000): approvals that execute a proposal.
uint64_t ApprovalsNeeded(uint64_t voters, uint32_t approval_bps);

// "member,auditor": the names of the role bits, in bit order.
std::string RoleNames(uint32_t roles);

// The contracts (contracts/kinds.h): ApplyMemberPropose, ApplyMemberApprove.

}  // namespace covalue::contracts
