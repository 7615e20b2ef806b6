// contribution.record, contribution.dispute, contribution.resolve and the period totals
// (contracts/contributions.h, docs/spec/contracts/ventures.md).
#include <catch2/catch.hpp>

#include "contracts/contributions.h"
#include "contracts/ventures.h"
#include "tests/support/venture_fixture.h"

namespace covalue::contracts {
namespace {

using ledger::TxKind;
using testing::kQ1;
using testing::P;

// Venture v1 of maker, startup and telco (treasurer maker; auditor lacks the member role),
// quarterly from 2026-Q1, at block time 2026-01-15. "outsider" has the member role but is not
// in v1.
struct Fixture : testing::VentureFixture {
  Fixture()
      : VentureFixture(
            {{"maker"}, {"startup"}, {"telco"}, {"outsider"}, {"auditor", ledger::kRoleAuditor}},
            testing::VentureBody({"maker", "startup", "telco"})) {}
  ContributionTotals Totals(const Period& period = kQ1) const {
    auto totals = LoadContributionTotals(h.state(), "v1", period);
    REQUIRE(totals.ok());
    return *totals;
  }
  ContributionRecord Load(std::string_view id) const {
    return h.Load<ContributionRecord>(ContributionKey(id));
  }
  testing::ContractRun Record(const ContributionRecordBody& body, const std::string& signer) {
    return h.Run(TxKind::kContributionRecord, body, {signer});
  }
  testing::ContractRun Dispute(std::string id, const std::string& signer,
                               std::string reason = "no evidence") {
    return h.Run(TxKind::kContributionDispute,
                 ContributionDisputeBody{std::move(id), std::move(reason)}, {signer});
  }
  testing::ContractRun Resolve(std::string id, DisputeOutcome outcome, const std::string& signer) {
    return h.Run(TxKind::kContributionResolve,
                 ContributionResolveBody{std::move(id), outcome, "agreed"}, {signer});
  }
};

ContributionRecordBody Body(std::string id, ContributionKind kind, uint64_t value,
                            bool recoupable = false, Period period = kQ1) {
  Hash32 evidence{};
  evidence[0] = 0xab;
  return {std::move(id), "v1", kind, 12, "TB", value, period, evidence, recoupable};
}

ContributionTotal Entry(std::string member, ContributionKind kind, bool recoupable, uint32_t count,
                        uint64_t value) {
  return {std::move(member), kind, recoupable, count, value};
}

TEST_CASE("contribution.record records and totals", "[contributions]") {
  Fixture f;
  auto run = f.Record(Body("c1", ContributionKind::kData, 1000), "startup");
  REQUIRE(run.ok());
  auto c = f.Load("c1");
  CHECK(c.contributor == "startup");
  CHECK(c.status == ContributionStatus::kCounted);
  CHECK(c.entry.value == 1000);
  CHECK(c.entry.quantity == 12);
  CHECK(c.entry.unit == "TB");
  CHECK(c.entry.period == kQ1);
  CHECK(c.disputed_by.empty());
  CHECK(c.recorded_height == f.h.height());
  CHECK(run.Event("contribution.recorded", "contribution") == "c1");
  CHECK(run.Event("contribution.recorded", "venture") == "v1");
  CHECK(run.Event("contribution.recorded", "period") == "2026-Q1");
  CHECK(run.Event("contribution.recorded", "value") == "1000");
  CHECK(run.Event("contribution.recorded", "kind") == "data");
  CHECK(run.entities == std::vector<std::string>{"contribution/c1", "venture/v1",
                                                 "contribution-totals/v1/2026-Q1",
                                                 "member/startup"});

  REQUIRE(f.Record(Body("c2", ContributionKind::kCompute, 300, true), "maker").ok());
  REQUIRE(f.Record(Body("c3", ContributionKind::kData, 200), "startup").ok());
  REQUIRE(f.Record(Body("c4", ContributionKind::kCompute, 50), "maker").ok());
  REQUIRE(f.Record(Body("c5", ContributionKind::kData, 7), "telco").ok());
  auto totals = f.Totals();
  CHECK(totals.entries ==
        std::vector<ContributionTotal>{Entry("maker", ContributionKind::kCompute, false, 1, 50),
                                       Entry("maker", ContributionKind::kCompute, true, 1, 300),
                                       Entry("startup", ContributionKind::kData, false, 2, 1200),
                                       Entry("telco", ContributionKind::kData, false, 1, 7)});
  CHECK(totals.recorded_count == 5);
  CHECK(totals.open_value == 1557);
  CHECK(f.Totals(P("2026-Q2")) == ContributionTotals{});

  // A later period has its own totals.
  f.h.SetTime("2026-04-02");
  REQUIRE(f.Record(Body("c6", ContributionKind::kIp, 9, false, P("2026-Q2")), "telco").ok());
  CHECK(f.Totals(P("2026-Q2")).entries ==
        std::vector<ContributionTotal>{Entry("telco", ContributionKind::kIp, false, 1, 9)});
  CHECK(f.Totals().open_value == 1557);
}

TEST_CASE("contribution.record refusals change nothing", "[contributions]") {
  Fixture f;
  REQUIRE(f.Record(Body("c1", ContributionKind::kData, 10), "maker").ok());
  auto refuse = [&](const ContributionRecordBody& body, const std::vector<std::string>& signers,
                    Code code) {
    auto run = f.h.Run(TxKind::kContributionRecord, body, signers);
    INFO(run.result.message);
    CHECK(run.code() == code);
    if (body.contribution_id != "c1")
      CHECK_FALSE(*f.h.state().Get(ContributionKey(body.contribution_id)));
    CHECK(f.Totals().recorded_count == 1);
    CHECK(f.Totals().open_value == 10);
  };
  auto good = Body("c2", ContributionKind::kData, 10);
  refuse(good, {"maker", "startup"}, Code::kInvalidArgument);
  refuse(good, {"auditor"}, Code::kForbidden);
  refuse(good, {"outsider"}, Code::kForbidden);
  auto body = good;
  body.venture_id = "v9";
  refuse(body, {"maker"}, Code::kNotFound);
  body = good;
  body.value = 0;
  refuse(body, {"maker"}, Code::kInvalidArgument);
  body.value = kMaxAmount + 1;
  refuse(body, {"maker"}, Code::kInvalidArgument);  // the decoder's bound
  refuse(Body("c1", ContributionKind::kData, 10), {"startup"}, Code::kAlreadyExists);
  refuse(Body("c2", ContributionKind::kData, 10, false, P("2026-01")), {"maker"},
         Code::kInvalidArgument);
  refuse(Body("c2", ContributionKind::kData, 10, false, P("2025-Q4")), {"maker"},
         Code::kInvalidArgument);
  auto run = f.Record(Body("c2", ContributionKind::kData, 10, false, P("2026-Q2")), "maker");
  CHECK(run.code() == Code::kInvalidArgument);
  CHECK(run.result.message == "period 2026-Q2 has not started");
  body = good;
  body.unit = std::string(33, 'u');
  refuse(body, {"maker"}, Code::kTooLarge);
  Bytes bytes = EncodeFields(good);
  bytes[4 + 2 + 4 + 2] = 9;  // the kind, after two 2-byte ids
  CHECK(f.h.Run(TxKind::kContributionRecord, bytes, {"maker"}).code() == Code::kUnknownEnum);
}

TEST_CASE("a period's contributions stay within 10^15 minor units", "[contributions]") {
  Fixture f;
  REQUIRE(f.Record(Body("big", ContributionKind::kCapital, kMaxAmount - 100), "maker").ok());
  REQUIRE(f.Record(Body("c100", ContributionKind::kData, 100), "startup").ok());
  auto run = f.Record(Body("c1", ContributionKind::kData, 1), "startup");
  CHECK(run.code() == Code::kFailedPrecondition);
  // A disputed contribution keeps its room: upholding the dispute must be able to count it again.
  REQUIRE(f.Dispute("c100", "maker").ok());
  CHECK(f.Record(Body("c1", ContributionKind::kData, 1), "startup").code() ==
        Code::kFailedPrecondition);
  // Withdrawn for good, it frees its room.
  REQUIRE(f.Resolve("c100", DisputeOutcome::kWithdrawn, "startup").ok());
  CHECK(f.Totals().open_value == kMaxAmount - 100);
  REQUIRE(f.Record(Body("c1", ContributionKind::kData, 100), "startup").ok());
  CHECK(f.Totals().open_value == kMaxAmount);
  CHECK(f.Totals().recorded_count == 3);
}

TEST_CASE("disputes take a contribution out of the totals until resolved", "[contributions]") {
  Fixture f;
  REQUIRE(f.Record(Body("c1", ContributionKind::kData, 100), "maker").ok());
  REQUIRE(f.Record(Body("c2", ContributionKind::kData, 50), "maker").ok());
  REQUIRE(f.Record(Body("c3", ContributionKind::kService, 70), "startup").ok());
  const auto all = f.Totals().entries;

  auto run = f.Dispute("c1", "startup", "the dataset was delivered in Q2");
  REQUIRE(run.ok());
  CHECK(run.Event("contribution.disputed", "disputed_by") == "startup");
  CHECK(run.Event("contribution.disputed", "value") == "100");
  CHECK(run.Event("contribution.disputed", "period") == "2026-Q1");
  auto c = f.Load("c1");
  CHECK(c.status == ContributionStatus::kDisputed);
  CHECK(c.disputed_by == "startup");
  CHECK(c.dispute_reason == "the dataset was delivered in Q2");
  CHECK(f.Totals().entries ==
        std::vector<ContributionTotal>{Entry("maker", ContributionKind::kData, false, 1, 50),
                                       Entry("startup", ContributionKind::kService, false, 1, 70)});
  CHECK(f.Totals().open_value == 220);

  // Only the disputer may uphold (withdraw the dispute).
  CHECK(f.Resolve("c1", DisputeOutcome::kUpheld, "maker").code() == Code::kForbidden);
  CHECK(f.Resolve("c1", DisputeOutcome::kUpheld, "telco").code() == Code::kForbidden);
  run = f.Resolve("c1", DisputeOutcome::kUpheld, "startup");
  REQUIRE(run.ok());
  CHECK(run.Event("contribution.resolved", "outcome") == "upheld");
  CHECK(run.Event("contribution.resolved", "status") == "counted");
  CHECK(f.Load("c1").status == ContributionStatus::kCounted);
  CHECK(f.Load("c1").resolution_note == "agreed");
  CHECK(f.Totals().entries == all);

  // Disputed again; only the contributor may withdraw it, and then it never counts again.
  REQUIRE(f.Dispute("c1", "telco").ok());
  CHECK(f.Load("c1").disputed_by == "telco");
  CHECK(f.Resolve("c1", DisputeOutcome::kWithdrawn, "telco").code() == Code::kForbidden);
  CHECK(f.Resolve("c1", DisputeOutcome::kWithdrawn, "startup").code() == Code::kForbidden);
  run = f.Resolve("c1", DisputeOutcome::kWithdrawn, "maker");
  REQUIRE(run.ok());
  CHECK(run.Event("contribution.resolved", "status") == "withdrawn");
  CHECK(f.Load("c1").status == ContributionStatus::kWithdrawn);
  CHECK(f.Totals().entries ==
        std::vector<ContributionTotal>{Entry("maker", ContributionKind::kData, false, 1, 50),
                                       Entry("startup", ContributionKind::kService, false, 1, 70)});
  CHECK(f.Totals().open_value == 120);
  CHECK(f.Dispute("c1", "startup").code() == Code::kConflict);
  CHECK(f.Resolve("c1", DisputeOutcome::kUpheld, "telco").code() == Code::kConflict);

  // The last of an entry disputed: the entry goes.
  REQUIRE(f.Dispute("c3", "maker").ok());
  CHECK(f.Totals().entries ==
        std::vector<ContributionTotal>{Entry("maker", ContributionKind::kData, false, 1, 50)});
}

TEST_CASE("dispute and resolve refusals change nothing", "[contributions]") {
  Fixture f;
  REQUIRE(f.Record(Body("c1", ContributionKind::kData, 100), "maker").ok());
  const auto before = f.Load("c1");
  const auto totals = f.Totals();
  auto unchanged = [&] {
    CHECK(f.Load("c1") == before);
    CHECK(f.Totals() == totals);
  };
  CHECK(f.Dispute("c1", "maker").code() == Code::kForbidden);  // its own
  CHECK(f.Dispute("c1", "outsider").code() == Code::kForbidden);
  CHECK(f.Dispute("c1", "auditor").code() == Code::kForbidden);
  CHECK(f.Dispute("c1", "startup", "").code() == Code::kInvalidArgument);
  CHECK(f.Dispute("c1", "startup", std::string(257, 'r')).code() == Code::kTooLarge);
  CHECK(f.Dispute("nope", "startup").code() == Code::kNotFound);
  CHECK(f.h.Run(TxKind::kContributionDispute, ContributionDisputeBody{"c1", "x"},
                {"startup", "telco"})
            .code() == Code::kInvalidArgument);
  CHECK(f.Resolve("c1", DisputeOutcome::kUpheld, "startup").code() ==
        Code::kConflict);  // not disputed
  CHECK(f.Resolve("c1", DisputeOutcome::kWithdrawn, "maker").code() == Code::kConflict);
  unchanged();

  REQUIRE(f.Dispute("c1", "startup").ok());
  const auto disputed = f.Load("c1");
  const auto disputed_totals = f.Totals();
  CHECK(f.Dispute("c1", "telco").code() == Code::kConflict);
  CHECK(f.Resolve("nope", DisputeOutcome::kUpheld, "startup").code() == Code::kNotFound);
  CHECK(f.Resolve("c1", DisputeOutcome::kUpheld, "outsider").code() == Code::kForbidden);
  CHECK(f.Resolve("c1", DisputeOutcome::kUpheld, "auditor").code() == Code::kForbidden);
  Bytes bytes = EncodeFields(ContributionResolveBody{"c1", DisputeOutcome::kUpheld, ""});
  bytes[4 + 2] = 3;  // the outcome, after the id
  CHECK(f.h.Run(TxKind::kContributionResolve, bytes, {"startup"}).code() == Code::kUnknownEnum);
  CHECK(f.Load("c1") == disputed);
  CHECK(f.Totals() == disputed_totals);
}

// The harness cannot settle a period (settlement.run is another contract), so the
// period_closed cases run each contract directly on an overlay whose venture says so.
TEST_CASE("contributions of a settled period are frozen", "[contributions]") {
  Fixture f;
  REQUIRE(f.Record(Body("c1", ContributionKind::kData, 100), "maker").ok());
  REQUIRE(f.Record(Body("c2", ContributionKind::kData, 100), "maker").ok());
  REQUIRE(f.Dispute("c2", "startup").ok());
  f.h.SetTime("2026-04-02");
  StateOverlay state(f.h.state());
  f.MarkSettled(state, "2026-Q2");
  auto apply = [&](testing::ContractFn contract, Bytes body, std::string signer) {
    return f.ApplyDirect(contract, std::move(body), {std::move(signer)}, state);
  };
  auto late =
      apply(ApplyContributionRecord, EncodeFields(Body("c3", ContributionKind::kData, 1)), "maker");
  CHECK(late.code == Code::kPeriodClosed);
  CHECK(late.message == "period 2026-Q1 of venture 'v1' is settled");
  CHECK(apply(ApplyContributionDispute, EncodeFields(ContributionDisputeBody{"c1", "late"}),
              "startup")
            .code == Code::kPeriodClosed);
  CHECK(apply(ApplyContributionResolve,
              EncodeFields(ContributionResolveBody{"c2", DisputeOutcome::kUpheld, ""}), "startup")
            .code == Code::kPeriodClosed);
  CHECK(apply(ApplyContributionResolve,
              EncodeFields(ContributionResolveBody{"c2", DisputeOutcome::kWithdrawn, ""}), "maker")
            .code == Code::kPeriodClosed);
  CHECK(apply(ApplyContributionRecord,
              EncodeFields(Body("c3", ContributionKind::kData, 1, false, P("2026-Q2"))), "maker")
            .ok());
}

TEST_CASE("a period holds at most 10,000 contributions", "[contributions]") {
  Fixture f;
  REQUIRE(f.Record(Body("c1", ContributionKind::kData, 100), "maker").ok());
  StateOverlay state(f.h.state());
  auto totals = f.Totals();
  totals.recorded_count = kMaxContributionsPerPeriod - 1;
  StoreRecord(state, ContributionTotalsKey("v1", kQ1), totals);
  auto apply = [&](std::string id) {
    return f
        .ApplyDirect(ApplyContributionRecord,
                     EncodeFields(Body(std::move(id), ContributionKind::kData, 1)), {"maker"},
                     state)
        .code;
  };
  CHECK(apply("c2") == Code::kOk);
  CHECK(apply("c3") == Code::kFailedPrecondition);
  auto after = LoadContributionTotals(state, "v1", kQ1);
  CHECK(after->recorded_count == kMaxContributionsPerPeriod);
}

}  // namespace
}  // namespace covalue::contracts
