// payout.confirm, payout.fail and payout.reinstruct (contracts/payouts.h,
// docs/spec/contracts/settlement.md §Payouts): the state machine, the payer-only rule and
// every refusal, each of which leaves the payout as it was.
#include <catch2/catch.hpp>

#include "contracts/payouts.h"
#include "contracts/revenue.h"
#include "contracts/settlement.h"
#include "tests/support/venture_fixture.h"

namespace covalue::contracts {
namespace {

using ledger::TxKind;
using testing::ContractRun;
using testing::kQ1;

// Venture v1 of maker (treasurer) and startup, fixed 60/40, 2026-Q1 settled on a revenue
// of 1,000: payouts maker 600 and startup 400, instructed.
struct Settled : testing::VentureFixture {
  Settled() {
    ProposeFormula({FormulaKind::kFixed, {{"maker", 6000}, {"startup", 4000}}, {}, 0, 0});
    REQUIRE(RecordRevenue("INV-1", 1000).ok());
    h.SetTime("2026-04-02");
    REQUIRE(Settle("2026-Q1").ok());
  }
  PayoutRecord Payout(std::string_view member = "startup") const {
    return h.Load<PayoutRecord>(PayoutKey("v1", kQ1, member));
  }
  ContractRun Confirm(std::string bank_ref, std::string signer = "maker",
                      std::string member = "startup") {
    return h.Run(TxKind::kPayoutConfirm,
                 PayoutConfirmBody{"v1", kQ1, std::move(member), std::move(bank_ref)},
                 {std::move(signer)});
  }
  ContractRun Fail(std::string reason, std::string signer = "maker") {
    return h.Run(TxKind::kPayoutFail, PayoutFailBody{"v1", kQ1, "startup", std::move(reason)},
                 {std::move(signer)});
  }
  ContractRun Reinstruct(std::string signer = "maker") {
    return h.Run(TxKind::kPayoutReinstruct, PayoutReinstructBody{"v1", kQ1, "startup"},
                 {std::move(signer)});
  }
};

// `run` was refused with `code` (its message holding `text`) and the payout is unchanged.
void CheckRefused(const Settled& s, const ContractRun& run, Code code, std::string_view text,
                  const PayoutRecord& before) {
  INFO(run.result.message);
  CHECK(run.code() == code);
  CHECK(run.result.message.find(text) != std::string::npos);
  CHECK(run.result.events.empty());
  CHECK(s.Payout() == before);
}

TEST_CASE("payout.confirm records the bank reference, once", "[payouts]") {
  Settled s;
  auto run = s.Confirm("SEPA-2026-0412-7781");
  INFO(run.result.message);
  REQUIRE(run.ok());
  auto confirmed = s.Payout();
  CHECK(confirmed.status == PayoutStatus::kConfirmed);
  CHECK(confirmed.bank_ref == "SEPA-2026-0412-7781");
  CHECK(confirmed.confirmed_height == s.h.height());
  CHECK(confirmed.attempt == 1);
  CHECK(confirmed.amount == 400);
  REQUIRE(run.result.events.size() == 1);
  CHECK(run.result.events[0].kind == "payout.confirmed");
  CHECK(run.result.events[0].attributes ==
        std::vector<std::pair<std::string, std::string>>{{"venture", "v1"},
                                                         {"period", "2026-Q1"},
                                                         {"member", "startup"},
                                                         {"amount", "400"},
                                                         {"currency", "EUR"},
                                                         {"attempt", "1"},
                                                         {"bank_ref", "SEPA-2026-0412-7781"}});
  CHECK(run.entities == std::vector<std::string>{"payout/v1/2026-Q1/startup", "member/maker"});

  // A second confirmation — the same reference or another — is refused.
  CheckRefused(s, s.Confirm("SEPA-2026-0412-7781"), Code::kConflict,
               "already confirmed with bank reference 'SEPA-2026-0412-7781'", confirmed);
  CheckRefused(s, s.Confirm("OTHER"), Code::kConflict, "already confirmed", confirmed);
  // Nor can a confirmed payout fail or be re-instructed.
  CheckRefused(s, s.Fail("bounced"), Code::kConflict, "already confirmed", confirmed);
  CheckRefused(s, s.Reinstruct(), Code::kConflict, "already confirmed", confirmed);
  // The other payout is untouched.
  CHECK(s.Payout("maker").status == PayoutStatus::kInstructed);
}

TEST_CASE("payout: fail, re-instruct, confirm", "[payouts]") {
  Settled s;
  uint64_t settled_at = s.Payout().instructed_height;
  auto failed = s.Fail("account closed");
  REQUIRE(failed.ok());
  CHECK(failed.Event("payout.failed", "reason") == "account closed");
  CHECK(failed.Event("payout.failed", "attempt") == "1");
  auto after_failure = s.Payout();
  CHECK(after_failure.status == PayoutStatus::kFailed);
  CHECK(after_failure.failure_reason == "account closed");
  CHECK(after_failure.instructed_height == settled_at);

  // A failed payout is neither confirmed nor failed again before it is re-instructed.
  CheckRefused(s, s.Confirm("X-1"), Code::kConflict,
               "failed (account closed): re-instruct it first", after_failure);
  CheckRefused(s, s.Fail("again"), Code::kConflict, "re-instruct it first", after_failure);

  auto again = s.Reinstruct();
  REQUIRE(again.ok());
  CHECK(again.Event("payout.reinstructed", "attempt") == "2");
  CHECK(again.Event("payout.reinstructed", "previous_failure") == "account closed");
  auto reinstructed = s.Payout();
  CHECK(reinstructed.status == PayoutStatus::kInstructed);
  CHECK(reinstructed.attempt == 2);
  CHECK(reinstructed.failure_reason.empty());
  CHECK(reinstructed.instructed_height == s.h.height());
  CheckRefused(s, s.Reinstruct(), Code::kConflict, "is instructed (attempt 2), not failed",
               reinstructed);

  auto confirmed = s.Confirm("SEPA-2");
  REQUIRE(confirmed.ok());
  CHECK(confirmed.Event("payout.confirmed", "attempt") == "2");
  CHECK(s.Payout().status == PayoutStatus::kConfirmed);
  CHECK(s.Payout().amount == 400);
}

TEST_CASE("payout refusals: signers, body, unknown payouts", "[payouts]") {
  Settled s;
  PayoutRecord before = s.Payout();
  // Only the payer (the treasurer, maker) records a payout's progress, even the payee.
  CheckRefused(s, s.Confirm("X", "startup"), Code::kForbidden, "only the payer 'maker'", before);
  CheckRefused(s, s.Fail("x", "startup"), Code::kForbidden, "only the payer 'maker'", before);
  CheckRefused(s, s.Confirm("X", "telco"), Code::kForbidden, "only the payer", before);
  CheckRefused(s, s.Confirm("X", "auditor"), Code::kForbidden, "lacks the member role", before);
  auto two = s.h.Run(TxKind::kPayoutConfirm, PayoutConfirmBody{"v1", kQ1, "startup", "X"},
                     {"maker", "startup"});
  CheckRefused(s, two, Code::kInvalidArgument, "", before);
  // Body: empty texts, a text too long, bytes that do not decode.
  CheckRefused(s, s.Confirm(""), Code::kInvalidArgument, "body: bank_ref is empty", before);
  CheckRefused(s, s.Fail(""), Code::kInvalidArgument, "body: reason is empty", before);
  CheckRefused(s, s.Confirm(std::string(kMaxBankRefLength + 1, 'x')), Code::kTooLarge, "bank_ref",
               before);
  CheckRefused(s, s.h.Run(TxKind::kPayoutReinstruct, Bytes{7}, {"maker"}), Code::kMalformed,
               "body:", before);
  // No such payout: another member, period or venture.
  CheckRefused(s, s.Confirm("X", "maker", "telco"), Code::kNotFound,
               "venture 'v1' has no payout of 2026-Q1 to 'telco'", before);
  auto q2 = s.h.Run(TxKind::kPayoutConfirm,
                    PayoutConfirmBody{"v1", *ParsePeriod("2026-Q2"), "startup", "X"}, {"maker"});
  CheckRefused(s, q2, Code::kNotFound, "no payout of 2026-Q2", before);
  auto v2 =
      s.h.Run(TxKind::kPayoutConfirm, PayoutConfirmBody{"v2", kQ1, "startup", "X"}, {"maker"});
  CheckRefused(s, v2, Code::kNotFound, "venture 'v2' has no payout", before);
}

}  // namespace
}  // namespace covalue::contracts
