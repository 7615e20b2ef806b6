// VentureFixture: the setup the venture, contribution, revenue, settlement and payout tests
// share (tests/unit/ventures_test.cpp, contributions_test.cpp, revenue_test.cpp,
// settlement_test.cpp, payouts_test.cpp) — a ContractHarness in which maker has created
// venture v1, quarterly from 2026-Q1 in EUR, at block time 2026-01-15; with helpers that
// adopt formulas, record revenue and settle, and that run a contract directly on an overlay
// (for states the harness cannot reach, such as a settled period without its settlement).
// Header-only; not thread-safe.
#pragma once

#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "contracts/formula.h"
#include "contracts/kinds.h"
#include "contracts/period.h"
#include "contracts/revenue.h"
#include "contracts/settlement.h"
#include "contracts/ventures.h"
#include "tests/support/contract_harness.h"

namespace covalue::testing {

// "2026-Q1", "2026-01": the period of that name.
inline contracts::Period P(std::string_view name) {
  return *contracts::ParsePeriod(name);
}
inline const contracts::Period kQ1 = P("2026-Q1");

// The members of v1 unless a test names others.
inline const std::vector<std::string> kMakerAndStartup = {"maker", "startup"};

// The body of venture `id` of `members` with `treasurer`, quarterly from 2026-Q1 in EUR.
inline contracts::VentureCreateBody VentureBody(std::vector<std::string> members = kMakerAndStartup,
                                                std::string treasurer = "maker",
                                                std::string id = "v1") {
  return {.venture_id = std::move(id),
          .members = std::move(members),
          .currency = "EUR",
          .period_length = contracts::PeriodLength::kQuarter,
          .first_period = kQ1,
          .treasurer = std::move(treasurer)};
}

// A contract as contracts/kinds.h declares them.
using ContractFn = contracts::TxOutcome (*)(const ledger::Transaction&, const contracts::TxContext&,
                                            contracts::StateOverlay&);

struct VentureFixture {
  ContractHarness h;
  contracts::VentureCreateBody created;  // v1 as created
  uint32_t formula_versions = 0;         // proposed through ProposeFormula

  // Members maker, startup, telco (role member) and auditor (role auditor): the harness's.
  explicit VentureFixture(contracts::VentureCreateBody v1 = VentureBody())
      : created(std::move(v1)) {
    Create();
  }
  VentureFixture(std::vector<HarnessMember> people, contracts::VentureCreateBody v1)
      : h(std::move(people)), created(std::move(v1)) {
    Create();
  }

  contracts::VentureRecord Venture() const {
    return h.Load<contracts::VentureRecord>(contracts::VentureKey(created.venture_id));
  }
  bool Absent(std::string_view key) const { return !h.Has(key); }

  // Proposes v1's next formula version, effective from `from`, signed by `signers` (every
  // member of v1 if empty: adopted at once); REQUIREs success.
  void ProposeFormula(const contracts::Formula& formula, std::string_view from = "2026-Q1",
                      std::vector<std::string> signers = {}) {
    if (signers.empty()) signers = created.members;
    auto run = h.Run(
        ledger::TxKind::kFormulaPropose,
        contracts::FormulaProposeBody{created.venture_id, ++formula_versions, P(from), formula},
        signers);
    INFO(run.result.message);
    REQUIRE(run.ok());
  }
  // revenue.record of `amount` EUR under `ref` for `period`, by v1's treasurer.
  ContractRun RecordRevenue(std::string ref, uint64_t amount, std::string_view period = "2026-Q1") {
    return h.Run(ledger::TxKind::kRevenueRecord,
                 contracts::RevenueRecordBody{created.venture_id, std::move(ref), amount, "EUR",
                                              P(period), ""},
                 {created.treasurer});
  }
  ContractRun Settle(std::string_view period, const std::string& signer = "startup",
                     std::string venture_id = "v1") {
    return h.Run(ledger::TxKind::kSettlementRun,
                 contracts::SettlementRunBody{std::move(venture_id), P(period)}, {signer});
  }

  // Writes into `state` a v1 whose periods before `next_unsettled` are settled (the harness
  // settles only through settlement.run, which needs revenue and an adopted formula).
  void MarkSettled(contracts::StateOverlay& state, std::string_view next_unsettled) const {
    contracts::VentureRecord v1 = Venture();
    v1.next_unsettled = P(next_unsettled);
    contracts::StoreVenture(state, v1);
  }
  // Runs `contract` directly, not through the executor (so no admission: any signers, even
  // one member twice), at the harness's next height and time, on a layer over `state` that is
  // merged into it if the transaction succeeds. CHECKs that it did not fault and that a
  // refusal changed nothing.
  ledger::TxResult ApplyDirect(ContractFn contract, Bytes body, std::vector<std::string> signers,
                               contracts::StateOverlay& state) const {
    ledger::Transaction tx;
    tx.body = std::move(body);
    contracts::TxContext context{
        "covalue-test", h.height() + 1, h.time_ms(), {}, std::move(signers), {}};
    contracts::StateOverlay layer = state.Layer();
    contracts::TxOutcome outcome = contract(tx, context, layer);
    CHECK(outcome.fault.ok());
    if (outcome.result.ok()) {
      layer.MergeInto(state);
    } else {
      CHECK(layer.changes().empty());
    }
    return outcome.result;
  }

 private:
  void Create() {
    auto run = h.Run(ledger::TxKind::kVentureCreate, created, {"maker"});
    INFO(run.result.message);
    REQUIRE(run.ok());
  }
};

}  // namespace covalue::testing
