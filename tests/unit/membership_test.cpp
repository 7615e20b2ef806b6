// member.propose and member.approve (contracts/membership.h) through the real executor
// (ContractHarness): the threshold, adding and removing members, approvals that stop counting,
// every refusal with its code — and that a refusal changed nothing.
#include <catch2/catch.hpp>

#include "contracts/member_keys.h"
#include "contracts/membership.h"
#include "tests/support/contract_harness.h"
#include "tests/support/test_support.h"

namespace covalue::contracts {
namespace {

using testing::ContractHarness;
using testing::ContractRun;
using testing::HarnessMember;
using testing::KeyFromLabel;

crypto::PublicKey PublicKeyOf(std::string_view label) {
  return KeyFromLabel(label).public_key();
}

MemberProposeBody AddBody(std::string proposal, std::string member,
                          uint32_t roles = ledger::kRoleMember) {
  return {std::move(proposal), MemberAction::kAdd, member, roles, {PublicKeyOf(member)}};
}
MemberProposeBody RemoveBody(std::string proposal, std::string member) {
  return {std::move(proposal), MemberAction::kRemove, std::move(member), 0, {}};
}

ContractRun Propose(ContractHarness& h, const MemberProposeBody& body,
                    const std::vector<std::string>& signers) {
  return h.Run(ledger::TxKind::kMemberPropose, body, signers);
}
ContractRun Approve(ContractHarness& h, std::string proposal,
                    const std::vector<std::string>& signers) {
  return h.Run(ledger::TxKind::kMemberApprove, MemberApproveBody{std::move(proposal)}, signers);
}

bool Has(const ContractHarness& h, std::string_view key) {
  return h.state().Get(key).value().has_value();
}
std::vector<std::string> MemberIds(const ContractHarness& h) {
  return h.Load<MemberIndex>(kMemberIndexKey).ids;
}
MemberProposalRecord Proposal(const ContractHarness& h, std::string_view id) {
  return h.Load<MemberProposalRecord>(ProposalStateKey(id));
}

// A dataset.register signed with `key`: any transaction shows whether admission takes the key.
ContractRun SignWith(ContractHarness& h, const crypto::KeyPair& key, std::string dataset) {
  DatasetRegisterBody body{std::move(dataset), Hash32{}, "d"};
  return h.RunSignedBy(ledger::TxKind::kDatasetRegister, EncodeFields(body), {&key});
}

TEST_CASE("the threshold is ceil(members x bps / 10000)", "[membership]") {
  CHECK(ApprovalsNeeded(4, 6667) == 3);
  CHECK(ApprovalsNeeded(3, 6667) == 3);  // 2.0001 rounds up: more than two thirds
  CHECK(ApprovalsNeeded(6, 6667) == 5);
  CHECK(ApprovalsNeeded(10, 5000) == 5);
  CHECK(ApprovalsNeeded(11, 5000) == 6);
  CHECK(ApprovalsNeeded(1, 1) == 1);
  CHECK(ApprovalsNeeded(1024, 10000) == 1024);
  CHECK(RoleNames(ledger::kRoleMember | ledger::kRoleAuditor) == "member,auditor");
}

TEST_CASE("the genesis writes the member index and the approval share", "[membership]") {
  ContractHarness h;
  CHECK(MemberIds(h) == std::vector<std::string>{"auditor", "maker", "startup", "telco"});
  CHECK(h.Load<MembershipParams>(kMembershipParamsKey).member_approval_bps == 6667);
  CHECK(h.Load<KeyRecord>(SignerStateKey(PublicKeyOf("maker"))) ==
        KeyRecord{"maker", kKeyNotRetiring});
}

TEST_CASE("a member is added by 3 of 4 approvals", "[membership]") {
  ContractHarness h;  // maker, startup, telco (member), auditor (auditor): 4 members
  ContractRun proposed =
      Propose(h, AddBody("p1", "newco", ledger::kRoleMember | ledger::kRoleAuditor), {"maker"});
  REQUIRE(proposed.ok());
  CHECK(proposed.Event("member.proposed", "proposal") == "p1");
  CHECK(proposed.Event("member.proposed", "action") == "add");
  CHECK(proposed.Event("member.proposed", "member") == "newco");
  CHECK(proposed.Event("member.proposed", "approvals") == "1");
  CHECK(proposed.Event("member.proposed", "needed") == "3");
  CHECK(proposed.entities ==
        std::vector<std::string>{"proposal/p1", "member/newco", "member/maker"});
  MemberProposalRecord record = Proposal(h, "p1");
  CHECK(record.proposer == "maker");
  CHECK(record.approvals == std::vector<std::string>{"maker"});
  CHECK(record.proposed_height == h.height());
  CHECK(record.open());

  ContractRun second = Approve(h, "p1", {"startup"});
  REQUIRE(second.ok());
  CHECK(second.Event("member.approved", "by") == "startup");
  CHECK(second.Event("member.approved", "approvals") == "2");
  CHECK(second.result.events.size() == 1);
  CHECK_FALSE(Has(h, MemberStateKey("newco")));
  CHECK(SignWith(h, KeyFromLabel("newco"), "early").code() == Code::kUnknownSigner);

  ContractRun third = Approve(h, "p1", {"telco"});
  REQUIRE(third.ok());
  CHECK(third.Event("member.approved", "approvals") == "3");
  CHECK(third.Event("member.added", "member") == "newco");
  CHECK(third.Event("member.added", "roles") == "member,auditor");
  CHECK(third.entities == std::vector<std::string>{"proposal/p1", "member/newco",
                                                   SignerStateKey(PublicKeyOf("newco")),
                                                   "member/telco"});
  CHECK(h.Load<MemberRecord>(MemberStateKey("newco")) ==
        MemberRecord{"newco", ledger::kRoleMember | ledger::kRoleAuditor, {PublicKeyOf("newco")}});
  CHECK(h.Load<KeyRecord>(SignerStateKey(PublicKeyOf("newco"))) ==
        KeyRecord{"newco", kKeyNotRetiring});
  CHECK(MemberIds(h) == std::vector<std::string>{"auditor", "maker", "newco", "startup", "telco"});
  CHECK(Proposal(h, "p1").executed_height == h.height());
  CHECK(SignWith(h, KeyFromLabel("newco"), "welcome").ok());

  SECTION("an executed proposal takes no more approvals") {
    MemberProposalRecord before = Proposal(h, "p1");
    auto newco = KeyFromLabel("newco");
    CHECK(h.RunSignedBy(ledger::TxKind::kMemberApprove, EncodeFields(MemberApproveBody{"p1"}),
                        {&newco})
              .code() == Code::kConflict);
    CHECK(Approve(h, "p1", {"maker"}).code() ==
          Code::kConflict);  // conflict comes before duplicate
    CHECK(Proposal(h, "p1") == before);
  }
  SECTION("now 5 members: 4 approvals are needed") {
    CHECK(Propose(h, AddBody("p2", "other"), {"maker"}).Event("member.proposed", "needed") == "4");
  }
}

TEST_CASE("signers of one transaction each approve; enough of them execute at once",
          "[membership]") {
  ContractHarness h;
  ContractRun run = Propose(h, AddBody("p1", "newco"), {"maker", "startup", "telco"});
  REQUIRE(run.ok());
  CHECK(run.Event("member.proposed", "approvals") == "3");
  CHECK(run.Event("member.added", "member") == "newco");
  CHECK(Proposal(h, "p1").approvals == std::vector<std::string>{"maker", "startup", "telco"});
  CHECK_FALSE(Proposal(h, "p1").open());
}

TEST_CASE("a removed member's record, keys and index entry go at once", "[membership]") {
  ContractHarness h;
  REQUIRE(Propose(h, RemoveBody("p1", "auditor"), {"maker", "startup"}).ok());
  CHECK(Has(h, MemberStateKey("auditor")));
  ContractRun run = Approve(h, "p1", {"telco"});
  REQUIRE(run.ok());
  CHECK(run.Event("member.removed", "member") == "auditor");
  CHECK(run.entities == std::vector<std::string>{"proposal/p1", "member/auditor",
                                                 SignerStateKey(PublicKeyOf("auditor")),
                                                 "member/telco"});
  CHECK_FALSE(Has(h, MemberStateKey("auditor")));
  CHECK_FALSE(Has(h, SignerStateKey(PublicKeyOf("auditor"))));
  CHECK(MemberIds(h) == std::vector<std::string>{"maker", "startup", "telco"});
  CHECK(SignWith(h, h.key("auditor"), "late").code() == Code::kUnknownSigner);

  SECTION("a member may approve its own removal; the id can be proposed again") {
    REQUIRE(Propose(h, RemoveBody("p2", "telco"), {"maker", "startup"})
                .Event("member.proposed", "needed") == "3");
    REQUIRE(Approve(h, "p2", {"telco"}).Event("member.removed", "member") == "telco");
    CHECK(MemberIds(h) == std::vector<std::string>{"maker", "startup"});
    CHECK(SignWith(h, h.key("telco"), "late").code() == Code::kUnknownSigner);
    CHECK(
        Propose(h, AddBody("p3", "telco"), {"maker", "startup"}).Event("member.added", "member") ==
        "telco");
    CHECK(SignWith(h, h.key("telco"), "back").ok());
  }
}

TEST_CASE("a change that would leave the approvers short of the threshold is refused",
          "[membership]") {
  ContractHarness h;  // 4 members, 3 of them with the member role: 3 approvals needed
  // A fifth member without the member role: 4 would be needed, 3 could approve.
  ContractRun auditor = Propose(h, AddBody("p1", "audco", ledger::kRoleAuditor), {"maker"});
  CHECK(auditor.code() == Code::kFailedPrecondition);
  // Without telco: 3 needed of 3 members, 2 could approve.
  CHECK(Propose(h, RemoveBody("p2", "telco"), {"maker"}).code() == Code::kFailedPrecondition);
  CHECK_FALSE(Has(h, ProposalStateKey("p1")));
  CHECK_FALSE(Has(h, ProposalStateKey("p2")));
  // With a fourth approver telco may go (3 of 4 members approve then).
  REQUIRE(Propose(h, AddBody("p3", "newco"), {"maker", "startup", "telco"})
              .Event("member.added", "member") == "newco");
  CHECK(Propose(h, RemoveBody("p2", "telco"), {"maker"}).ok());
  // With a lower share, the auditor may join: 3 of 5 needed.
  ledger::ChainParams half;
  half.member_approval_bps = 5000;
  ContractHarness lenient({{"maker"}, {"startup"}, {"telco"}, {"auditor", ledger::kRoleAuditor}},
                          half);
  CHECK(Propose(lenient, AddBody("p1", "audco", ledger::kRoleAuditor), {"maker", "startup"})
            .Event("member.added", "roles") == "auditor");
}

TEST_CASE("the approval share is the genesis's member_approval_bps", "[membership]") {
  const std::vector<HarnessMember> five = {{"a"}, {"b"}, {"c"}, {"d"}, {"e"}};
  auto params_with = [](uint32_t bps) {
    ledger::ChainParams params;
    params.member_approval_bps = bps;
    return params;
  };
  SECTION("10000: every member") {
    ContractHarness h(five, params_with(10000));
    CHECK(Propose(h, AddBody("p1", "newco"), {"a", "b", "c", "d"})
              .Event("member.proposed", "needed") == "5");
    CHECK_FALSE(Has(h, MemberStateKey("newco")));
    CHECK(Approve(h, "p1", {"e"}).Event("member.added", "member") == "newco");
  }
  SECTION("5000: half, rounded up") {
    ContractHarness h(five, params_with(5000));
    CHECK(Propose(h, AddBody("p1", "newco"), {"a", "b"}).Event("member.proposed", "needed") == "3");
    CHECK(Approve(h, "p1", {"c"}).Event("member.added", "member") == "newco");
  }
  SECTION("1: one member decides alone") {
    ContractHarness h(five, params_with(1));
    ContractRun run = Propose(h, AddBody("p1", "newco"), {"a"});
    CHECK(run.Event("member.proposed", "needed") == "1");
    CHECK(run.Event("member.added", "member") == "newco");
  }
}

TEST_CASE("approvals of members removed since do not count", "[membership]") {
  ContractHarness h({{"a"}, {"b"}, {"c"}, {"d"}, {"e"}});  // 5 members: 4 needed
  REQUIRE(Propose(h, AddBody("p1", "newco"), {"a"}).Event("member.proposed", "approvals") == "1");
  REQUIRE(
      Propose(h, RemoveBody("p2", "a"), {"b", "c", "d", "e"}).Event("member.removed", "member") ==
      "a");
  // 4 members now: 3 needed; a's approval no longer counts.
  ContractRun b = Approve(h, "p1", {"b"});
  CHECK(b.Event("member.approved", "approvals") == "1");
  CHECK(b.Event("member.approved", "needed") == "3");
  CHECK(Approve(h, "p1", {"c"}).Event("member.approved", "approvals") == "2");
  CHECK_FALSE(Has(h, MemberStateKey("newco")));
  ContractRun d = Approve(h, "p1", {"d"});
  CHECK(d.Event("member.approved", "approvals") == "3");
  CHECK(d.Event("member.added", "member") == "newco");
  CHECK(Proposal(h, "p1").approvals == std::vector<std::string>{"a", "b", "c", "d"});
}

TEST_CASE("member.propose refusals change nothing", "[membership]") {
  ContractHarness h;
  REQUIRE(Propose(h, RemoveBody("taken", "auditor"), {"maker"}).ok());
  const MemberProposalRecord taken = Proposal(h, "taken");
  auto refused = [&](const MemberProposeBody& body, const std::vector<std::string>& signers,
                     Code code) {
    INFO("proposal " << body.proposal_id << " signed by " << signers.front());
    ContractRun run = Propose(h, body, signers);
    CHECK(run.code() == code);
    CHECK(run.result.events.empty());
    if (body.proposal_id != "taken") CHECK_FALSE(Has(h, ProposalStateKey(body.proposal_id)));
  };
  refused(AddBody("p1", "newco"), {"auditor"}, Code::kForbidden);
  refused(AddBody("p1", "newco"), {"maker", "auditor"}, Code::kForbidden);
  auto add = [](uint32_t roles, std::vector<crypto::PublicKey> keys) {
    return MemberProposeBody{"p1", MemberAction::kAdd, "newco", roles, std::move(keys)};
  };
  refused(add(0, {PublicKeyOf("newco")}), {"maker"}, Code::kInvalidArgument);
  refused(add(ledger::kRoleMember | ledger::kRoleValidator, {PublicKeyOf("newco")}), {"maker"},
          Code::kInvalidArgument);
  refused(add(ledger::kRoleValidator, {PublicKeyOf("newco")}), {"maker"}, Code::kInvalidArgument);
  refused(add(8, {PublicKeyOf("newco")}), {"maker"}, Code::kInvalidArgument);
  refused(add(ledger::kRoleMember, {}), {"maker"}, Code::kInvalidArgument);
  refused({"p1", MemberAction::kRemove, "telco", ledger::kRoleMember, {}}, {"maker"},
          Code::kInvalidArgument);
  refused({"p1", MemberAction::kRemove, "telco", 0, {PublicKeyOf("telco")}}, {"maker"},
          Code::kInvalidArgument);
  refused(AddBody("taken", "newco"), {"maker"}, Code::kAlreadyExists);
  refused(AddBody("p1", "telco"), {"maker"}, Code::kAlreadyExists);
  refused({"p1", MemberAction::kAdd, "newco", 1, {PublicKeyOf("newco"), PublicKeyOf("startup")}},
          {"maker"}, Code::kAlreadyExists);
  refused(RemoveBody("p1", "nobody"), {"maker"}, Code::kNotFound);
  CHECK(Proposal(h, "taken") == taken);
  CHECK(MemberIds(h) == std::vector<std::string>{"auditor", "maker", "startup", "telco"});

  SECTION("bodies that do not decode") {
    Bytes bad_action = EncodeFields(AddBody("p1", "newco"));
    bad_action[4 + 2] = 3;  // after string "p1": the action byte
    CHECK(h.Run(ledger::TxKind::kMemberPropose, bad_action, {"maker"}).code() ==
          Code::kUnknownEnum);
    Bytes bad_id = EncodeFields(AddBody("p1", "New Co"));
    CHECK(h.Run(ledger::TxKind::kMemberPropose, bad_id, {"maker"}).code() ==
          Code::kInvalidArgument);
    CHECK(h.Run(ledger::TxKind::kMemberPropose, Bytes{1, 2}, {"maker"}).code() == Code::kMalformed);
    CHECK_FALSE(Has(h, ProposalStateKey("p1")));
  }
  SECTION("two keys of one member are one approver") {
    auto second = KeyFromLabel("maker-2");
    KeyAddBody key{second.public_key(), ProveKeyPossession(second, h.genesis().chain_id, "maker")};
    REQUIRE(h.Run(ledger::TxKind::kKeyAdd, key, {"maker"}).ok());
    ContractRun run =
        h.RunSignedBy(ledger::TxKind::kMemberPropose, EncodeFields(AddBody("p1", "newco")),
                      {&h.key("maker"), &second});
    CHECK(run.code() == Code::kInvalidArgument);
    CHECK_FALSE(Has(h, ProposalStateKey("p1")));
  }
}

TEST_CASE("removal keeps the validators and one member with the member role", "[membership]") {
  ContractHarness h(
      {{"alpha"}, {"beta"}, {"gamma"}, {"val", ledger::kRoleMember | ledger::kRoleValidator}});
  CHECK(Propose(h, RemoveBody("p1", "val"), {"alpha", "beta", "val"}).code() ==
        Code::kFailedPrecondition);
  CHECK_FALSE(Has(h, ProposalStateKey("p1")));
  REQUIRE(Propose(h, RemoveBody("p2", "beta"), {"alpha", "beta", "val"})
              .Event("member.removed", "member") == "beta");
  ContractHarness last({{"solo"}, {"aud", ledger::kRoleAuditor}});
  CHECK(Propose(last, RemoveBody("p1", "solo"), {"solo"}).code() == Code::kFailedPrecondition);
  CHECK(Has(last, MemberStateKey("solo")));
  CHECK_FALSE(Has(last, ProposalStateKey("p1")));
}

TEST_CASE("the ledger holds at most 1024 members", "[membership]") {
  std::vector<HarnessMember> members;
  for (uint32_t i = 0; i < kMaxMembers; ++i) members.push_back({"m" + std::to_string(i)});
  ledger::ChainParams params;
  params.member_approval_bps = 1;
  ContractHarness h(members, params);
  CHECK(Propose(h, AddBody("p1", "newco"), {"m0"}).code() == Code::kFailedPrecondition);
  CHECK_FALSE(Has(h, ProposalStateKey("p1")));
  REQUIRE(Propose(h, RemoveBody("p2", "m1"), {"m0"}).Event("member.removed", "member") == "m1");
  CHECK(Propose(h, AddBody("p1", "newco"), {"m0"}).Event("member.added", "member") == "newco");
  CHECK(MemberIds(h).size() == kMaxMembers);
}

TEST_CASE("member.approve refusals change nothing", "[membership]") {
  ContractHarness h;
  REQUIRE(Propose(h, AddBody("p1", "newco"), {"maker"}).ok());
  const MemberProposalRecord open = Proposal(h, "p1");
  CHECK(Approve(h, "nope", {"startup"}).code() == Code::kNotFound);
  CHECK(Approve(h, "p1", {"auditor"}).code() == Code::kForbidden);
  CHECK(Approve(h, "p1", {"maker"}).code() == Code::kDuplicate);
  CHECK(Approve(h, "p1", {"startup", "maker"}).code() == Code::kDuplicate);
  CHECK(h.Run(ledger::TxKind::kMemberApprove, Bytes{9}, {"startup"}).code() == Code::kMalformed);
  CHECK(Proposal(h, "p1") == open);
  REQUIRE(Approve(h, "p1", {"startup", "telco"}).Event("member.added", "member") == "newco");
  CHECK(Approve(h, "p1", {"maker"}).code() == Code::kConflict);
}

TEST_CASE("execution checks again what the proposal checked", "[membership]") {
  ContractHarness h;
  auto approve_to_threshold_fails = [&](std::string proposal, const crypto::KeyPair& approver,
                                        Code code) {
    MemberProposalRecord before = Proposal(h, proposal);
    ContractRun run = h.RunSignedBy(ledger::TxKind::kMemberApprove,
                                    EncodeFields(MemberApproveBody{proposal}), {&approver});
    CHECK(run.code() == code);
    CHECK(run.result.events.empty());
    CHECK(Proposal(h, proposal) == before);  // the approval is not recorded either
  };
  SECTION("the member id was added meanwhile") {
    REQUIRE(Propose(h, AddBody("p1", "newco"), {"maker", "startup"}).ok());
    MemberProposeBody same_id{"p2", MemberAction::kAdd, "newco", 1, {PublicKeyOf("newco-other")}};
    REQUIRE(Propose(h, same_id, {"maker", "startup"}).ok());
    REQUIRE(Approve(h, "p1", {"telco"}).Event("member.added", "member") == "newco");
    REQUIRE(Approve(h, "p2", {"telco"}).Event("member.approved", "needed") ==
            "4");  // 5 members now
    approve_to_threshold_fails("p2", KeyFromLabel("newco"), Code::kAlreadyExists);
  }
  SECTION("a key was taken meanwhile by key.add") {
    REQUIRE(Propose(h, AddBody("p1", "newco"), {"maker", "startup"}).ok());
    auto newco = KeyFromLabel("newco");
    KeyAddBody key{newco.public_key(), ProveKeyPossession(newco, h.genesis().chain_id, "maker")};
    REQUIRE(h.Run(ledger::TxKind::kKeyAdd, key, {"maker"}).ok());
    approve_to_threshold_fails("p1", h.key("telco"), Code::kAlreadyExists);
    CHECK_FALSE(Has(h, MemberStateKey("newco")));
  }
  SECTION("the member was removed meanwhile") {
    REQUIRE(Propose(h, RemoveBody("p1", "auditor"), {"maker", "startup"}).ok());
    REQUIRE(Propose(h, RemoveBody("p2", "auditor"), {"maker", "startup", "telco"}).ok());
    approve_to_threshold_fails("p1", h.key("telco"), Code::kNotFound);
  }
}

}  // namespace
}  // namespace covalue::contracts
