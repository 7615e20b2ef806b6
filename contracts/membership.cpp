#include "contracts/membership.h"

#include <algorithm>

namespace covalue::contracts {

std::string ProposalStateKey(std::string_view proposal_id) {
  return "proposal/" + std::string(proposal_id);
}

uint64_t ApprovalsNeeded(uint64_t voters, uint32_t approval_bps) {
  return (voters * approval_bps + 9999) / 10000;
}

std::string RoleNames(uint32_t roles) {
  std::string names;
  for (ledger::Role role : {ledger::kRoleMember, ledger::kRoleValidator, ledger::kRoleAuditor}) {
    if ((roles & role) == 0) continue;
    if (!names.empty()) names += ',';
    names += ledger::RoleName(role);
  }
  return names;
}

namespace {

std::string Join(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : ",") + id;
  return out;
}

// What each action's body must carry.
Status CheckProposalShape(const MemberChange& change) {
  if (change.action == MemberAction::kRemove) {
    if (change.roles != 0) return Status(Code::kInvalidArgument, "roles: remove takes none (0)");
    if (!change.keys.empty()) return Status(Code::kInvalidArgument, "keys: remove takes none");
    return Status::Ok();
  }
  if ((change.roles & ledger::kRoleValidator) != 0) {
    return Status(Code::kInvalidArgument, "roles: the validator role comes only from the genesis");
  }
  if (change.roles == 0 || (change.roles & ~kVotableRoles) != 0) {
    return Status(Code::kInvalidArgument, "roles: add takes member (1), auditor (4) or both (5)");
  }
  if (change.keys.empty())
    return Status(Code::kInvalidArgument, "keys: add takes at least one key");
  return Status::Ok();
}

// The membership as a whole, as the rules read it. Voters are the members with the
// `member` role: they alone approve, and the threshold is a share of them (auditors neither
// vote nor count), so a threshold can always be reached by the voters there are.
struct Membership {
  MemberIndex index;
  uint64_t voters = 0;
  uint32_t approval_bps = 0;
  uint64_t Needed() const { return ApprovalsNeeded(voters, approval_bps); }
};

Result<Membership> LoadMembership(const LedgerReader& state, const TxContext& context) {
  COVALUE_ASSIGN_OR_RETURN(MemberIndex index, LoadMemberIndex(state));
  uint64_t voters = 0;
  for (const auto& id : index.ids) {
    COVALUE_ASSIGN_OR_RETURN(auto member, LoadMember(state, id));
    if (!member) {
      return Status(Code::kCorruption, "index/members lists '" + id + "', who has no record");
    }
    if (member->HasRole(ledger::kRoleMember)) ++voters;
  }
  return Membership{std::move(index), voters, context.params.member_approval_bps};
}

Status CheckAddable(const MemberProposalRecord& proposal, const LedgerReader& state,
                    const Membership& membership) {
  COVALUE_ASSIGN_OR_RETURN(auto existing, LoadMember(state, proposal.change.member_id));
  if (existing)
    return Status(Code::kAlreadyExists, "member '" + proposal.change.member_id + "' exists");
  for (const auto& key : proposal.change.keys) {
    COVALUE_ASSIGN_OR_RETURN(auto holder, LoadKeyRecord(state, key));
    if (holder) {
      return Status(Code::kAlreadyExists,
                    "key " + ToHex(key) + " is held by '" + holder->member + "'");
    }
  }
  if (membership.index.ids.size() >= kMaxMembers) {
    return Status(Code::kFailedPrecondition,
                  "the ledger has " + std::to_string(kMaxMembers) + " members, the most it holds");
  }
  return Status::Ok();
}

Status CheckRemovable(const MemberProposalRecord& proposal, const LedgerReader& state,
                      const Membership& membership) {
  COVALUE_ASSIGN_OR_RETURN(auto target, LoadMember(state, proposal.change.member_id));
  if (!target) return Status(Code::kNotFound, "no member '" + proposal.change.member_id + "'");
  if (target->HasRole(ledger::kRoleValidator)) {
    return Status(Code::kFailedPrecondition, "'" + target->id +
                                                 "' holds the validator role: the validator set "
                                                 "does not change by vote");
  }
  if (target->HasRole(ledger::kRoleMember) && membership.voters == 1) {
    return Status(Code::kFailedPrecondition,
                  "'" + target->id + "' is the last member with the member role");
  }
  return Status::Ok();
}

// The proposal could execute now; the same checks run when it is proposed.
Status CheckExecutable(const MemberProposalRecord& proposal, const LedgerReader& state,
                       const Membership& membership) {
  return proposal.change.action == MemberAction::kAdd ? CheckAddable(proposal, state, membership)
                                                      : CheckRemovable(proposal, state, membership);
}

struct Tally {
  uint64_t approvals = 0;  // approvers that are members with the `member` role now
  uint64_t needed = 0;
};

Result<Tally> CountApprovals(const MemberProposalRecord& proposal, const LedgerReader& state,
                             const Membership& membership) {
  Tally tally{0, membership.Needed()};
  for (const auto& id : proposal.approvals) {
    COVALUE_ASSIGN_OR_RETURN(auto approver, LoadMember(state, id));
    if (approver && approver->HasRole(ledger::kRoleMember)) ++tally.approvals;
  }
  return tally;
}

// Writes the change `proposal` makes and marks it executed.
Status Execute(MemberProposalRecord& proposal, const TxContext& context,
               const Membership& membership, StateOverlay& state, TxOutcome& outcome) {
  MemberIndex index = membership.index;
  auto position = std::lower_bound(index.ids.begin(), index.ids.end(), proposal.change.member_id);
  if (proposal.change.action == MemberAction::kAdd) {
    MemberRecord member{proposal.change.member_id, proposal.change.roles, proposal.change.keys};
    PutMember(state, member);
    index.ids.insert(position, member.id);
    for (const auto& key : member.keys) outcome.entities.push_back(SignerStateKey(key));
    outcome.result.events.push_back(
        {"member.added", {{"member", member.id}, {"roles", RoleNames(member.roles)}}});
  } else {
    COVALUE_ASSIGN_OR_RETURN(auto member, LoadMember(state, proposal.change.member_id));
    if (!member || position == index.ids.end() || *position != proposal.change.member_id) {
      return Status(Code::kCorruption, "member '" + proposal.change.member_id + "' vanished");
    }
    state.Delete(MemberStateKey(member->id));
    for (const auto& key : member->keys) {
      state.Delete(SignerStateKey(key));
      outcome.entities.push_back(SignerStateKey(key));
    }
    index.ids.erase(position);
    outcome.result.events.push_back({"member.removed", {{"member", member->id}}});
  }
  StoreRecord(state, kMemberIndexKey, index);
  proposal.executed_height = context.height;
  return Status::Ok();
}

// After a vote: executes the proposal if its counted approvals reach the threshold (checking
// again that it can), and stores it. `vote_event` comes first among the events.
TxOutcome ConcludeVote(MemberProposalRecord proposal, ledger::Event vote_event, const Tally& tally,
                       const Membership& membership, const TxContext& context,
                       StateOverlay& state) {
  TxOutcome outcome;
  outcome.entities = {ProposalStateKey(proposal.id), MemberStateKey(proposal.change.member_id)};
  outcome.result.events.push_back(std::move(vote_event));
  if (tally.approvals >= tally.needed) {
    Status executed = CheckExecutable(proposal, state, membership);
    if (executed.ok()) executed = Execute(proposal, context, membership, state, outcome);
    if (!executed.ok()) return FromStatus(executed);
  }
  StoreRecord(state, ProposalStateKey(proposal.id), proposal);
  return outcome;
}

}  // namespace

