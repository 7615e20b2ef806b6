// venture.create, formula.propose, formula.sign and the venture accessors
// (contracts/ventures.h, docs/spec/contracts/ventures.md).
#include <catch2/catch.hpp>

#include "common/civil_time.h"
#include "contracts/ventures.h"
#include "tests/support/venture_fixture.h"

namespace covalue::contracts {
namespace {

using ledger::TxKind;
using testing::ContractHarness;
using testing::P;
using testing::VentureBody;
using testing::VentureFixture;

Formula Fixed(uint32_t maker_bps) {
  return {
      FormulaKind::kFixed, {{"maker", maker_bps}, {"startup", kBasisPoints - maker_bps}}, {}, 0, 0};
}

FormulaProposeBody Proposal(uint32_t version, std::string_view from, uint32_t maker_bps = 5000) {
  return {"v1", version, P(from), Fixed(maker_bps)};
}

TEST_CASE("venture.create records the venture", "[ventures]") {
  ContractHarness h;
  auto run = h.Run(TxKind::kVentureCreate, VentureBody(), {"startup"});
  REQUIRE(run.ok());
  auto v = h.Load<VentureRecord>(VentureKey("v1"));
  CHECK(v.terms == VentureBody());  // v1 of maker and startup, treasurer maker, from 2026-Q1
  CHECK(v.creator == "startup");
  CHECK(v.created_height == h.height());
  CHECK(v.formula_versions == 0);
  CHECK(v.next_unsettled == P("2026-Q1"));
  CHECK(run.Event("venture.created", "venture") == "v1");
  CHECK(run.Event("venture.created", "member_count") == "2");
  CHECK(run.Event("venture.created", "first_period") == "2026-Q1");
  CHECK(run.Event("venture.created", "treasurer") == "maker");
  CHECK(run.entities == std::vector<std::string>{"venture/v1", "member/maker", "member/startup"});
}

TEST_CASE("venture.create refusals change nothing", "[ventures]") {
  ContractHarness h;
  auto refuse = [&](const VentureCreateBody& body, const std::vector<std::string>& signers,
                    Code code) {
    auto run = h.Run(TxKind::kVentureCreate, body, signers);
    INFO(run.result.message);
    CHECK(run.code() == code);
    CHECK_FALSE(h.Has(VentureKey(body.venture_id)));
  };
  refuse(VentureBody(), {"maker", "startup"}, Code::kInvalidArgument);  // two signers
  refuse(VentureBody(), {"auditor"}, Code::kForbidden);                 // lacks the member role
  refuse(VentureBody(), {"telco"}, Code::kForbidden);                   // not among the members
  auto body = VentureBody();
  body.members = {"maker"};
  refuse(body, {"maker"}, Code::kInvalidArgument);
  body = VentureBody();
  body.members = {"maker", "maker"};
  refuse(body, {"maker"}, Code::kInvalidArgument);  // the decoder refuses a member twice
  body = VentureBody();
  body.treasurer = "telco";
  refuse(body, {"maker"}, Code::kInvalidArgument);
  for (const char* currency : {"eur", "EURO", "E1R", "", "EU"}) {
    body = VentureBody();
    body.currency = currency;
    refuse(body, {"maker"}, Code::kInvalidArgument);
  }
  body = VentureBody();
  body.first_period = P("2026-01");
  refuse(body, {"maker"}, Code::kInvalidArgument);
  body = VentureBody();
  body.members = {"maker", "ghost"};
  refuse(body, {"maker"}, Code::kNotFound);
  body = VentureBody();
  body.members = {"maker", "auditor"};
  refuse(body, {"maker"}, Code::kForbidden);
  body = VentureBody();
  body.venture_id = "Not Valid";
  refuse(body, {"maker"}, Code::kInvalidArgument);
  auto run = h.Run(TxKind::kVentureCreate, Bytes{1, 2, 3}, {"maker"});
  CHECK(run.code() == Code::kMalformed);
  CHECK(run.result.message.rfind("body: ", 0) == 0);

  REQUIRE(h.Run(TxKind::kVentureCreate, VentureBody(), {"maker"}).ok());
  auto before = h.Load<VentureRecord>(VentureKey("v1"));
  body = VentureBody();
  body.members = {"maker", "telco"};
  run = h.Run(TxKind::kVentureCreate, body, {"maker"});
  CHECK(run.code() == Code::kAlreadyExists);
  CHECK(h.Load<VentureRecord>(VentureKey("v1")) == before);
}

TEST_CASE("a formula version is adopted once every member has signed", "[ventures][formula]") {
  VentureFixture three(VentureBody({"maker", "startup", "telco"}));
  ContractHarness& h = three.h;
  FormulaProposeBody proposal{
      "v1",
      1,
      P("2026-Q1"),
      {FormulaKind::kContribution, {}, {{ContributionKind::kData, 5000}}, 0, 0}};
  auto run = h.Run(TxKind::kFormulaPropose, proposal, {"startup"});
  REQUIRE(run.ok());
  CHECK(run.Event("formula.proposed", "signed") == "1");
  CHECK(run.Event("formula.proposed", "needed") == "3");
  CHECK(run.Event("formula.proposed", "kind") == "contribution");
  CHECK(run.Event("formula.adopted", "version").empty());
  CHECK(run.entities ==
        std::vector<std::string>{"venture/v1", "formula/v1/0000000001", "member/startup"});
  auto f = h.Load<FormulaVersionRecord>(FormulaKey("v1", 1));
  CHECK(f.proposer == "startup");
  CHECK(f.signed_by == std::vector<std::string>{"startup"});
  CHECK(f.proposal.formula == proposal.formula);
  CHECK_FALSE(f.adopted());
  CHECK(h.Load<VentureRecord>(VentureKey("v1")).formula_versions == 1);

  auto venture = h.Load<VentureRecord>(VentureKey("v1"));
  CHECK(*FormulaInForce(h.state(), venture, P("2026-Q1")) ==
        std::nullopt);  // unsigned: none in force

  run = h.Run(TxKind::kFormulaSign, FormulaSignBody{"v1", 1}, {"maker"});
  REQUIRE(run.ok());
  CHECK(run.Event("formula.signed", "signed") == "2");
  CHECK_FALSE(h.Load<FormulaVersionRecord>(FormulaKey("v1", 1)).adopted());

  // Refusals: signed again, a non-member, unknown version or venture, an auditor.
  CHECK(h.Run(TxKind::kFormulaSign, FormulaSignBody{"v1", 1}, {"maker"}).code() ==
        Code::kDuplicate);
  CHECK(h.Run(TxKind::kFormulaSign, FormulaSignBody{"v1", 1}, {"maker", "telco"}).code() ==
        Code::kDuplicate);
  CHECK(h.Run(TxKind::kFormulaSign, FormulaSignBody{"v1", 2}, {"telco"}).code() == Code::kNotFound);
  CHECK(h.Run(TxKind::kFormulaSign, FormulaSignBody{"v1", 0}, {"telco"}).code() == Code::kNotFound);
  CHECK(h.Run(TxKind::kFormulaSign, FormulaSignBody{"v9", 1}, {"telco"}).code() == Code::kNotFound);
  CHECK(h.Run(TxKind::kFormulaSign, FormulaSignBody{"v1", 1}, {"auditor"}).code() ==
        Code::kForbidden);
  CHECK(h.Run(TxKind::kFormulaSign, FormulaSignBody{"v1", 1}, {"telco", "auditor"}).code() ==
        Code::kForbidden);
  CHECK(h.Load<FormulaVersionRecord>(FormulaKey("v1", 1)).signed_by ==
        std::vector<std::string>{"startup", "maker"});

  h.SetTime("2026-02-01");
  run = h.Run(TxKind::kFormulaSign, FormulaSignBody{"v1", 1}, {"telco"});
  REQUIRE(run.ok());
  CHECK(run.Event("formula.adopted", "version") == "1");
  CHECK(run.Event("formula.adopted", "effective_from") == "2026-Q1");
  f = h.Load<FormulaVersionRecord>(FormulaKey("v1", 1));
  CHECK(f.adopted_height == h.height());
  CHECK(f.signed_by == std::vector<std::string>{"startup", "maker", "telco"});
  CHECK(FormulaInForce(h.state(), venture, P("2026-Q1"))->value().proposal.version == 1);
  run = h.Run(TxKind::kFormulaSign, FormulaSignBody{"v1", 1}, {"telco"});
  CHECK(run.code() == Code::kConflict);
}

TEST_CASE_METHOD(VentureFixture, "a proposal signed by every member is adopted at once",
                 "[ventures][formula]") {
  auto run = h.Run(TxKind::kFormulaPropose, Proposal(1, "2026-Q1"), {"maker", "startup"});
  REQUIRE(run.ok());
  CHECK(run.Event("formula.proposed", "signed") == "2");
  CHECK(run.Event("formula.adopted", "version") == "1");
  CHECK(h.Load<FormulaVersionRecord>(FormulaKey("v1", 1)).adopted_height == h.height());
}

TEST_CASE_METHOD(VentureFixture, "formula.propose refusals change nothing", "[ventures][formula]") {
  auto refuse = [&](const FormulaProposeBody& body, const std::vector<std::string>& signers,
                    Code code) {
    auto run = h.Run(TxKind::kFormulaPropose, body, signers);
    INFO(run.result.message);
    CHECK(run.code() == code);
    CHECK(h.Load<VentureRecord>(VentureKey("v1")).formula_versions == 0);
    CHECK(Absent(FormulaKey("v1", 1)));
  };
  refuse(Proposal(1, "2026-Q1"), {"telco"}, Code::kForbidden);           // not a venture member
  refuse(Proposal(1, "2026-Q1"), {"maker", "telco"}, Code::kForbidden);  // one signer is not
  refuse(Proposal(1, "2026-Q1"), {"auditor"}, Code::kForbidden);         // lacks the member role
  auto body = Proposal(1, "2026-Q1");
  body.venture_id = "v9";
  refuse(body, {"maker"}, Code::kNotFound);
  refuse(Proposal(2, "2026-Q1"), {"maker"}, Code::kConflict);
  refuse(Proposal(0, "2026-Q1"), {"maker"}, Code::kConflict);
  refuse(Proposal(1, "2026-03"), {"maker"}, Code::kInvalidArgument);  // a month, not a quarter
  refuse(Proposal(1, "2025-Q4"), {"maker"}, Code::kInvalidArgument);  // before the first period
  body = Proposal(1, "2026-Q1");
  body.formula.fixed_shares[1].bps = 1;  // shares sum to 5001 bps
  refuse(body, {"maker"}, Code::kInvalidArgument);
  body = Proposal(1, "2026-Q1");
  body.formula.fixed_shares[1].member = "telco";
  refuse(body, {"maker"}, Code::kInvalidArgument);
  auto run = h.Run(TxKind::kFormulaPropose, Bytes{0}, {"maker"});
  CHECK(run.code() == Code::kMalformed);
  CHECK(Absent(FormulaKey("v1", 1)));

  // A member signing with two of its keys counts once: refused (the harness gives each
  // member one key, so the contract runs directly) — before the role is checked.
  for (auto contract : {ApplyFormulaPropose, ApplyFormulaSign}) {
    Bytes body = contract == ApplyFormulaPropose ? EncodeFields(Proposal(1, "2026-Q1"))
                                                 : EncodeFields(FormulaSignBody{"v1", 1});
    for (std::string twice : {"maker", "auditor"}) {
      StateOverlay state(h.state());
      auto result = ApplyDirect(contract, body, {twice, twice}, state);
      CHECK(result.code == Code::kInvalidArgument);
      CHECK(result.message == "'" + twice + "' signed twice");
      CHECK(state.changes().empty());
    }
  }

  // The numbering goes on after a version that is still unsigned.
  REQUIRE(h.Run(TxKind::kFormulaPropose, Proposal(1, "2026-Q1"), {"maker"}).ok());
  CHECK(h.Run(TxKind::kFormulaPropose, Proposal(1, "2026-Q1"), {"maker"}).code() ==
        Code::kConflict);
  REQUIRE(h.Run(TxKind::kFormulaPropose, Proposal(2, "2026-Q2"), {"startup"}).ok());
  CHECK(h.Load<VentureRecord>(VentureKey("v1")).formula_versions == 2);
}

TEST_CASE_METHOD(VentureFixture, "FormulaInForce picks the latest adopted version in effect",
                 "[ventures][formula]") {
  const std::vector<std::string> both = {"maker", "startup"};
  REQUIRE(h.Run(TxKind::kFormulaPropose, Proposal(1, "2026-Q1", 1000), both).ok());
  REQUIRE(h.Run(TxKind::kFormulaPropose, Proposal(2, "2026-Q3", 2000), both).ok());
  REQUIRE(h.Run(TxKind::kFormulaPropose, Proposal(3, "2026-Q2", 3000), {"maker"})
              .ok());  // never signed
  REQUIRE(h.Run(TxKind::kFormulaPropose, Proposal(4, "2027-Q1", 4000), both).ok());
  REQUIRE(h.Run(TxKind::kFormulaPropose, Proposal(5, "2026-Q3", 5000), {"maker"}).ok());
  auto venture = h.Load<VentureRecord>(VentureKey("v1"));
  auto in_force = [&](std::string_view period) -> uint32_t {
    auto formula = FormulaInForce(h.state(), venture, P(period));
    REQUIRE(formula.ok());
    return *formula ? (*formula)->proposal.version : 0;
  };
  CHECK(in_force("2026-Q1") == 1);
  CHECK(in_force("2026-Q2") == 1);  // version 3 is not adopted
  CHECK(in_force("2026-Q3") == 2);
  CHECK(in_force("2026-Q4") == 2);
  CHECK(in_force("2027-Q1") == 4);
  CHECK(in_force("2030-Q4") == 4);
  CHECK(FormulaInForce(h.state(), venture, P("2025-Q4")).status().code() == Code::kInvalidArgument);
  CHECK(FormulaInForce(h.state(), venture, P("2026-07")).status().code() == Code::kInvalidArgument);

  // Version 5 (also from 2026-Q3) once adopted wins the tie with version 2.
  REQUIRE(h.Run(TxKind::kFormulaSign, FormulaSignBody{"v1", 5}, {"startup"}).ok());
  CHECK(in_force("2026-Q3") == 5);
  CHECK(in_force("2026-Q4") == 5);
  CHECK(in_force("2027-Q2") == 4);
  auto formula = FormulaInForce(h.state(), venture, P("2026-Q4"));
  CHECK((*formula)->proposal.formula == Fixed(5000));
}

TEST_CASE("CheckPeriodOpen", "[ventures]") {
  VentureRecord v;
  v.terms.venture_id = "v1";
  v.terms.members = {"maker", "startup"};
  v.terms.period_length = PeriodLength::kQuarter;
  v.terms.first_period = P("2026-Q1");
  v.next_unsettled = P("2026-Q2");
  int64_t may = *ParseUtcTime("2026-05-10");
  CHECK(CheckPeriodOpen(v, P("2026-Q2"), may).ok());
  Status closed = CheckPeriodOpen(v, P("2026-Q1"), may);
  CHECK(closed.code() == Code::kPeriodClosed);
  CHECK(closed.message() == "period 2026-Q1 of venture 'v1' is settled");
  CHECK(CheckPeriodOpen(v, P("2026-05"), may).code() == Code::kInvalidArgument);
  CHECK(CheckPeriodOpen(v, P("2025-Q4"), may).code() == Code::kInvalidArgument);
  Status later = CheckPeriodOpen(v, P("2026-Q3"), may);
  CHECK(later.code() == Code::kInvalidArgument);
  CHECK(later.message() == "period 2026-Q3 has not started");
  CHECK(CheckPeriodOpen(v, P("2026-Q3"), *ParseUtcTime("2026-07-01")).ok());
  CHECK(CheckPeriodOpen(v, P("2026-Q3"), *ParseUtcTime("2026-07-01") - 1).code() ==
        Code::kInvalidArgument);
  CHECK(IsVentureMember(v, "maker"));
  CHECK_FALSE(IsVentureMember(v, "telco"));
  CHECK(IsValidCurrency("EUR"));
  CHECK_FALSE(IsValidCurrency("EUr"));
  CHECK(FormulaKey("v1", 42) == "formula/v1/0000000042");
  CHECK(FormulaKey("v1", 4294967295u) == "formula/v1/4294967295");
}

// The harness cannot settle a period (settlement.run is another contract), so the
// period_closed cases run the contract directly on an overlay whose venture says so.
TEST_CASE_METHOD(VentureFixture, "settled periods keep their formula", "[ventures][formula]") {
  REQUIRE(h.Run(TxKind::kFormulaPropose, Proposal(1, "2026-Q2"), {"maker"}).ok());
  StateOverlay state(h.state());
  MarkSettled(state, "2026-Q3");
  auto apply = [&](testing::ContractFn contract, Bytes body, std::vector<std::string> signers) {
    return ApplyDirect(contract, std::move(body), std::move(signers), state);
  };
  auto result = apply(ApplyFormulaPropose, EncodeFields(Proposal(2, "2026-Q2")), {"maker"});
  CHECK(result.code == Code::kPeriodClosed);
  CHECK(result.message == "period 2026-Q2 of venture 'v1' is settled");
  result = apply(ApplyFormulaSign, EncodeFields(FormulaSignBody{"v1", 1}), {"startup"});
  CHECK(result.code == Code::kPeriodClosed);
  CHECK(result.message ==
        "formula version 1 of venture 'v1' takes effect from 2026-Q2, which is settled");
  CHECK(apply(ApplyFormulaPropose, EncodeFields(Proposal(2, "2026-Q3")), {"maker"}).ok());
}

}  // namespace
}  // namespace covalue::contracts
