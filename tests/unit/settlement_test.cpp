// settlement.run (contracts/settlement.h, docs/spec/contracts/settlement.md): worked
// settlements of each formula kind through the real executor, recoupment carried over,
// every refusal, and the period closed afterwards.
#include <catch2/catch.hpp>

#include "common/civil_time.h"
#include "contracts/contributions.h"
#include "contracts/payouts.h"
#include "contracts/revenue.h"
#include "contracts/settlement.h"
#include "tests/support/venture_fixture.h"

namespace covalue::contracts {
namespace {

using ledger::TxKind;
using testing::ContractHarness;
using testing::ContractRun;
using testing::P;

// Venture v1 of maker, startup and telco (treasurer maker), quarters from 2026-Q1; the
// harness's clock starts at 2026-01-15.
struct Ledger : testing::VentureFixture {
  int contributions = 0;

  explicit Ledger(std::vector<std::string> members = {"maker", "startup", "telco"})
      : VentureFixture(testing::VentureBody(std::move(members))) {}
  std::string Contribute(const std::string& member, ContributionKind kind, uint64_t value,
                         std::string_view period = "2026-Q1", bool recoupable = false) {
    std::string id = "c" + std::to_string(++contributions);
    ContributionRecordBody body{id, "v1", kind, 1, "lot", value, P(period), Hash32{}, recoupable};
    auto run = h.Run(TxKind::kContributionRecord, body, {member});
    INFO(run.result.message);
    REQUIRE(run.ok());
    return id;
  }
  SettlementRecord Settlement(std::string_view period) const {
    return h.Load<SettlementRecord>(SettlementKey("v1", P(period)));
  }
  PayoutRecord Payout(std::string_view period, std::string_view member) const {
    return h.Load<PayoutRecord>(PayoutKey("v1", P(period), member));
  }
};

contracts::Formula Fixed(uint32_t maker, uint32_t startup, uint32_t telco,
                         uint32_t recoup_cap_bps = 0) {
  return {FormulaKind::kFixed,
          {{"maker", maker}, {"startup", startup}, {"telco", telco}},
          {},
          0,
          recoup_cap_bps};
}

// The spec's worked example: shares 50/30/20, 40% of the distributable by them, compute
// weighs 50%, recoupment up to 25% of the revenue.
contracts::Formula SpecMixed() {
  return {FormulaKind::kMixed,
          {{"maker", 5000}, {"startup", 3000}, {"telco", 2000}},
          {{ContributionKind::kCompute, 5000}},
          4000,
          2500};
}

SettlementLine Line(std::string member, uint64_t recoup, uint64_t fixed, uint64_t contribution,
                    uint64_t counted, uint64_t value, uint64_t recorded, uint64_t outstanding) {
  return {std::move(member), recoup, fixed,    contribution, recoup + fixed + contribution,
          counted,           value,  recorded, outstanding};
}

TEST_CASE("fixed formula: the statement, its payouts, events and the period closed",
          "[settlement]") {
  Ledger l;
  l.ProposeFormula(Fixed(5000, 3000, 2000));
  REQUIRE(l.RecordRevenue("INV-1", 600).ok());
  REQUIRE(l.RecordRevenue("INV-2", 401).ok());
  l.h.SetTime("2026-04-01");
  auto run = l.Settle("2026-Q1");
  INFO(run.result.message);
  REQUIRE(run.ok());
  // 1,001 × 50% = 500.5, × 30% = 300.3, × 20% = 200.2: floors 1,000; the unit left goes to
  // the largest remainder, maker's .5.
  auto s = l.Settlement("2026-Q1");
  CHECK(s.venture_id == "v1");
  CHECK(s.formula_version == 1);
  CHECK(s.revenue == 1001);
  CHECK(s.revenue_count == 2);
  CHECK(s.currency == "EUR");
  CHECK(s.settled_height == l.h.height());
  CHECK(s.settled_time_ms == *ParseUtcTime("2026-04-01"));
  CHECK(s.tx_id == run.tx_id);
  REQUIRE(s.lines.size() == 3);
  CHECK(s.lines[0] == Line("maker", 0, 501, 0, 0, 0, 0, 0));
  CHECK(s.lines[1] == Line("startup", 0, 300, 0, 0, 0, 0, 0));
  CHECK(s.lines[2] == Line("telco", 0, 200, 0, 0, 0, 0, 0));

  auto payout = l.Payout("2026-Q1", "startup");
  CHECK(payout == PayoutRecord{"v1", P("2026-Q1"), "startup", "maker", 300, "EUR",
                               PayoutStatus::kInstructed, 1, "", "", l.h.height(), 0});
  CHECK(l.Payout("2026-Q1", "maker").amount == 501);
  CHECK(l.h.Load<VentureRecord>(VentureKey("v1")).next_unsettled == P("2026-Q2"));

  REQUIRE(run.result.events.size() == 4);
  CHECK(run.Event("settlement.completed", "venture") == "v1");
  CHECK(run.Event("settlement.completed", "period") == "2026-Q1");
  CHECK(run.Event("settlement.completed", "revenue") == "1001");
  CHECK(run.Event("settlement.completed", "currency") == "EUR");
  CHECK(run.Event("settlement.completed", "formula_version") == "1");
  CHECK(run.Event("settlement.completed", "lines") == "3");
  CHECK(run.Event("settlement.completed", "payouts") == "3");
  CHECK(run.result.events[1].attributes ==
        std::vector<std::pair<std::string, std::string>>{{"member", "maker"},
                                                         {"recoup", "0"},
                                                         {"fixed", "501"},
                                                         {"contribution", "0"},
                                                         {"total", "501"},
                                                         {"payer", "maker"}});
  CHECK(run.entities == std::vector<std::string>{"venture/v1", "settlement/v1/2026-Q1",
                                                 "payout/v1/2026-Q1/maker",
                                                 "payout/v1/2026-Q1/startup",
                                                 "payout/v1/2026-Q1/telco", "member/startup"});

  // The period is closed: no contribution, revenue or dispute for it any more.
  l.h.SetTime("2026-04-02");
  auto late_revenue = l.RecordRevenue("INV-3", 5);
  CHECK(late_revenue.code() == Code::kPeriodClosed);
  ContributionRecordBody late{"late",   "v1", ContributionKind::kData, 1, "lot", 10, P("2026-Q1"),
                              Hash32{}, false};
  CHECK(l.h.Run(TxKind::kContributionRecord, late, {"telco"}).code() == Code::kPeriodClosed);
  CHECK(l.Absent(ContributionKey("late")));
  CHECK(l.h.Load<RevenueTotal>(RevenueTotalKey("v1", P("2026-Q1"))).amount == 1001);
}

TEST_CASE("a dispute of a settled period is refused", "[settlement]") {
  Ledger l;
  l.ProposeFormula(Fixed(5000, 3000, 2000));
  std::string id = l.Contribute("telco", ContributionKind::kData, 10);
  l.h.SetTime("2026-04-01");
  REQUIRE(l.Settle("2026-Q1").ok());
  auto dispute = l.h.Run(TxKind::kContributionDispute,
                         ContributionDisputeBody{id, "never delivered"}, {"maker"});
  CHECK(dispute.code() == Code::kPeriodClosed);
  CHECK(l.h.Load<ContributionRecord>(ContributionKey(id)).status == ContributionStatus::kCounted);
}

TEST_CASE("contribution formula: counted contributions, weighted per kind", "[settlement]") {
  Ledger l;
  l.ProposeFormula({FormulaKind::kContribution, {}, {{ContributionKind::kCompute, 5000}}, 0, 0});
  l.Contribute("maker", ContributionKind::kData, 300);
  l.Contribute("startup", ContributionKind::kCompute, 150);
  l.Contribute("startup", ContributionKind::kCompute, 250);
  // telco's contribution is disputed by maker: it does not count.
  std::string disputed = l.Contribute("telco", ContributionKind::kData, 1000);
  REQUIRE(l.h.Run(TxKind::kContributionDispute, ContributionDisputeBody{disputed, "no evidence"},
                  {"maker"})
              .ok());
  REQUIRE(l.RecordRevenue("INV-1", 999).ok());
  l.h.SetTime("2026-04-01");
  REQUIRE(l.Settle("2026-Q1", "telco").ok());
  // maker 300 × 10000 = 3,000,000; startup 400 × 5000 = 2,000,000; W = 5,000,000.
  // 999 × 3/5 = 599.4, 999 × 2/5 = 399.6: floors 998; the unit to startup (.6 > .4).
  auto s = l.Settlement("2026-Q1");
  CHECK(s.lines[0] == Line("maker", 0, 0, 599, 1, 300, 0, 0));
  CHECK(s.lines[1] == Line("startup", 0, 0, 400, 2, 400, 0, 0));
  CHECK(s.lines[2] == Line("telco", 0, 0, 0, 0, 0, 0, 0));
  CHECK(l.Absent(PayoutKey("v1", P("2026-Q1"), "telco")));  // nothing to pay
  CHECK(l.Payout("2026-Q1", "startup").amount == 400);
}

TEST_CASE("equal remainders go to the smaller member id", "[settlement]") {
  Ledger l;
  l.ProposeFormula({FormulaKind::kContribution, {}, {}, 0, 0});
  l.Contribute("telco", ContributionKind::kData, 500);
  l.Contribute("maker", ContributionKind::kData, 500);
  REQUIRE(l.RecordRevenue("INV-1", 101).ok());
  // Nobody contributes in Q2: the revenue goes equally (no fixed shares).
  l.h.SetTime("2026-04-01");
  REQUIRE(l.RecordRevenue("INV-2", 100, "2026-Q2").ok());
  REQUIRE(l.Settle("2026-Q1").ok());
  // 101 / 2 = 50.5 each: the unit to maker ("maker" < "telco").
  auto q1 = l.Settlement("2026-Q1");
  CHECK(q1.lines[0].total == 51);
  CHECK(q1.lines[1].total == 0);
  CHECK(q1.lines[2].total == 50);
  l.h.SetTime("2026-07-01");
  REQUIRE(l.Settle("2026-Q2").ok());
  // 100 / 3 = 33 r 1: maker 34, startup 33, telco 33.
  auto q2 = l.Settlement("2026-Q2");
  CHECK(q2.lines[0].contribution_amount == 34);
  CHECK(q2.lines[1].contribution_amount == 33);
  CHECK(q2.lines[2].contribution_amount == 33);
}

TEST_CASE("mixed formula with recoupment, carried over until repaid (the spec's example)",
          "[settlement]") {
  Ledger l;
  l.ProposeFormula(SpecMixed());
  l.Contribute("startup", ContributionKind::kCompute, 4000, "2026-Q1", true);  // a recoupable cost
  l.Contribute("maker", ContributionKind::kData, 2000);
  l.Contribute("startup", ContributionKind::kData, 1000);
  l.Contribute("telco", ContributionKind::kCompute, 3000);
  REQUIRE(l.RecordRevenue("INV-1", 7000).ok());
  REQUIRE(l.RecordRevenue("INV-2", 5001).ok());
  l.h.SetTime("2026-04-01");
  REQUIRE(l.RecordRevenue("INV-3", 2000, "2026-Q2").ok());
  REQUIRE(l.Settle("2026-Q1").ok());
  // Q1, revenue 12,001. 1. pool = min(floor(12,001 × 25%) = 3,000, owed 4,000) = 3,000, all
  // startup's; it still has 1,000 owed. 2. D = 9,001; fixed part floor(9,001 × 40%) = 3,600:
  // 1,800 / 1,080 / 720. Contribution part 5,401 by maker 2,000 × 10000, startup 1,000 × 10000,
  // telco 3,000 × 5000 (20 : 10 : 15 of 45): 2,400.44 / 1,200.22 / 1,800.33 → 2,400 / 1,200 /
  // 1,800 and the unit left to maker (.44). Totals 4,201 + 5,280 + 2,520 = 12,001.
  auto q1 = l.Settlement("2026-Q1");
  CHECK(q1.lines[0] == Line("maker", 0, 1800, 2401, 1, 2000, 0, 0));
  CHECK(q1.lines[1] == Line("startup", 3000, 1080, 1200, 1, 1000, 4000, 1000));
  CHECK(q1.lines[2] == Line("telco", 0, 720, 1800, 1, 3000, 0, 0));
  CHECK(l.h.Load<RecoupBalance>(RecoupBalanceKey("v1", "startup")).outstanding == 1000);
  CHECK(l.Payout("2026-Q1", "startup").amount == 5280);

  // Q2, revenue 2,000, no contributions. pool = min(500, 1,000) = 500 (startup, 500 left).
  // D = 1,500: fixed part 600 → 300 / 180 / 120; the contribution part 900 by the fixed
  // shares (nobody contributed) → 450 / 270 / 180.
  l.h.SetTime("2026-07-01");
  REQUIRE(l.RecordRevenue("INV-4", 10000, "2026-Q3").ok());
  auto run = l.Settle("2026-Q2");
  REQUIRE(run.ok());
  auto q2 = l.Settlement("2026-Q2");
  CHECK(q2.lines[0] == Line("maker", 0, 300, 450, 0, 0, 0, 0));
  CHECK(q2.lines[1] == Line("startup", 500, 180, 270, 0, 0, 0, 500));
  CHECK(q2.lines[2] == Line("telco", 0, 120, 180, 0, 0, 0, 0));
  CHECK(l.h.Load<RecoupBalance>(RecoupBalanceKey("v1", "startup")).outstanding == 500);
  CHECK(std::count(run.entities.begin(), run.entities.end(), "recoup/v1/startup") == 1);

  // Q3, revenue 10,000: pool = min(2,500, 500) = 500 repays the rest; the balance is gone.
  // D = 9,500: 3,800 → 1,900 / 1,140 / 760; 5,700 → 2,850 / 1,710 / 1,140.
  l.h.SetTime("2026-10-01");
  REQUIRE(l.Settle("2026-Q3").ok());
  auto q3 = l.Settlement("2026-Q3");
  CHECK(q3.lines[1] == Line("startup", 500, 1140, 1710, 0, 0, 0, 0));
  CHECK(q3.lines[0].total == 4750);
  CHECK(q3.lines[2].total == 1900);
  CHECK(l.Absent(RecoupBalanceKey("v1", "startup")));
}

TEST_CASE("the spec's worked example: fleet-emissions, 2026-Q3 and 2026-Q4", "[settlement]") {
  ContractHarness h({{"maker"}, {"analytics"}, {"connectivity"}});
  h.SetTime("2026-08-03");
  VentureCreateBody venture{"fleet-emissions",
                            {"maker", "analytics", "connectivity"},
                            "EUR",
                            PeriodLength::kQuarter,
                            P("2026-Q3"),
                            "maker"};
  REQUIRE(h.Run(TxKind::kVentureCreate, venture, {"maker"}).ok());
  contracts::Formula formula{FormulaKind::kMixed,
                             {{"maker", 5000}, {"analytics", 3000}, {"connectivity", 2000}},
                             {{ContributionKind::kCompute, 5000}},
                             6000,
                             2000};
  REQUIRE(h.Run(TxKind::kFormulaPropose,
                FormulaProposeBody{"fleet-emissions", 1, P("2026-Q3"), formula},
                {"maker", "analytics", "connectivity"})
              .ok());
  auto contribute = [&](std::string id, std::string member, ContributionKind kind, uint64_t value,
                        bool recoupable) {
    ContributionRecordBody body{std::move(id), "fleet-emissions", kind,     1,         "lot",
                                value,         P("2026-Q3"),      Hash32{}, recoupable};
    REQUIRE(h.Run(TxKind::kContributionRecord, body, {std::move(member)}).ok());
  };
  contribute("q3-analytics-gpu", "analytics", ContributionKind::kCompute, 500'000, false);
  contribute("q3-maker-telemetry", "maker", ContributionKind::kData, 1'000'000, false);
  contribute("q3-connectivity-sims", "connectivity", ContributionKind::kService, 3'000'000, true);
  auto revenue = [&](std::string ref, uint64_t amount, std::string_view period) {
    REQUIRE(
        h.Run(TxKind::kRevenueRecord,
              RevenueRecordBody{"fleet-emissions", std::move(ref), amount, "EUR", P(period), ""},
              {"maker"})
            .ok());
  };
  revenue("INV-2026-0712", 12'000'000, "2026-Q3");
  revenue("INV-2026-0815", 345'679, "2026-Q3");
  h.SetTime("2026-10-02");
  revenue("INV-2026-1103", 4'000'000, "2026-Q4");
  auto run = h.Run(TxKind::kSettlementRun, SettlementRunBody{"fleet-emissions", P("2026-Q3")},
                   {"analytics"});
  REQUIRE(run.ok());
  // 1. cap share floor(12,345,679 × 20%) = 2,469,135 < owed 3,000,000: all connectivity's.
  // 2. D = 9,876,544; F = floor(D × 60%) = 5,925,926 → 2,962,963 / 1,777,777.8 / 1,185,185.2:
  //    the unit to analytics. C = 3,950,618 by maker 10^10, analytics 2.5 × 10^9 (0.8 : 0.2) →
  //    3,160,494.4 / 790,123.6: the unit to analytics.
  auto q3 = h.Load<SettlementRecord>(SettlementKey("fleet-emissions", P("2026-Q3")));
  CHECK(q3.lines[0] == Line("analytics", 0, 1'777'778, 790'124, 1, 500'000, 0, 0));
  CHECK(q3.lines[1] == Line("connectivity", 2'469'135, 1'185'185, 0, 0, 0, 3'000'000, 530'865));
  CHECK(q3.lines[2] == Line("maker", 0, 2'962'963, 3'160'494, 1, 1'000'000, 0, 0));
  CHECK(run.result.events[2].attributes ==
        std::vector<std::pair<std::string, std::string>>{{"member", "connectivity"},
                                                         {"recoup", "2469135"},
                                                         {"fixed", "1185185"},
                                                         {"contribution", "0"},
                                                         {"total", "3654320"},
                                                         {"payer", "maker"}});

  // Q4: pool = min(800,000, 530,865) repays connectivity. D = 3,469,135; F = 2,081,481 →
  // 1,040,740.5 / 624,444.3 / 416,296.2 (the unit to maker); C = 1,387,654 by the fixed shares
  // (no contributions) → 693,827 / 416,296.2 / 277,530.8 (the unit to connectivity).
  h.SetTime("2027-01-04");
  REQUIRE(h.Run(TxKind::kSettlementRun, SettlementRunBody{"fleet-emissions", P("2026-Q4")},
                {"connectivity"})
              .ok());
  auto q4 = h.Load<SettlementRecord>(SettlementKey("fleet-emissions", P("2026-Q4")));
  CHECK(q4.lines[0] == Line("analytics", 0, 624'444, 416'296, 0, 0, 0, 0));
  CHECK(q4.lines[1] == Line("connectivity", 530'865, 416'296, 277'531, 0, 0, 0, 0));
  CHECK(q4.lines[2] == Line("maker", 0, 1'040'741, 693'827, 0, 0, 0, 0));
}

TEST_CASE("zero revenue: a settlement of zero lines, no payouts, costs still carried",
          "[settlement]") {
  Ledger l;
  l.ProposeFormula(Fixed(5000, 3000, 2000, 1000));
  l.Contribute("telco", ContributionKind::kService, 70, "2026-Q1", true);
  l.h.SetTime("2026-04-01");
  auto run = l.Settle("2026-Q1");
  REQUIRE(run.ok());
  auto s = l.Settlement("2026-Q1");
  CHECK(s.revenue == 0);
  CHECK(s.lines[2] == Line("telco", 0, 0, 0, 0, 0, 70, 70));
  CHECK(l.Absent(PayoutKey("v1", P("2026-Q1"), "maker")));
  CHECK(run.result.events.size() == 1);
  CHECK(run.Event("settlement.completed", "payouts") == "0");
  CHECK(l.h.Load<RecoupBalance>(RecoupBalanceKey("v1", "telco")).outstanding == 70);
}

TEST_CASE("a venture of 64 members: 64 lines, an event for each", "[settlement]") {
  std::vector<testing::HarnessMember> people;
  std::vector<std::string> ids;
  std::vector<FixedShare> shares;
  for (int i = 0; i < 64; ++i) {
    ids.push_back("m" + std::to_string(10 + i));
    people.push_back({ids.back()});
    shares.push_back({ids.back(), i == 0 ? kBasisPoints - 63 * 156 : 156});
  }
  ContractHarness h(people);
  REQUIRE(h.Run(TxKind::kVentureCreate,
                VentureCreateBody{"big", ids, "EUR", PeriodLength::kMonth, P("2026-01"), ids[0]},
                {ids[0]})
              .ok());
  contracts::Formula fixed{FormulaKind::kFixed, shares, {}, 0, 0};
  // At most 8 signers a transaction: proposed by 8, signed by the rest 8 at a time.
  std::vector<std::string> first(ids.begin(), ids.begin() + 8);
  REQUIRE(h.Run(TxKind::kFormulaPropose, FormulaProposeBody{"big", 1, P("2026-01"), fixed}, first)
              .ok());
  for (size_t at = 8; at < ids.size(); at += 8) {
    std::vector<std::string> batch(ids.begin() + static_cast<long>(at),
                                   ids.begin() + static_cast<long>(at + 8));
    REQUIRE(h.Run(TxKind::kFormulaSign, FormulaSignBody{"big", 1}, batch).ok());
  }
  REQUIRE(h.Run(TxKind::kRevenueRecord,
                RevenueRecordBody{"big", "INV-1", kMaxAmount, "EUR", P("2026-01"), ""}, {ids[0]})
              .ok());
  h.SetTime("2026-02-01");
  auto run = h.Run(TxKind::kSettlementRun, SettlementRunBody{"big", P("2026-01")}, {ids[5]});
  INFO(run.result.message);
  REQUIRE(run.ok());
  auto s = h.Load<SettlementRecord>(SettlementKey("big", P("2026-01")));
  REQUIRE(s.lines.size() == 64);
  uint64_t sum = 0;
  for (const auto& line : s.lines) sum += line.total;
  CHECK(sum == kMaxAmount);
  CHECK(run.Event("settlement.completed", "payouts") == "64");
  CHECK(run.result.events.size() == 65);  // settlement.completed and 64 lines
  Bytes encoded = ledger::EncodeTxResult(run.result);
  codec::Reader reader(encoded);
  ledger::TxResult decoded;
  CHECK(ledger::DecodeTxResult(reader, &decoded).ok());
  CHECK(decoded == run.result);
}

// A refused settlement.run leaves no settlement, no payout and the venture as it was.
void CheckRefused(Ledger& l, const ContractRun& run, Code code, std::string_view period,
                  std::string_view text = "") {
  INFO(run.result.message);
  CHECK(run.code() == code);
  CHECK(run.result.message.find(text) != std::string::npos);
  CHECK(run.result.events.empty());
  CHECK(l.Absent(SettlementKey("v1", P(period))));
  CHECK(l.Absent(PayoutKey("v1", P(period), "maker")));
  CHECK(l.h.Load<VentureRecord>(VentureKey("v1")).next_unsettled == P("2026-Q1"));
}

TEST_CASE("settlement.run refusals change nothing", "[settlement]") {
  Ledger l({"maker", "startup"});
  contracts::Formula fixed{FormulaKind::kFixed, {{"maker", 6000}, {"startup", 4000}}, {}, 0, 0};
  REQUIRE(l.RecordRevenue("INV-1", 1000).ok());
  l.h.SetTime("2026-04-01");

  SECTION("signers and body") {
    l.ProposeFormula(fixed, "2026-Q1", {"maker", "startup"});
    auto two = l.h.Run(TxKind::kSettlementRun, SettlementRunBody{"v1", P("2026-Q1")},
                       {"maker", "startup"});
    CheckRefused(l, two, Code::kInvalidArgument, "2026-Q1");
    CheckRefused(l, l.Settle("2026-Q1", "auditor"), Code::kForbidden, "2026-Q1",
                 "lacks the member role");
    CheckRefused(l, l.Settle("2026-Q1", "telco"), Code::kForbidden, "2026-Q1",
                 "not a member of venture 'v1'");
    CheckRefused(l, l.Settle("2026-Q1", "maker", "Bad Id"), Code::kInvalidArgument, "2026-Q1",
                 "body: venture_id");
    CheckRefused(l, l.h.Run(TxKind::kSettlementRun, Bytes{1, 2}, {"maker"}), Code::kMalformed,
                 "2026-Q1");
  }
  SECTION("unknown venture") {
    CheckRefused(l, l.Settle("2026-Q1", "maker", "v2"), Code::kNotFound, "2026-Q1",
                 "venture 'v2' not found");
  }
  SECTION("a period of another length, or before the first") {
    l.ProposeFormula(fixed, "2026-Q1", {"maker", "startup"});
    CheckRefused(l, l.Settle("2026-03"), Code::kInvalidArgument, "2026-03", "is not a quarter");
    CheckRefused(l, l.Settle("2025-Q4"), Code::kInvalidArgument, "2025-Q4",
                 "before the first period");
  }
  SECTION("out of order") {
    l.ProposeFormula(fixed, "2026-Q1", {"maker", "startup"});
    l.h.SetTime("2026-07-01");
    CheckRefused(l, l.Settle("2026-Q2"), Code::kFailedPrecondition, "2026-Q2",
                 "settle 2026-Q1 first");
  }
  SECTION("the period has not ended") {
    l.ProposeFormula(fixed, "2026-Q1", {"maker", "startup"});
    l.h.SetTime("2026-03-31T23:59:59Z");
    CheckRefused(l, l.Settle("2026-Q1"), Code::kFailedPrecondition, "2026-Q1",
                 "ends at 2026-04-01T00:00:00Z");
    l.h.SetTime("2026-04-01");
    CHECK(l.Settle("2026-Q1").ok());
  }
  SECTION("no formula, an unsigned one, or one in force only later") {
    const char* message = "no formula version signed by every member is in force for 2026-Q1";
    CheckRefused(l, l.Settle("2026-Q1"), Code::kFailedPrecondition, "2026-Q1", message);
    l.ProposeFormula(fixed, "2026-Q1", {"maker"});  // startup has not signed
    CheckRefused(l, l.Settle("2026-Q1"), Code::kFailedPrecondition, "2026-Q1", message);
    l.ProposeFormula(fixed, "2026-Q2", {"maker", "startup"});
    CheckRefused(l, l.Settle("2026-Q1"), Code::kFailedPrecondition, "2026-Q1", message);
    REQUIRE(l.h.Run(TxKind::kFormulaSign, FormulaSignBody{"v1", 1}, {"startup"}).ok());
    CHECK(l.Settle("2026-Q1").ok());
  }
  SECTION("settled twice") {
    l.ProposeFormula(fixed, "2026-Q1", {"maker", "startup"});
    auto first = l.Settle("2026-Q1");
    REQUIRE(first.ok());
    auto settled = l.Settlement("2026-Q1");
    auto payout = l.Payout("2026-Q1", "maker");
    auto venture = l.h.Load<VentureRecord>(VentureKey("v1"));
    auto again = l.Settle("2026-Q1", "maker");
    CHECK(again.code() == Code::kPeriodClosed);
    CHECK(again.result.message == "period 2026-Q1 of venture 'v1' is settled by transaction " +
                                      ToHex(first.tx_id) + " at height " +
                                      std::to_string(settled.settled_height));
    CHECK(l.Settlement("2026-Q1") == settled);
    CHECK(l.Payout("2026-Q1", "maker") == payout);
    CHECK(l.h.Load<VentureRecord>(VentureKey("v1")) == venture);
  }
}

}  // namespace
}  // namespace covalue::contracts