TxOutcome ApplyMemberPropose(const ledger::Transaction& tx, const TxContext& context,
                             StateOverlay& state) {
  if (Status voters = DistinctSignersHoldRole(context, state, ledger::kRoleMember); !voters.ok())
    return FromStatus(voters);
  auto body = DecodeTxBody<MemberProposeBody>(tx.body);
  if (!body.ok()) return FromStatus(body.status());
  if (Status shape = CheckProposalShape(body->change); !shape.ok()) return FromStatus(shape);
  auto existing = state.Get(ProposalStateKey(body->proposal_id));
  if (!existing.ok()) return FromStatus(existing.status());
  if (*existing) {
    return Rejected(Code::kAlreadyExists, "proposal '" + body->proposal_id + "' exists");
  }

  MemberProposalRecord proposal;
  proposal.id = body->proposal_id;
  proposal.change = body->change;
  proposal.proposer = context.signer_members.front();
  proposal.approvals = context.signer_members;
  proposal.proposed_height = context.height;
  auto membership = LoadMembership(state, context);
  if (!membership.ok()) return FromStatus(membership.status());
  if (Status executable = CheckExecutable(proposal, state, *membership); !executable.ok()) {
    return FromStatus(executable);
  }
  auto tally = CountApprovals(proposal, state, *membership);
  if (!tally.ok()) return FromStatus(tally.status());
  ledger::Event proposed{"member.proposed",
                         {{"proposal", proposal.id},
                          {"action", std::string(EnumName(proposal.change.action))},
                          {"member", proposal.change.member_id},
                          {"approvals", std::to_string(tally->approvals)},
                          {"needed", std::to_string(tally->needed)}}};
  return ConcludeVote(std::move(proposal), std::move(proposed), *tally, *membership, context,
                      state);
}

