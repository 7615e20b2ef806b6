// revenue.record and the period revenue totals (contracts/revenue.h,
// docs/spec/contracts/ventures.md).
#include <catch2/catch.hpp>

#include "contracts/revenue.h"
#include "contracts/ventures.h"
#include "crypto/hash.h"
#include "tests/support/venture_fixture.h"

namespace covalue::contracts {
namespace {

using ledger::TxKind;
using testing::kQ1;
using testing::P;

// Venture v1 of maker and startup, treasurer startup, quarterly from 2026-Q1, in EUR, at
// block time 2026-01-15.
struct Fixture : testing::VentureFixture {
  Fixture() : VentureFixture(testing::VentureBody({"maker", "startup"}, "startup")) {}
  RevenueTotal Total(const Period& period = kQ1) const {
    auto total = LoadRevenueTotal(h.state(), "v1", period);
    REQUIRE(total.ok());
    return *total;
  }
  testing::ContractRun Record(const RevenueRecordBody& body,
                              const std::string& signer = "startup") {
    return h.Run(TxKind::kRevenueRecord, body, {signer});
  }
};

RevenueRecordBody Revenue(std::string ref, uint64_t amount, Period period = kQ1) {
  return {"v1", std::move(ref), amount, "EUR", period, "January licence fees"};
}

TEST_CASE("revenue.record records the revenue and the period total", "[revenue]") {
  Fixture f;
  auto run = f.Record(Revenue("INV-2026-001", 120'000));
  REQUIRE(run.ok());
  std::string key = RevenueKey("v1", "INV-2026-001");
  CHECK(key == "revenue/v1/" + ToHex(crypto::Sha256(AsBytes("INV-2026-001"))));
  auto r = f.h.Load<RevenueRecord>(key);
  CHECK(r.entry.venture_id == "v1");
  CHECK(r.entry.external_ref == "INV-2026-001");
  CHECK(r.entry.amount == 120'000);
  CHECK(r.entry.currency == "EUR");
  CHECK(r.entry.period == kQ1);
  CHECK(r.entry.note == "January licence fees");
  CHECK(r.recorder == "startup");
  CHECK(r.tx_id == run.tx_id);
  CHECK(r.recorded_height == f.h.height());
  CHECK(run.Event("revenue.recorded", "venture") == "v1");
  CHECK(run.Event("revenue.recorded", "period") == "2026-Q1");
  CHECK(run.Event("revenue.recorded", "external_ref") == "INV-2026-001");
  CHECK(run.Event("revenue.recorded", "amount") == "120000");
  CHECK(run.Event("revenue.recorded", "currency") == "EUR");
  CHECK(run.entities ==
        std::vector<std::string>{"venture/v1", key, "revenue-total/v1/2026-Q1", "member/startup"});
  CHECK(f.Total() == RevenueTotal{120'000, 1});

  REQUIRE(f.Record(Revenue("INV-2026-002", 30'000)).ok());
  CHECK(f.Total() == RevenueTotal{150'000, 2});
  CHECK(f.Total(P("2026-Q2")) == RevenueTotal{});
  f.h.SetTime("2026-04-01");
  REQUIRE(f.Record(Revenue("INV-2026-003", 5, P("2026-Q2"))).ok());
  CHECK(f.Total(P("2026-Q2")) == RevenueTotal{5, 1});
  CHECK(f.Total() == RevenueTotal{150'000, 2});
}

TEST_CASE("a retried external reference is refused, naming the original", "[revenue]") {
  Fixture f;
  auto first = f.Record(Revenue("INV-2026-001", 120'000));
  REQUIRE(first.ok());
  uint64_t height = f.h.height();
  auto retry = f.Record(Revenue("INV-2026-001", 120'000));
  CHECK(retry.code() == Code::kDuplicate);
  CHECK(retry.result.message == "external reference 'INV-2026-001' was recorded by transaction " +
                                    ToHex(first.tx_id) + " at height " + std::to_string(height));
  // Another amount or period under the same reference is refused the same way.
  CHECK(f.Record(Revenue("INV-2026-001", 1)).code() == Code::kDuplicate);
  CHECK(f.Total() == RevenueTotal{120'000, 1});
  CHECK(f.h.Load<RevenueRecord>(RevenueKey("v1", "INV-2026-001")).tx_id == first.tx_id);

  // The same reference in another venture is another invoice.
  VentureCreateBody v2 = testing::VentureBody({"maker", "startup"}, "startup", "v2");
  v2.period_length = PeriodLength::kMonth;
  v2.first_period = P("2026-01");
  REQUIRE(f.h.Run(TxKind::kVentureCreate, v2, {"maker"}).ok());
  auto other = Revenue("INV-2026-001", 9, P("2026-01"));
  other.venture_id = "v2";
  CHECK(f.Record(other).ok());
}

TEST_CASE("revenue.record refusals change nothing", "[revenue]") {
  Fixture f;
  REQUIRE(f.Record(Revenue("INV-0", 10)).ok());
  auto refuse = [&](const RevenueRecordBody& body, const std::vector<std::string>& signers,
                    Code code) {
    auto run = f.h.Run(TxKind::kRevenueRecord, body, signers);
    INFO(run.result.message);
    CHECK(run.code() == code);
    CHECK(f.Total() == RevenueTotal{10, 1});
    if (body.external_ref != "INV-0")
      CHECK(f.Absent(RevenueKey(body.venture_id, body.external_ref)));
  };
  auto good = Revenue("INV-1", 10);
  refuse(good, {"startup", "maker"}, Code::kInvalidArgument);
  refuse(good, {"auditor"}, Code::kForbidden);
  refuse(good, {"maker"}, Code::kForbidden);  // a venture member, not the treasurer
  refuse(good, {"telco"}, Code::kForbidden);  // not a venture member
  auto body = good;
  body.venture_id = "v9";
  refuse(body, {"startup"}, Code::kNotFound);
  for (const char* ref : {"", " INV-1", "INV-1 ", "INV\n1", "INV\t1", "INV\x7f", "INV\xc2\x85"}) {
    body = good;
    body.external_ref = ref;
    refuse(body, {"startup"}, Code::kInvalidArgument);
  }
  body = good;
  body.external_ref = std::string(129, 'r');
  refuse(body, {"startup"}, Code::kTooLarge);
  body = good;
  body.amount = 0;
  refuse(body, {"startup"}, Code::kInvalidArgument);
  body.amount = kMaxAmount + 1;
  refuse(body, {"startup"}, Code::kInvalidArgument);
  for (const char* currency : {"USD", "eur", ""}) {
    body = good;
    body.currency = currency;
    refuse(body, {"startup"}, Code::kInvalidArgument);
  }
  refuse(Revenue("INV-1", 10, P("2026-02")), {"startup"}, Code::kInvalidArgument);  // a month
  refuse(Revenue("INV-1", 10, P("2025-Q4")), {"startup"},
         Code::kInvalidArgument);  // before the first period
  auto run = f.Record(Revenue("INV-1", 10, P("2026-Q2")));
  CHECK(run.code() == Code::kInvalidArgument);
  CHECK(run.result.message == "period 2026-Q2 has not started");
  CHECK(f.h.Run(TxKind::kRevenueRecord, Bytes{1, 0}, {"startup"}).code() == Code::kMalformed);
  CHECK(f.Record(Revenue("INV-éxport-7", 10)).ok());  // printable UTF-8 is fine
}

TEST_CASE("a period's revenue stays within 10^15 minor units", "[revenue]") {
  Fixture f;
  REQUIRE(f.Record(Revenue("A", kMaxAmount - 5)).ok());
  CHECK(f.Record(Revenue("B", 6)).code() == Code::kFailedPrecondition);
  CHECK(f.Total() == RevenueTotal{kMaxAmount - 5, 1});
  REQUIRE(f.Record(Revenue("B", 5)).ok());
  CHECK(f.Total() == RevenueTotal{kMaxAmount, 2});
}

// The harness cannot settle a period (settlement.run is another contract), so the
// period_closed case runs the contract directly on an overlay whose venture says so.
TEST_CASE("late revenue for a settled period is refused", "[revenue]") {
  Fixture f;
  REQUIRE(f.Record(Revenue("INV-1", 10)).ok());
  f.h.SetTime("2026-04-03");
  StateOverlay state(f.h.state());
  f.MarkSettled(state, "2026-Q2");
  auto apply = [&](const RevenueRecordBody& body) {
    return f.ApplyDirect(ApplyRevenueRecord, EncodeFields(body), {"startup"}, state);
  };
  auto late = apply(Revenue("INV-2", 10));
  CHECK(late.code == Code::kPeriodClosed);
  CHECK(late.message == "period 2026-Q1 of venture 'v1' is settled");
  // A retry of revenue already recorded is still answered as the duplicate it is.
  CHECK(apply(Revenue("INV-1", 10)).code == Code::kDuplicate);
  CHECK(apply(Revenue("INV-2", 10, P("2026-Q2"))).ok());
}

}  // namespace
}  // namespace covalue::contracts
