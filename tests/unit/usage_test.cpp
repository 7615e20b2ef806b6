// usage.record (contracts/usage.h) through the real executor (ContractHarness): receipts
// signed by provider and consumer, usage counted against every cap up the grant chain,
// revocation and expiry refusing receipts, the access check seeing used-up caps — and that a
// refused receipt changed nothing.
#include <catch2/catch.hpp>

#include <functional>

#include "contracts/access_check.h"
#include "contracts/grants.h"
#include "contracts/usage.h"
#include "tests/support/grant_fixture.h"

namespace covalue::contracts {
namespace {

using ledger::TxKind;
using testing::ContractRun;
using testing::GrantFixture;
using testing::Ms;

// GrantFixture (tests/support/grant_fixture.h) with g1: maker → startup, cap 1000; g2: startup
// → telco (from g1), cap 600; g3: telco → insurer (from g2), cap 600; all for 2026. Block time
// 2026-01-15.
struct UsageFixture : GrantFixture {
  UsageFixture() { IssueChain({1000, 600, 600}); }
  static UsageRecordBody Receipt(std::string id, std::string grant, uint64_t quantity) {
    Hash32 evidence{};
    evidence.fill(0xab);
    return {std::move(id), std::move(grant), "maintenance",    "read",
            quantity,      "rows",           Ms("2026-01-10"), evidence};
  }
  ContractRun Record(const UsageRecordBody& body, const std::vector<std::string>& signers) {
    return h.Run(TxKind::kUsageRecord, body, signers);
  }
  std::vector<uint64_t> Used() const {
    return {Grant("g1").used, Grant("g2").used, Grant("g3").used};
  }
  AccessDecision Access(std::string party, int64_t time_ms) const {
    return GrantFixture::Access(std::move(party), "maintenance", "read", time_ms);
  }
};

TEST_CASE_METHOD(UsageFixture, "a receipt signed by provider and consumer is recorded", "[usage]") {
  h.SetTime("2026-01-20");
  ContractRun run = Record(Receipt("r1", "g1", 250), {"maker", "startup"});
  REQUIRE(run.ok());
  CHECK(run.Event("usage.recorded", "receipt") == "r1");
  CHECK(run.Event("usage.recorded", "grant") == "g1");
  CHECK(run.Event("usage.recorded", "dataset") == "telemetry");
  CHECK(run.Event("usage.recorded", "provider") == "maker");
  CHECK(run.Event("usage.recorded", "consumer") == "startup");
  CHECK(run.Event("usage.recorded", "quantity") == "250");
  CHECK(run.Event("usage.recorded", "unit") == "rows");
  CHECK(run.Event("usage.recorded", "purpose") == "maintenance");
  CHECK(run.Event("usage.recorded", "operation") == "read");
  CHECK(run.entities == std::vector<std::string>{"receipt/r1", "grant/g1", "dataset/telemetry",
                                                 "member/maker", "member/startup"});

  UsageReceiptRecord receipt = h.Load<UsageReceiptRecord>(ReceiptStateKey("r1"));
  CHECK(receipt.usage == Receipt("r1", "g1", 250));
  CHECK(receipt.dataset == "telemetry");
  CHECK(receipt.provider == "maker");
  CHECK(receipt.consumer == "startup");
  CHECK(receipt.recorded_height == h.height());
  CHECK(receipt.recorded_time_ms == Ms("2026-01-20"));
  CHECK(Used() == std::vector<uint64_t>{250, 0, 0});

  // Either order of signers; usage under g3 counts on g3, g2 and g1.
  ContractRun derived = Record(Receipt("r2", "g3", 100), {"insurer", "maker"});
  REQUIRE(derived.ok());
  CHECK(derived.Event("usage.recorded", "consumer") == "insurer");
  CHECK(derived.entities == std::vector<std::string>{"receipt/r2", "grant/g3", "grant/g2",
                                                     "grant/g1", "dataset/telemetry",
                                                     "member/maker", "member/insurer"});
  CHECK(Used() == std::vector<uint64_t>{350, 100, 100});
}

TEST_CASE_METHOD(UsageFixture, "usage.record refusals change nothing", "[usage]") {
  REQUIRE(Record(Receipt("taken", "g1", 1), {"maker", "startup"}).ok());
  GrantIssueBody later{"later",  "telemetry",      "telco",          "", {"maintenance"},
                       {"read"}, Ms("2026-06-01"), Ms("2027-01-01"), 0,  0};
  REQUIRE(h.Run(TxKind::kGrantIssue, later, {"maker"}).ok());
  REQUIRE(h.Run(TxKind::kGrantIssue,
                GrantIssueBody{"gone",
                               "telemetry",
                               "telco",
                               "",
                               {"maintenance"},
                               {"read"},
                               Ms("2026-01-01"),
                               Ms("2027-01-01"),
                               0,
                               0},
                {"maker"})
              .ok());
  REQUIRE(Revoke("gone", "maker", "").ok());
  const std::vector<uint64_t> used = Used();

  struct Case {
    std::string name;
    std::function<void(UsageRecordBody&)> change;
    std::vector<std::string> signers;
    Code code;
    std::string message;
  };
  auto noop = [](UsageRecordBody&) {};
  std::vector<Case> cases = {
      {"one signer", noop, {"startup"}, Code::kInvalidArgument, "exactly two signers"},
      {"three signers",
       noop,
       {"maker", "startup", "telco"},
       Code::kInvalidArgument,
       "exactly two signers"},
      {"invalid purpose id",
       [](auto& b) { b.purpose = "Not An Id"; },
       {"maker", "startup"},
       Code::kInvalidArgument,
       "body: purpose: not a valid id"},
      {"no quantity",
       [](auto& b) { b.quantity = 0; },
       {"maker", "startup"},
       Code::kInvalidArgument,
       "quantity must be over 0"},
      {"no unit",
       [](auto& b) { b.unit.clear(); },
       {"maker", "startup"},
       Code::kInvalidArgument,
       "unit is required"},
      {"used_at not a time",
       [](auto& b) { b.used_at_ms = INT64_MAX; },
       {"maker", "startup"},
       Code::kInvalidArgument,
       "used_at_ms: 9223372036854775807 is not a time"},
      {"receipt id taken",
       [](auto& b) { b.receipt_id = "taken"; },
       {"maker", "startup"},
       Code::kAlreadyExists,
       "receipt 'taken' exists"},
      {"unknown grant",
       [](auto& b) { b.grant_id = "nope"; },
       {"maker", "startup"},
       Code::kNotFound,
       "no grant 'nope'"},
      {"consumer is not the grantee",
       noop,
       {"maker", "telco"},
       Code::kForbidden,
       "signed by dataset telemetry's owner 'maker' and the grantee 'startup', not by 'maker' and "
       "'telco'"},
      {"provider is not the owner",
       noop,
       {"telco", "startup"},
       Code::kForbidden,
       "not by 'telco' and 'startup'"},
      {"grant revoked",
       [](auto& b) { b.grant_id = "gone"; },
       {"maker", "telco"},
       Code::kRevoked,
       "grant gone was revoked at height"},
      {"grant not valid yet",
       [](auto& b) { b.grant_id = "later"; },
       {"maker", "telco"},
       Code::kOutOfWindow,
       "grant later is not valid before 2026-06-01T00:00:00Z; no receipt is recorded under it"},
      {"used before the window",
       [](auto& b) { b.used_at_ms = Ms("2025-12-31"); },
       {"maker", "startup"},
       Code::kOutOfWindow,
       "used_at 2025-12-31T00:00:00Z is outside grant g1's window"},
      {"used after the block time",
       [](auto& b) { b.used_at_ms = Ms("2026-01-15T00:00:01Z"); },
       {"maker", "startup"},
       Code::kOutOfWindow,
       "is after the block time 2026-01-15T00:00:00Z"},
      {"purpose not covered",
       [](auto& b) { b.purpose = "billing"; },
       {"maker", "startup"},
       Code::kForbidden,
       "grant g1 covers purposes [emissions, maintenance], not billing"},
      {"operation not covered",
       [](auto& b) { b.operation = "train"; },
       {"maker", "startup"},
       Code::kForbidden,
       "grant g1 covers operations [aggregate, read], not train"},
      {"over the cap",
       [](auto& b) { b.quantity = 1000; },
       {"maker", "startup"},
       Code::kCapExceeded,
       "grant g1's usage cap 1000 has 999 left, less than 1000"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    UsageRecordBody body = Receipt("new", "g1", 5);
    c.change(body);
    ContractRun run = Record(body, c.signers);
    CHECK(run.code() == c.code);
    CHECK_THAT(run.result.message, Catch::Contains(c.message));
    CHECK(run.result.events.empty());
    CHECK_FALSE(Has(ReceiptStateKey("new")));
    CHECK(Used() == used);
  }
  ContractRun garbage = h.Run(TxKind::kUsageRecord, Bytes{9}, {"maker", "startup"});
  CHECK(garbage.code() == Code::kMalformed);
  CHECK_THAT(garbage.result.message, Catch::StartsWith("body: receipt_id"));
  CHECK(Used() == used);
}

TEST_CASE_METHOD(UsageFixture, "usage under a derived grant consumes its ancestors' caps",
                 "[usage]") {
  h.SetTime("2026-02-01");
  REQUIRE(Record(Receipt("r1", "g2", 600), {"maker", "telco"}).ok());
  const int64_t used_up_at = Ms("2026-02-01");
  CHECK(Used() == std::vector<uint64_t>{600, 600, 0});
  CHECK(Grant("g2").used_up_height == h.height());
  CHECK(Grant("g2").used_up_time_ms == used_up_at);
  CHECK(Grant("g1").used_up_height == 0);

  // g3's own cap has room, but g2's is used up.
  h.SetTime("2026-02-02");
  ContractRun through = Record(Receipt("r2", "g3", 1), {"maker", "insurer"});
  CHECK(through.code() == Code::kCapExceeded);
  CHECK(through.result.message ==
        "grant g3 derives from g2, whose usage cap 600 has 0 left, less than 1");
  CHECK(Used() == std::vector<uint64_t>{600, 600, 0});

  // The access check: used up from the block that used it up, not before.
  AccessDecision telco = Access("telco", Ms("2026-02-02"));
  CHECK(telco ==
        AccessDecision{false, "g2", Code::kCapExceeded, "grant g2's usage cap 600 is used up"});
  CHECK(Access("insurer", used_up_at).reason ==
        "grant g3 derives from g2, whose usage cap 600 is used up");
  CHECK(Access("telco", used_up_at - 1).allowed);
  CHECK(Access("startup", Ms("2026-02-02")).allowed);  // g1 has 400 left

  // A sibling re-grant from g1 shares g1's remaining 400.
  REQUIRE(Issue(Terms("g4", "insurer", "g1", 500, 0), "startup").ok());
  ContractRun sibling = Record(Receipt("r3", "g4", 500), {"insurer", "maker"});
  CHECK(sibling.code() == Code::kCapExceeded);
  CHECK(sibling.result.message ==
        "grant g4 derives from g1, whose usage cap 1000 has 400 left, less than 500");
  REQUIRE(Record(Receipt("r3", "g4", 400), {"insurer", "maker"}).ok());
  CHECK(Grant("g1").used == 1000);
  CHECK(Grant("g1").used_up_height == h.height());
  ContractRun root = Record(Receipt("r4", "g1", 1), {"startup", "maker"});
  CHECK(root.code() == Code::kCapExceeded);
  CHECK(root.result.message == "grant g1's usage cap 1000 has 0 left, less than 1");
  CHECK(Access("startup", Ms("2026-03-01")).code == Code::kCapExceeded);
}

TEST_CASE_METHOD(UsageFixture, "revoking the root refuses the grandchild's receipts", "[usage]") {
  REQUIRE(Record(Receipt("r1", "g3", 10), {"maker", "insurer"}).ok());
  h.SetTime("2026-04-01T09:30:00Z");
  REQUIRE(Revoke("g1", "maker", "breach").ok());
  const uint64_t revoked_at = h.height();
  CHECK_FALSE(Grant("g3").revoked);

  h.SetTime("2026-04-02");
  ContractRun run = Record(Receipt("r2", "g3", 10), {"maker", "insurer"});
  CHECK(run.code() == Code::kRevoked);
  CHECK(run.result.message == "grant g3 derives from g1, revoked at height " +
                                  std::to_string(revoked_at) +
                                  " (2026-04-01T09:30:00Z); no receipt is recorded under it");
  CHECK_FALSE(Has(ReceiptStateKey("r2")));
  CHECK(Used() == std::vector<uint64_t>{10, 10, 10});

  CHECK(Access("insurer", Ms("2026-04-01T09:30:00Z")).code == Code::kRevoked);
  CHECK(Access("insurer", Ms("2026-04-01T09:29:59Z")).allowed);
}

TEST_CASE_METHOD(UsageFixture, "receipts are refused after expiry", "[usage]") {
  h.SetTime("2026-12-31T23:59:59Z");
  UsageRecordBody last = Receipt("r1", "g1", 1);
  last.used_at_ms = Ms("2026-12-31T12:00:00Z");
  REQUIRE(Record(last, {"maker", "startup"}).ok());

  h.SetTime("2027-01-01");
  UsageRecordBody late = Receipt("r2", "g3", 1);
  late.used_at_ms = Ms("2026-12-31T12:00:00Z");  // used in the window, but the grant has expired
  ContractRun run = Record(late, {"maker", "insurer"});
  CHECK(run.code() == Code::kOutOfWindow);
  CHECK(run.result.message ==
        "grant g3 expired at 2027-01-01T00:00:00Z; no receipt is recorded under it");
  CHECK(Used() == std::vector<uint64_t>{1, 0, 0});
  CHECK(Access("insurer", Ms("2027-01-01")).code == Code::kOutOfWindow);
  CHECK(Access("insurer", Ms("2027-01-01") - 1).allowed);
}

}  // namespace
}  // namespace covalue::contracts