TxOutcome ApplyMemberApprove(const ledger::Transaction& tx, const TxContext& context,
                             StateOverlay& state) {
  if (Status voters = DistinctSignersHoldRole(context, state, ledger::kRoleMember); !voters.ok())
    return FromStatus(voters);
  auto body = DecodeTxBody<MemberApproveBody>(tx.body);
  if (!body.ok()) return FromStatus(body.status());
  auto loaded = LoadRecord<MemberProposalRecord>(state, ProposalStateKey(body->proposal_id));
  if (!loaded.ok()) return FromStatus(loaded.status());
  if (!*loaded) return Rejected(Code::kNotFound, "no proposal '" + body->proposal_id + "'");
  MemberProposalRecord proposal = std::move(**loaded);
  if (!proposal.open()) {
    return Rejected(Code::kConflict, "proposal '" + proposal.id + "' was executed at height " +
                                         std::to_string(proposal.executed_height));
  }
  for (const auto& signer : context.signer_members) {
    if (std::find(proposal.approvals.begin(), proposal.approvals.end(), signer) !=
        proposal.approvals.end()) {
      return Rejected(Code::kDuplicate,
                      "'" + signer + "' has approved proposal '" + proposal.id + "' already");
    }
  }
  if (proposal.approvals.size() + context.signer_members.size() > kMaxMembers) {
    return Rejected(Code::kFailedPrecondition, "proposal '" + proposal.id + "' has " +
                                                   std::to_string(proposal.approvals.size()) +
                                                   " approvals, the most it records");
  }
  proposal.approvals.insert(proposal.approvals.end(), context.signer_members.begin(),
                            context.signer_members.end());
  auto membership = LoadMembership(state, context);
  if (!membership.ok()) return FromStatus(membership.status());
  auto tally = CountApprovals(proposal, state, *membership);
  if (!tally.ok()) return FromStatus(tally.status());
  ledger::Event approved{"member.approved",
                         {{"proposal", proposal.id},
                          {"by", Join(context.signer_members)},
                          {"approvals", std::to_string(tally->approvals)},
                          {"needed", std::to_string(tally->needed)}}};
  return ConcludeVote(std::move(proposal), std::move(approved), *tally, *membership, context,
                      state);
}

}  // namespace covalue::contracts
