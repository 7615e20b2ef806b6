// member.propose and member.approve (contracts/membership.h) through the real executor
// (ContractHarness): the threshold over the voters (members with the member role), adding
// and removing members, approvals that stop counting, every refusal with its code — and that
// a refusal changed nothing.
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

ledger::ChainParams ParamsWith(uint32_t approval_bps) {
  ledger::ChainParams params;
  params.member_approval_bps = approval_bps;
  return params;
}

MemberProposeBody AddBody(std::string proposal, std::string member,
                          uint32_t roles = ledger::kRoleMember) {
  return {std::move(proposal), MemberAction::kAdd, member, roles, {PublicKeyOf(member)}};
}
MemberProposeBody RemoveBody(std::string proposal, std::string member) {
  return {std::move(proposal), MemberAction::kRemove, std::move(member), 0, {}};
}

// Runs `kind` signed by the first key of each of `signers`: KeyFromLabel(id), for members of
// the genesis (the harness's keys) and members voted in by these tests alike.
ContractRun RunBy(ContractHarness& h, ledger::TxKind kind, Bytes body,
                  const std::vector<std::string>& signers) {
  std::vector<crypto::KeyPair> keys;
  for (const auto& id : signers) keys.push_back(KeyFromLabel(id));
  std::vector<const crypto::KeyPair*> pointers;
  for (const auto& key : keys) pointers.push_back(&key);
  return h.RunSignedBy(kind, std::move(body), pointers);
}
ContractRun Propose(ContractHarness& h, const MemberProposeBody& body,
                    const std::vector<std::string>& signers) {
  return RunBy(h, ledger::TxKind::kMemberPropose, EncodeFields(body), signers);
}
ContractRun Approve(ContractHarness& h, std::string proposal,
                    const std::vector<std::string>& signers) {
  return RunBy(h, ledger::TxKind::kMemberApprove,
               EncodeFields(MemberApproveBody{std::move(proposal)}), signers);
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

TEST_CASE("the threshold is ceil(voters x bps / 10000)", "[membership]") {
  CHECK(ApprovalsNeeded(3, 6666) == 2);
  CHECK(ApprovalsNeeded(4, 6666) == 3);
  CHECK(ApprovalsNeeded(5, 6666) == 4);
  CHECK(ApprovalsNeeded(6, 6666) == 4);
  CHECK(ApprovalsNeeded(1, 6666) == 1);
  CHECK(ApprovalsNeeded(2, 6666) == 2);
  // The default is two thirds, rounded up, for every membership the ledger can hold.
  for (uint64_t voters = 1; voters <= kMaxMembers; ++voters) {
    INFO(voters << " voters");
    CHECK(ApprovalsNeeded(voters, ledger::ChainParams().member_approval_bps) == (2 * voters + 2) / 3);
  }
  CHECK(ApprovalsNeeded(10, 5000) == 5);
  CHECK(ApprovalsNeeded(11, 5000) == 6);
  CHECK(ApprovalsNeeded(1, 1) == 1);
  CHECK(ApprovalsNeeded(1024, 1) == 1);
  CHECK(ApprovalsNeeded(1024, 10000) == 1024);
  CHECK(RoleNames(ledger::kRoleMember | ledger::kRoleAuditor) == "member,auditor");
}

TEST_CASE("the genesis writes the members, their keys and the member index", "[membership]") {
  ContractHarness h;
  CHECK(MemberIds(h) == std::vector<std::string>{"auditor", "maker", "startup", "telco"});
  CHECK(h.Load<MemberRecord>(MemberStateKey("auditor")) ==
        MemberRecord{"auditor", ledger::kRoleAuditor, {PublicKeyOf("auditor")}});
  CHECK(h.Load<KeyRecord>(SignerStateKey(PublicKeyOf("maker"))) ==
        KeyRecord{"maker", kKeyNotRetiring});
  // The approval share stays in the chain parameters: the state holds no copy of it.
  CHECK_FALSE(h.Has("params/membership"));
}

TEST_CASE("a genesis has 1 to 1024 members, at least one of them a voter", "[membership]") {
  ContractHarness h;
  ledger::Genesis genesis = h.genesis();
  REQUIRE(ledger::ValidateGenesis(genesis).ok());
  ledger::Genesis auditors_only = genesis;
  for (auto& member : auditors_only.members) member.roles = ledger::kRoleAuditor;
  CHECK(ledger::ValidateGenesis(auditors_only).code() == Code::kInvalidArgument);
  ledger::Genesis too_many = genesis;
  for (uint32_t i = 0; too_many.members.size() <= kMaxMembers; ++i) {
    too_many.members.push_back(
        {"m" + std::to_string(i), ledger::kRoleMember, {PublicKeyOf("m" + std::to_string(i))}});
  }
  CHECK(ledger::ValidateGenesis(too_many).code() == Code::kInvalidArgument);
  too_many.members.pop_back();
  CHECK(ledger::ValidateGenesis(too_many).ok());
}

TEST_CASE("a member is added by 2 of 3 voters", "[membership]") {
  ContractHarness h;  // maker, startup, telco (member), auditor (auditor): 3 voters
  ContractRun proposed =
      Propose(h, AddBody("p1", "newco", ledger::kRoleMember | ledger::kRoleAuditor), {"maker"});
  REQUIRE(proposed.ok());
  CHECK(proposed.Event("member.proposed", "proposal") == "p1");
  CHECK(proposed.Event("member.proposed", "action") == "add");
  CHECK(proposed.Event("member.proposed", "member") == "newco");
  CHECK(proposed.Event("member.proposed", "approvals") == "1");
  CHECK(proposed.Event("member.proposed", "needed") == "2");
  CHECK(proposed.result.events.size() == 1);
  CHECK(proposed.entities ==
        std::vector<std::string>{"proposal/p1", "member/newco", "member/maker"});
  MemberProposalRecord record = Proposal(h, "p1");
  CHECK(record.proposer == "maker");
  CHECK(record.approvals == std::vector<std::string>{"maker"});
  CHECK(record.proposed_height == h.height());
  CHECK(record.open());
  CHECK_FALSE(h.Has(MemberStateKey("newco")));
  CHECK(SignWith(h, KeyFromLabel("newco"), "early").code() == Code::kUnknownSigner);

  // The auditor does not vote: its approval is refused and records nothing.
  ContractRun by_auditor = Approve(h, "p1", {"auditor"});
  CHECK(by_auditor.code() == Code::kForbidden);
  CHECK(Proposal(h, "p1") == record);

  ContractRun second = Approve(h, "p1", {"startup"});
  REQUIRE(second.ok());
  CHECK(second.Event("member.approved", "proposal") == "p1");
  CHECK(second.Event("member.approved", "by") == "startup");
  CHECK(second.Event("member.approved", "approvals") == "2");
  CHECK(second.Event("member.approved", "needed") == "2");
  CHECK(second.Event("member.added", "member") == "newco");
  CHECK(second.Event("member.added", "roles") == "member,auditor");
  CHECK(second.entities == std::vector<std::string>{"proposal/p1", "member/newco",
                                                    SignerStateKey(PublicKeyOf("newco")),
                                                    "member/startup"});
  CHECK(h.Load<MemberRecord>(MemberStateKey("newco")) ==
        MemberRecord{"newco", ledger::kRoleMember | ledger::kRoleAuditor, {PublicKeyOf("newco")}});
  CHECK(h.Load<KeyRecord>(SignerStateKey(PublicKeyOf("newco"))) ==
        KeyRecord{"newco", kKeyNotRetiring});
  CHECK(MemberIds(h) == std::vector<std::string>{"auditor", "maker", "newco", "startup", "telco"});
  CHECK(Proposal(h, "p1").approvals == std::vector<std::string>{"maker", "startup"});
  CHECK(Proposal(h, "p1").executed_height == h.height());
  CHECK(SignWith(h, KeyFromLabel("newco"), "welcome").ok());

  SECTION("an executed proposal takes no more approvals") {
    MemberProposalRecord before = Proposal(h, "p1");
    CHECK(Approve(h, "p1", {"telco"}).code() == Code::kConflict);
    CHECK(Approve(h, "p1", {"newco"}).code() == Code::kConflict);
    CHECK(Approve(h, "p1", {"maker"}).code() == Code::kConflict);  // conflict before duplicate
    CHECK(Proposal(h, "p1") == before);
  }
  SECTION("now 4 voters: 3 approvals are needed, the new member's among them") {
    CHECK(Propose(h, AddBody("p2", "other"), {"newco"}).Event("member.proposed", "needed") == "3");
    CHECK(Approve(h, "p2", {"maker"}).Event("member.approved", "approvals") == "2");
    CHECK(Approve(h, "p2", {"telco"}).Event("member.added", "member") == "other");
  }
}

TEST_CASE("signers of one transaction each approve, enough of them execute at once",
          "[membership]") {
  ContractHarness h;
  ContractRun two = Propose(h, AddBody("p1", "newco"), {"maker", "startup"});
  REQUIRE(two.ok());
  CHECK(two.Event("member.proposed", "approvals") == "2");
  CHECK(two.Event("member.added", "member") == "newco");
  CHECK_FALSE(Proposal(h, "p1").open());
  // More approvals than needed are recorded and counted too.
  ContractRun all = Propose(h, AddBody("p2", "other"), {"maker", "startup", "telco", "newco"});
  CHECK(all.Event("member.proposed", "approvals") == "4");
  CHECK(all.Event("member.proposed", "needed") == "3");
  CHECK(all.Event("member.added", "member") == "other");
  CHECK(Proposal(h, "p2").approvals ==
        std::vector<std::string>{"maker", "startup", "telco", "newco"});
}

TEST_CASE("auditors neither approve nor count towards the threshold", "[membership]") {
  ContractHarness h;  // 3 voters: 2 needed
  // An auditor-only member joins without raising the threshold (the old rule that every
  // member counts refused this: it would have needed more approvals than there were voters).
  ContractRun proposed = Propose(h, AddBody("p1", "audco", ledger::kRoleAuditor), {"maker"});
  REQUIRE(proposed.Event("member.proposed", "needed") == "2");
  ContractRun added = Approve(h, "p1", {"telco"});
  CHECK(added.Event("member.added", "member") == "audco");
  CHECK(added.Event("member.added", "roles") == "auditor");
  CHECK(MemberIds(h) == std::vector<std::string>{"audco", "auditor", "maker", "startup", "telco"});
  CHECK(Propose(h, AddBody("p2", "audco2", ledger::kRoleAuditor), {"maker"})
            .Event("member.proposed", "needed") == "2");
  CHECK(Approve(h, "p2", {"audco"}).code() == Code::kForbidden);

  SECTION("one voter among auditors decides alone") {
    ContractHarness solo({{"solo"},
                          {"aud1", ledger::kRoleAuditor},
                          {"aud2", ledger::kRoleAuditor},
                          {"aud3", ledger::kRoleAuditor}});
    ContractRun run = Propose(solo, RemoveBody("p1", "aud1"), {"solo"});
    CHECK(run.Event("member.proposed", "needed") == "1");
    CHECK(run.Event("member.removed", "member") == "aud1");
    CHECK(MemberIds(solo) == std::vector<std::string>{"aud2", "aud3", "solo"});
  }
}

TEST_CASE("a removed member's record, keys and index entry go at once", "[membership]") {
  ContractHarness h;
  REQUIRE(Propose(h, RemoveBody("p1", "auditor"), {"maker"}).ok());
  CHECK(h.Has(MemberStateKey("auditor")));
  ContractRun run = Approve(h, "p1", {"telco"});
  REQUIRE(run.ok());
  CHECK(run.Event("member.removed", "member") == "auditor");
  CHECK(run.entities == std::vector<std::string>{"proposal/p1", "member/auditor",
                                                 SignerStateKey(PublicKeyOf("auditor")),
                                                 "member/telco"});
  CHECK_FALSE(h.Has(MemberStateKey("auditor")));
  CHECK_FALSE(h.Has(SignerStateKey(PublicKeyOf("auditor"))));
  CHECK(MemberIds(h) == std::vector<std::string>{"maker", "startup", "telco"});
  CHECK(SignWith(h, h.key("auditor"), "late").code() == Code::kUnknownSigner);

  SECTION("a member may approve its own removal; the id can be proposed again") {
    REQUIRE(Propose(h, RemoveBody("p2", "telco"), {"maker"}).Event("member.proposed", "needed") ==
            "2");
    REQUIRE(Approve(h, "p2", {"telco"}).Event("member.removed", "member") == "telco");
    CHECK(MemberIds(h) == std::vector<std::string>{"maker", "startup"});
    CHECK(SignWith(h, h.key("telco"), "late").code() == Code::kUnknownSigner);
    CHECK(Approve(h, "p2", {"maker"}).code() == Code::kConflict);
    ContractRun back = Propose(h, AddBody("p3", "telco"), {"maker", "startup"});
    CHECK(back.Event("member.proposed", "needed") == "2");  // 2 voters: both
    CHECK(back.Event("member.added", "member") == "telco");
    CHECK(SignWith(h, h.key("telco"), "back").ok());
  }
}

TEST_CASE("voters may be removed down to the last one, who then decides alone",
          "[membership]") {
  ContractHarness h;  // 3 voters: 2 needed
  // Removing a voter (the old rule refused this when auditors counted) lowers the threshold.
  REQUIRE(Propose(h, RemoveBody("p1", "telco"), {"maker"}).Event("member.proposed", "needed") ==
          "2");
  REQUIRE(Approve(h, "p1", {"startup"}).Event("member.removed", "member") == "telco");
  ContractRun second = Propose(h, RemoveBody("p2", "startup"), {"maker"});
  CHECK(second.Event("member.proposed", "needed") == "2");  // 2 voters: both
  REQUIRE(Approve(h, "p2", {"startup"}).Event("member.removed", "member") == "startup");
  CHECK(MemberIds(h) == std::vector<std::string>{"auditor", "maker"});
  ContractRun alone = Propose(h, AddBody("p3", "newco"), {"maker"});
  CHECK(alone.Event("member.proposed", "needed") == "1");
  CHECK(alone.Event("member.added", "member") == "newco");
  CHECK(Propose(h, RemoveBody("p4", "auditor"), {"maker"}).Event("member.proposed", "needed") ==
        "2");  // maker and newco
}

TEST_CASE("the approval share is the genesis's member_approval_bps", "[membership]") {
  const std::vector<HarnessMember> five = {{"a"}, {"b"}, {"c"}, {"d"}, {"e"}};
  SECTION("default 6666: 4 of 5 voters") {
    ContractHarness h(five);
    CHECK(Propose(h, AddBody("p1", "newco"), {"a", "b"}).Event("member.proposed", "needed") == "4");
    CHECK(Approve(h, "p1", {"c"}).Event("member.approved", "approvals") == "3");
    CHECK_FALSE(h.Has(MemberStateKey("newco")));
    CHECK(Approve(h, "p1", {"d"}).Event("member.added", "member") == "newco");
  }
  SECTION("10000: every voter") {
    ContractHarness h(five, ParamsWith(10000));
    CHECK(Propose(h, AddBody("p1", "newco"), {"a", "b", "c", "d"})
              .Event("member.proposed", "needed") == "5");
    CHECK_FALSE(h.Has(MemberStateKey("newco")));
    CHECK(Approve(h, "p1", {"e"}).Event("member.added", "member") == "newco");
  }
  SECTION("5000: half, rounded up; auditors do not count") {
    std::vector<HarnessMember> members = five;
    members.push_back({"aud1", ledger::kRoleAuditor});
    members.push_back({"aud2", ledger::kRoleAuditor});
    ContractHarness h(members, ParamsWith(5000));
    CHECK(Propose(h, AddBody("p1", "newco"), {"a", "b"}).Event("member.proposed", "needed") == "3");
    CHECK(Approve(h, "p1", {"c"}).Event("member.added", "member") == "newco");
  }
  SECTION("1: one voter decides alone") {
    ContractHarness h(five, ParamsWith(1));
    ContractRun run = Propose(h, AddBody("p1", "newco"), {"a"});
    CHECK(run.Event("member.proposed", "needed") == "1");
    CHECK(run.Event("member.added", "member") == "newco");
  }
}

TEST_CASE("approvals of members removed since do not count", "[membership]") {
  ContractHarness h({{"a"}, {"b"}, {"c"}, {"d"}, {"e"}});  // 5 voters: 4 needed
  REQUIRE(Propose(h, AddBody("p1", "newco"), {"a"}).Event("member.proposed", "approvals") == "1");
  REQUIRE(
      Propose(h, RemoveBody("p2", "a"), {"b", "c", "d", "e"}).Event("member.removed", "member") ==
      "a");
  SECTION("4 voters now: 3 needed; a's approval stays recorded but no longer counts") {
    ContractRun b = Approve(h, "p1", {"b"});
    CHECK(b.Event("member.approved", "approvals") == "1");
    CHECK(b.Event("member.approved", "needed") == "3");
    CHECK(Approve(h, "p1", {"c"}).Event("member.approved", "approvals") == "2");
    CHECK_FALSE(h.Has(MemberStateKey("newco")));
    ContractRun d = Approve(h, "p1", {"d"});
    CHECK(d.Event("member.approved", "approvals") == "3");
    CHECK(d.Event("member.added", "member") == "newco");
    CHECK(Proposal(h, "p1").approvals == std::vector<std::string>{"a", "b", "c", "d"});
  }
  SECTION("a member id voted in again is the same approver") {
    REQUIRE(Propose(h, AddBody("p3", "a"), {"b", "c", "d"}).Event("member.added", "member") ==
            "a");
    ContractRun b = Approve(h, "p1", {"b"});
    CHECK(b.Event("member.approved", "approvals") == "2");  // a's counts again
    CHECK(b.Event("member.approved", "needed") == "4");
    CHECK(Approve(h, "p1", {"a"}).code() == Code::kDuplicate);
  }
}

TEST_CASE("member.propose refusals change nothing", "[membership]") {
  ContractHarness h;
  REQUIRE(Propose(h, RemoveBody("taken", "auditor"), {"maker"}).ok());
  const MemberProposalRecord taken = Proposal(h, "taken");
  REQUIRE(taken.open());
  auto refused = [&](const MemberProposeBody& body, const std::vector<std::string>& signers,
                     Code code) {
    INFO("proposal " << body.proposal_id << " signed by " << signers.front());
    ContractRun run = Propose(h, body, signers);
    CHECK(run.code() == code);
    CHECK(run.result.events.empty());
    if (body.proposal_id != "taken") CHECK_FALSE(h.Has(ProposalStateKey(body.proposal_id)));
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
  refused(AddBody("p1", "auditor", ledger::kRoleAuditor), {"maker"}, Code::kAlreadyExists);
  refused({"p1", MemberAction::kAdd, "newco", 1, {PublicKeyOf("newco"), PublicKeyOf("startup")}},
          {"maker"}, Code::kAlreadyExists);
  refused(RemoveBody("p1", "nobody"), {"maker"}, Code::kNotFound);
  CHECK(Proposal(h, "taken") == taken);
  CHECK(MemberIds(h) == std::vector<std::string>{"auditor", "maker", "startup", "telco"});
  CHECK_FALSE(h.Has(MemberStateKey("newco")));
  CHECK_FALSE(h.Has(SignerStateKey(PublicKeyOf("newco"))));

  SECTION("bodies that do not decode") {
    Bytes bad_action = EncodeFields(AddBody("p1", "newco"));
    bad_action[4 + 2] = 3;  // after string "p1": the action byte
    CHECK(h.Run(ledger::TxKind::kMemberPropose, bad_action, {"maker"}).code() ==
          Code::kUnknownEnum);
    Bytes bad_id = EncodeFields(AddBody("p1", "New Co"));
    CHECK(h.Run(ledger::TxKind::kMemberPropose, bad_id, {"maker"}).code() ==
          Code::kInvalidArgument);
    MemberProposeBody twice = AddBody("p1", "newco");
    twice.change.keys.push_back(twice.change.keys.front());
    CHECK(Propose(h, twice, {"maker"}).code() == Code::kInvalidArgument);
    MemberProposeBody too_many = AddBody("p1", "newco");
    for (size_t i = 0; i < ledger::kMaxMemberKeys; ++i) {
      too_many.change.keys.push_back(PublicKeyOf("newco-" + std::to_string(i)));
    }
    CHECK(Propose(h, too_many, {"maker"}).code() == Code::kTooLarge);
    CHECK(h.Run(ledger::TxKind::kMemberPropose, Bytes{1, 2}, {"maker"}).code() == Code::kMalformed);
    CHECK_FALSE(h.Has(ProposalStateKey("p1")));
  }
  SECTION("two keys of one member are one approver") {
    auto second = KeyFromLabel("maker-2");
    KeyAddBody key{second.public_key(), ProveKeyPossession(second, h.genesis().chain_id, "maker")};
    REQUIRE(h.Run(ledger::TxKind::kKeyAdd, key, {"maker"}).ok());
    ContractRun run =
        h.RunSignedBy(ledger::TxKind::kMemberPropose, EncodeFields(AddBody("p1", "newco")),
                      {&h.key("maker"), &second});
    CHECK(run.code() == Code::kInvalidArgument);
    CHECK(run.result.message == "'maker' signed twice");
    CHECK_FALSE(h.Has(ProposalStateKey("p1")));
    CHECK_FALSE(h.Has(MemberStateKey("newco")));
  }
}

TEST_CASE("removal keeps the validators and one member with the member role", "[membership]") {
  ContractHarness h({{"alpha"},
                     {"beta"},
                     {"gamma"},
                     {"val", ledger::kRoleMember | ledger::kRoleValidator},
                     {"node", ledger::kRoleValidator}});  // 4 voters: 3 needed
  CHECK(Propose(h, RemoveBody("p1", "val"), {"alpha", "beta", "val"}).code() ==
        Code::kFailedPrecondition);
  CHECK(Propose(h, RemoveBody("p1", "node"), {"alpha", "beta", "val"}).code() ==
        Code::kFailedPrecondition);
  CHECK_FALSE(h.Has(ProposalStateKey("p1")));
  CHECK(MemberIds(h) == std::vector<std::string>{"alpha", "beta", "gamma", "node", "val"});
  REQUIRE(Propose(h, RemoveBody("p2", "beta"), {"alpha", "beta", "val"})
              .Event("member.removed", "member") == "beta");

  ContractHarness last({{"solo"}, {"aud", ledger::kRoleAuditor}});
  CHECK(Propose(last, RemoveBody("p1", "solo"), {"solo"}).code() == Code::kFailedPrecondition);
  CHECK(last.Has(MemberStateKey("solo")));
  CHECK_FALSE(last.Has(ProposalStateKey("p1")));
  // The auditor may go: solo stays the one voter.
  CHECK(Propose(last, RemoveBody("p2", "aud"), {"solo"}).Event("member.removed", "member") ==
        "aud");
  CHECK(MemberIds(last) == std::vector<std::string>{"solo"});

  SECTION("two voters each proposing the other's removal: the second cannot execute") {
    ContractHarness pair({{"x"}, {"y"}});  // 2 voters: 2 needed
    REQUIRE(Propose(pair, RemoveBody("out-x", "x"), {"y"}).Event("member.proposed", "needed") ==
            "2");
    REQUIRE(Propose(pair, RemoveBody("out-y", "y"), {"x"}).ok());
    REQUIRE(Approve(pair, "out-x", {"x"}).Event("member.removed", "member") == "x");
    // y alone is 1 of 1 needed now (x's approval no longer counts), but y is the last voter.
    const MemberProposalRecord before = Proposal(pair, "out-y");
    ContractRun run = Approve(pair, "out-y", {"y"});
    CHECK(run.code() == Code::kFailedPrecondition);
    CHECK(run.result.events.empty());
    CHECK(Proposal(pair, "out-y") == before);
    CHECK(MemberIds(pair) == std::vector<std::string>{"y"});
  }
}

TEST_CASE("the ledger holds at most 1024 members", "[membership]") {
  std::vector<HarnessMember> members;
  for (uint32_t i = 0; i + 1 < kMaxMembers; ++i) members.push_back({"m" + std::to_string(i)});
  // 1023 or 1024 voters need 2 approvals at 10 bps.
  ContractHarness h(members, ParamsWith(10));
  REQUIRE(Propose(h, AddBody("p1", "newco"), {"m0"}).Event("member.proposed", "needed") == "2");
  REQUIRE(Propose(h, AddBody("p2", "other"), {"m0", "m1"}).Event("member.added", "member") ==
          "other");
  REQUIRE(MemberIds(h).size() == kMaxMembers);
  CHECK(Propose(h, AddBody("p3", "third"), {"m0"}).code() == Code::kFailedPrecondition);
  CHECK_FALSE(h.Has(ProposalStateKey("p3")));
  // The open proposal cannot execute while the ledger is full, and records nothing.
  const MemberProposalRecord before = Proposal(h, "p1");
  CHECK(Approve(h, "p1", {"m2"}).code() == Code::kFailedPrecondition);
  CHECK(Proposal(h, "p1") == before);
  CHECK_FALSE(h.Has(MemberStateKey("newco")));
  REQUIRE(Propose(h, RemoveBody("p4", "m5"), {"m0", "m1"}).Event("member.removed", "member") ==
          "m5");
  CHECK(Approve(h, "p1", {"m2"}).Event("member.added", "member") == "newco");
  CHECK(MemberIds(h).size() == kMaxMembers);
}

TEST_CASE("member.approve refusals change nothing", "[membership]") {
  ContractHarness h;
  REQUIRE(Propose(h, AddBody("p1", "newco"), {"maker"}).ok());
  const MemberProposalRecord open = Proposal(h, "p1");
  CHECK(Approve(h, "nope", {"startup"}).code() == Code::kNotFound);
  CHECK(Approve(h, "p1", {"auditor"}).code() == Code::kForbidden);
  CHECK(Approve(h, "p1", {"startup", "auditor"}).code() == Code::kForbidden);
  CHECK(Approve(h, "p1", {"maker"}).code() == Code::kDuplicate);
  CHECK(Approve(h, "p1", {"startup", "maker"}).code() == Code::kDuplicate);
  CHECK(h.Run(ledger::TxKind::kMemberApprove, Bytes{9}, {"startup"}).code() == Code::kMalformed);
  auto second = KeyFromLabel("startup-2");
  KeyAddBody key{second.public_key(), ProveKeyPossession(second, h.genesis().chain_id, "startup")};
  REQUIRE(h.Run(ledger::TxKind::kKeyAdd, key, {"startup"}).ok());
  CHECK(h.RunSignedBy(ledger::TxKind::kMemberApprove, EncodeFields(MemberApproveBody{"p1"}),
                      {&h.key("startup"), &second})
            .code() == Code::kInvalidArgument);
  CHECK(Proposal(h, "p1") == open);
  CHECK_FALSE(h.Has(MemberStateKey("newco")));
  REQUIRE(Approve(h, "p1", {"startup"}).Event("member.added", "member") == "newco");
  CHECK(Approve(h, "p1", {"telco"}).code() == Code::kConflict);
}

TEST_CASE("execution checks again what the proposal checked", "[membership]") {
  ContractHarness h;  // 3 voters: 2 needed
  auto approve_to_threshold_fails = [&](std::string proposal, const std::string& approver,
                                        Code code) {
    MemberProposalRecord before = Proposal(h, proposal);
    ContractRun run = Approve(h, proposal, {approver});
    CHECK(run.code() == code);
    CHECK(run.result.events.empty());
    CHECK(Proposal(h, proposal) == before);  // the approval is not recorded either
  };
  SECTION("the member id was added meanwhile") {
    REQUIRE(Propose(h, AddBody("p1", "newco"), {"maker"}).ok());
    MemberProposeBody same_id{"p2", MemberAction::kAdd, "newco", 1, {PublicKeyOf("newco-other")}};
    REQUIRE(Propose(h, same_id, {"maker"}).ok());
    REQUIRE(Approve(h, "p1", {"startup"}).Event("member.added", "member") == "newco");
    REQUIRE(Approve(h, "p2", {"startup"}).Event("member.approved", "needed") ==
            "3");  // 4 voters now
    approve_to_threshold_fails("p2", "telco", Code::kAlreadyExists);
  }
  SECTION("a key was taken meanwhile by key.add") {
    REQUIRE(Propose(h, AddBody("p1", "newco"), {"maker"}).ok());
    auto newco = KeyFromLabel("newco");
    KeyAddBody key{newco.public_key(), ProveKeyPossession(newco, h.genesis().chain_id, "maker")};
    REQUIRE(h.Run(ledger::TxKind::kKeyAdd, key, {"maker"}).ok());
    approve_to_threshold_fails("p1", "telco", Code::kAlreadyExists);
    CHECK_FALSE(h.Has(MemberStateKey("newco")));
  }
  SECTION("the member was removed meanwhile") {
    REQUIRE(Propose(h, RemoveBody("p1", "auditor"), {"maker"}).ok());
    REQUIRE(Propose(h, RemoveBody("p2", "auditor"), {"maker", "startup"}).ok());
    approve_to_threshold_fails("p1", "telco", Code::kNotFound);
  }
}

TEST_CASE("membership changes replay to the same state root", "[membership]") {
  ContractHarness h;
  REQUIRE(Propose(h, AddBody("p1", "newco"), {"maker"}).ok());
  REQUIRE(Approve(h, "p1", {"auditor"}).code() == Code::kForbidden);
  REQUIRE(Approve(h, "p1", {"telco"}).Event("member.added", "member") == "newco");
  REQUIRE(Propose(h, RemoveBody("p2", "startup"), {"maker", "newco", "startup"}).ok());
  REQUIRE(SignWith(h, h.key("startup"), "late").code() == Code::kUnknownSigner);
  ContractHarness replayed;
  replayed.Replay(h.blocks());
  CHECK(replayed.state_root() == h.state_root());
  CHECK(MemberIds(replayed) == std::vector<std::string>{"auditor", "maker", "newco", "telco"});
}

}  // namespace
}  // namespace covalue::contracts
