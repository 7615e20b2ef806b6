// Properties of ventures, contributions, revenue, settlement and payouts together, over
// random scenarios run through the real executor (ContractHarness): a venture of 2–5
// members, formula versions (some never signed by all), revenue (with retried references),
// contributions, disputes and resolutions, settlement attempts (twice, out of order, too
// early) and payout steps (confirmations twice). A model of the ledger predicts each result
// code and each statement; at the end every settlement's payouts add up to its revenue, no
// period is settled twice, no payout is confirmed twice, and replaying the blocks from the
// genesis gives the same state root. Seeds and case counts: tests/property/property_support.h.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <set>

#include "contracts/contributions.h"
#include "contracts/payouts.h"
#include "contracts/revenue.h"
#include "contracts/settlement.h"
#include "tests/property/property_support.h"
#include "tests/support/contract_harness.h"

namespace covalue::contracts {
namespace {

using ledger::TxKind;
using testing::CaseRng;
using testing::ContractHarness;
using testing::ContractRun;
using testing::HarnessMember;
using testing::PropertyCases;

constexpr uint64_t kDefaultCases = 1'000;
const std::vector<std::string> kPeople = {"a10", "a9", "acme", "m.co", "zeta-labs", "outsider"};

std::vector<HarnessMember> People() {
  std::vector<HarnessMember> people;
  for (const auto& id : kPeople) people.push_back({id});
  return people;
}

struct ModelContribution {
  std::string member;
  ContributionKind kind;
  uint64_t value;
  bool recoupable;
  Period period;
  ContributionStatus status = ContributionStatus::kCounted;
  std::string disputer;
};

struct ModelFormula {
  uint32_t version;
  Period from;
  Formula formula;
  std::set<std::string> signed_by;
  bool adopted = false;
};

// What the scenarios exercised, printed at the end (a property test that never settles
// would pass and prove nothing).
std::map<std::string, uint64_t> g_seen;

class Scenario {
 public:
  explicit Scenario(uint64_t seed) : m_rng(seed), m_h(People()) {}

  void Run() {
    CreateVenture();
    if (m_rng.Chance(80)) ProposeFormula(m_first, true);
    Period period = m_first;
    for (uint64_t n = m_rng.Range(2, 4); n > 0; --n, period = NextPeriod(period)) {
      m_current = period;
      m_time = std::max(m_time, PeriodStartMs(period));
      for (uint64_t k = m_rng.Range(4, 12); k > 0; --k) {
        m_time = std::min(PeriodEndMs(period) - 1,
                          m_time + static_cast<int64_t>(m_rng.Range(0, 10 * 86'400'000LL)));
        m_h.SetTime(m_time);
        RandomAction();
      }
    }
    // After the last period: settle what can be settled, in order, then some payout steps.
    m_time = PeriodEndMs(m_current) + static_cast<int64_t>(m_rng.Range(0, 86'400'000LL));
    m_h.SetTime(m_time);
    while (m_next_unsettled <= m_current && TrySettle(m_next_unsettled, m_rng.Pick(m_members))) {
    }
    for (uint64_t k = m_rng.Range(0, 6); k > 0; --k) PayoutStep();
    CheckFinalState();
  }

 private:
  // ---- actions; each predicts its result code from the model and updates the model ----

  ContractRun Expect(ContractRun run, Code expected, std::string_view what) {
    INFO(what << ": " << run.result.message);
    REQUIRE(run.code() == expected);
    ++g_seen[std::string(what.substr(0, what.find(' '))) + " " + std::string(CodeName(expected))];
    return run;
  }

  void CreateVenture() {
    std::vector<std::string> pool(kPeople.begin(), kPeople.end() - 1);  // never "outsider"
    m_rng.Shuffle(pool);
    m_members.assign(pool.begin(), pool.begin() + m_rng.Range(2, pool.size()));
    m_treasurer = m_rng.Pick(m_members);
    m_length = m_rng.Chance(50) ? PeriodLength::kMonth : PeriodLength::kQuarter;
    m_time = m_h.time_ms();
    m_first = m_next_unsettled = m_current = PeriodOf(m_length, m_time);
    VentureCreateBody body{"v1", m_members, "EUR", m_length, m_first, m_treasurer};
    Expect(m_h.Run(TxKind::kVentureCreate, body, {m_rng.Pick(m_members)}), Code::kOk,
           "venture.create");
  }

  Formula RandomFormula() {
    Formula f;
    f.kind = static_cast<FormulaKind>(m_rng.Range(1, 3));
    if (f.kind != FormulaKind::kContribution) {
      uint32_t left = kBasisPoints;
      for (size_t i = 0; i < m_members.size(); ++i) {
        uint32_t bps =
            i + 1 == m_members.size() ? left : static_cast<uint32_t>(m_rng.Range(0, left));
        f.fixed_shares.push_back({m_members[i], bps});
        left -= bps;
      }
    }
    if (f.kind != FormulaKind::kFixed) {
      for (const auto& [kind, name] : EnumNames<ContributionKind>::kValues) {
        if (m_rng.Chance(30)) {
          f.kind_weights.push_back({kind, static_cast<uint32_t>(m_rng.Range(0, kBasisPoints))});
        }
      }
    }
    if (f.kind == FormulaKind::kMixed) {
      f.fixed_part_bps = static_cast<uint32_t>(m_rng.Range(1, kBasisPoints - 1));
    }
    f.recoup_cap_bps = m_rng.Chance(50) ? 0 : static_cast<uint32_t>(m_rng.Range(1, kBasisPoints));
    return f;
  }

  // A random non-empty subset of `from`, in random order.
  std::vector<std::string> SomeOf(std::vector<std::string> from) {
    m_rng.Shuffle(from);
    from.resize(m_rng.Range(1, from.size()));
    return from;
  }

  // An open period of the venture: from the first unsettled one to the current one.
  Period OpenPeriod() {
    if (m_current < m_next_unsettled) return m_next_unsettled;
    return Period{m_length,
                  static_cast<uint32_t>(m_rng.Range(m_next_unsettled.index, m_current.index))};
  }

  void ProposeFormula(const Period& from, bool by_all) {
    ModelFormula f{static_cast<uint32_t>(m_formulas.size() + 1), from, RandomFormula(), {}, false};
    std::vector<std::string> signers = by_all ? m_members : SomeOf(m_members);
    f.signed_by.insert(signers.begin(), signers.end());
    f.adopted = f.signed_by.size() == m_members.size();
    Expect(m_h.Run(TxKind::kFormulaPropose, FormulaProposeBody{"v1", f.version, f.from, f.formula},
                   signers),
           Code::kOk, "formula.propose");
    m_formulas.push_back(std::move(f));
  }

  void SignFormula() {
    std::vector<ModelFormula*> pending;
    for (auto& f : m_formulas) {
      if (!f.adopted) pending.push_back(&f);
    }
    if (pending.empty()) return;
    ModelFormula& f = *m_rng.Pick(pending);
    std::vector<std::string> missing;
    for (const auto& m : m_members) {
      if (!f.signed_by.count(m)) missing.push_back(m);
    }
    std::vector<std::string> signers = SomeOf(missing);
    bool closed = f.from < m_next_unsettled;
    Expect(m_h.Run(TxKind::kFormulaSign, FormulaSignBody{"v1", f.version}, signers),
           closed ? Code::kPeriodClosed : Code::kOk, "formula.sign");
    if (closed) return;
    f.signed_by.insert(signers.begin(), signers.end());
    f.adopted = f.signed_by.size() == m_members.size();
  }

  void RecordRevenue() {
    bool retry = !m_refs.empty() && m_rng.Chance(25);
    bool late = !retry && m_first < m_next_unsettled && m_rng.Chance(10);
    std::string ref = retry ? m_rng.Pick(m_refs) : "INV-" + std::to_string(m_refs.size() + 1);
    Period period = late ? Period{m_length, m_next_unsettled.index - 1} : OpenPeriod();
    uint64_t amount =
        m_rng.Chance(10) ? m_rng.Range(1, 1'000'000'000'000ULL) : m_rng.Range(1, 1'000'000);
    uint64_t total_before = LoadRevenueTotal(m_h.state(), "v1", period)->amount;
    Code expected = retry ? Code::kDuplicate : late ? Code::kPeriodClosed : Code::kOk;
    Expect(m_h.Run(TxKind::kRevenueRecord, RevenueRecordBody{"v1", ref, amount, "EUR", period, ""},
                   {m_treasurer}),
           expected, "revenue.record");
    if (expected != Code::kOk) {
      REQUIRE(LoadRevenueTotal(m_h.state(), "v1", period)->amount == total_before);
      return;
    }
    m_refs.push_back(ref);
    m_revenue[period] += amount;
  }

  void RecordContribution() {
    bool late = m_first < m_next_unsettled && m_rng.Chance(5);
    ModelContribution c{
        m_rng.Pick(m_members),
        static_cast<ContributionKind>(m_rng.Range(1, EnumNames<ContributionKind>::kValues.size())),
        m_rng.Chance(10) ? m_rng.Range(1, 10'000'000'000ULL) : m_rng.Range(1, 100'000),
        m_rng.Chance(20),
        late ? Period{m_length, m_next_unsettled.index - 1} : OpenPeriod(),
        ContributionStatus::kCounted,
        ""};
    std::string id = "c" + std::to_string(m_contributions.size() + 1);
    ContributionRecordBody body{id,      "v1",     c.kind,   1,           "lot",
                                c.value, c.period, Hash32{}, c.recoupable};
    Expect(m_h.Run(TxKind::kContributionRecord, body, {c.member}),
           late ? Code::kPeriodClosed : Code::kOk, "contribution.record");
    if (!late) m_contributions.emplace(id, std::move(c));
  }

  // A contribution with `status`, at random, or "" if there is none.
  std::string AnyContribution(ContributionStatus status) {
    std::vector<std::string> ids;
    for (const auto& [id, c] : m_contributions) {
      if (c.status == status) ids.push_back(id);
    }
    return ids.empty() ? "" : m_rng.Pick(ids);
  }

  void Dispute() {
    std::string id = AnyContribution(ContributionStatus::kCounted);
    if (id.empty()) return;
    ModelContribution& c = m_contributions.at(id);
    std::vector<std::string> others;
    for (const auto& m : m_members) {
      if (m != c.member) others.push_back(m);
    }
    std::string disputer = m_rng.Pick(others);
    bool closed = c.period < m_next_unsettled;
    Expect(m_h.Run(TxKind::kContributionDispute, ContributionDisputeBody{id, "not delivered"},
                   {disputer}),
           closed ? Code::kPeriodClosed : Code::kOk, "contribution.dispute");
    if (closed) return;
    c.status = ContributionStatus::kDisputed;
    c.disputer = disputer;
  }

  void Resolve() {
    std::string id = AnyContribution(ContributionStatus::kDisputed);
    if (id.empty()) return;
    ModelContribution& c = m_contributions.at(id);
    bool upheld = m_rng.Chance(50);
    bool closed = c.period < m_next_unsettled;
    ContributionResolveBody body{id, upheld ? DisputeOutcome::kUpheld : DisputeOutcome::kWithdrawn,
                                 ""};
    Expect(m_h.Run(TxKind::kContributionResolve, body, {upheld ? c.disputer : c.member}),
           closed ? Code::kPeriodClosed : Code::kOk, "contribution.resolve");
    if (!closed) c.status = upheld ? ContributionStatus::kCounted : ContributionStatus::kWithdrawn;
  }

  // The formula version in force for `period`: the adopted one with the latest start
  // (the higher version on equal starts).
  const ModelFormula* InForce(const Period& period) const {
    const ModelFormula* best = nullptr;
    for (const auto& f : m_formulas) {
      if (f.adopted && f.from <= period && (!best || best->from <= f.from)) best = &f;
    }
    return best;
  }

  // Attempts settlement.run of `period` by `signer`; true if it settled.
  bool TrySettle(const Period& period, const std::string& signer) {
    const ModelFormula* formula = InForce(period);
    bool member = std::count(m_members.begin(), m_members.end(), signer) > 0;
    Code expected = !member                        ? Code::kForbidden
                    : period < m_next_unsettled    ? Code::kPeriodClosed
                    : m_next_unsettled < period    ? Code::kFailedPrecondition
                    : m_time < PeriodEndMs(period) ? Code::kFailedPrecondition
                    : formula == nullptr           ? Code::kFailedPrecondition
                                                   : Code::kOk;
    auto run = Expect(m_h.Run(TxKind::kSettlementRun, SettlementRunBody{"v1", period}, {signer}),
                      expected, "settlement.run " + PeriodName(period));
    if (expected != Code::kOk) {
      REQUIRE(LoadSettlement(m_h.state(), "v1", period)->has_value() ==
              (period < m_next_unsettled));
      return false;
    }
    REQUIRE(++m_settlements[period] == 1);
    CheckStatement(period, *formula, run);
    m_next_unsettled = NextPeriod(period);
    if (m_rng.Chance(30)) TrySettle(period, m_rng.Pick(m_members));  // settling twice is refused
    return true;
  }

  // The recorded statement is the model's, by the arithmetic of ComputeSettlement.
  void CheckStatement(const Period& period, const ModelFormula& formula, const ContractRun& run) {
    std::map<std::string, SettlementInput> inputs;
    for (const auto& m : m_members) inputs[m] = SettlementInput{m, 0, 0, 0, 0, m_outstanding[m]};
    for (const auto& [id, c] : m_contributions) {
      if (c.period != period || c.status != ContributionStatus::kCounted) continue;
      SettlementInput& in = inputs.at(c.member);
      if (c.recoupable) {
        in.recoup_recorded += c.value;
      } else {
        in.weighted_contribution +=
            static_cast<Weight>(c.value) * WeightOf(formula.formula, c.kind);
        in.contributions_counted += 1;
        in.contribution_value += c.value;
      }
    }
    std::vector<SettlementInput> list;
    for (const auto& [m, in] : inputs) list.push_back(in);
    auto expected = ComputeSettlement(m_revenue[period], formula.formula, list);
    auto record = m_h.Load<SettlementRecord>(SettlementKey("v1", period));
    REQUIRE(record.lines == expected);
    REQUIRE(record.revenue == m_revenue[period]);
    REQUIRE(record.formula_version == formula.version);
    REQUIRE(record.tx_id == run.tx_id);
    for (const auto& line : expected) {
      m_outstanding[line.member] = line.recoup_outstanding_after;
      if (line.total > 0) {
        m_payouts[PayoutKey("v1", period, line.member)] = {PayoutStatus::kInstructed, 1};
      }
    }
  }

  void Settle() {
    std::vector<Period> choices = {m_next_unsettled, NextPeriod(m_next_unsettled), m_current};
    if (m_first < m_next_unsettled) choices.push_back(Period{m_length, m_next_unsettled.index - 1});
    std::string signer = m_rng.Chance(10) ? "outsider" : m_rng.Pick(m_members);
    TrySettle(m_rng.Pick(choices), signer);
  }

  void PayoutStep() {
    if (m_payouts.empty()) return;
    std::vector<std::string> keys;
    for (const auto& [key, p] : m_payouts) keys.push_back(key);
    std::string key = m_rng.Pick(keys);
    auto before = m_h.Load<PayoutRecord>(key);
    auto& model = m_payouts.at(key);
    REQUIRE(before.status == model.first);
    REQUIRE(before.attempt == model.second);
    std::string signer = m_rng.Chance(10) ? m_rng.Pick(m_members) : m_treasurer;
    // 0, 1: confirm (twice as often), 2: fail, 3: re-instruct (mostly, once failed).
    uint64_t op = model.first == PayoutStatus::kFailed && m_rng.Chance(60) ? 3 : m_rng.Range(0, 3);
    PayoutStatus needed = op == 3 ? PayoutStatus::kFailed : PayoutStatus::kInstructed;
    Code expected = signer != before.payer  ? Code::kForbidden
                    : model.first != needed ? Code::kConflict
                                            : Code::kOk;
    ContractRun run;
    if (op <= 1) {
      run = m_h.Run(TxKind::kPayoutConfirm,
                    PayoutConfirmBody{"v1", before.period, before.payee, "BANK-" + key}, {signer});
    } else if (op == 2) {
      run = m_h.Run(TxKind::kPayoutFail,
                    PayoutFailBody{"v1", before.period, before.payee, "returned"}, {signer});
    } else {
      run = m_h.Run(TxKind::kPayoutReinstruct,
                    PayoutReinstructBody{"v1", before.period, before.payee}, {signer});
    }
    Expect(run, expected,
           op <= 1   ? "payout.confirm"
           : op == 2 ? "payout.fail"
                     : "payout.reinstruct");
    if (expected != Code::kOk) {
      REQUIRE(m_h.Load<PayoutRecord>(key) == before);
      return;
    }
    if (op <= 1) {
      model.first = PayoutStatus::kConfirmed;
      // A second confirmation is refused and changes nothing.
      auto confirmed = m_h.Load<PayoutRecord>(key);
      PayoutConfirmBody again{"v1", before.period, before.payee, "BANK-AGAIN"};
      Expect(m_h.Run(TxKind::kPayoutConfirm, again, {m_treasurer}), Code::kConflict,
             "payout.confirm-again");
      REQUIRE(m_h.Load<PayoutRecord>(key) == confirmed);
    } else if (op == 2) {
      model.first = PayoutStatus::kFailed;
    } else {
      model = {PayoutStatus::kInstructed, model.second + 1};
    }
  }

  void RandomAction() {
    uint64_t roll = m_rng.Range(1, 100);
    if (roll <= 10) return ProposeFormula(OpenPeriod(), m_rng.Chance(50));
    if (roll <= 18) return SignFormula();
    if (roll <= 38) return RecordRevenue();
    if (roll <= 60) return RecordContribution();
    if (roll <= 68) return Dispute();
    if (roll <= 74) return Resolve();
    if (roll <= 88) return Settle();
    return PayoutStep();
  }

  // ---- the invariants at the end ----

  void CheckFinalState() {
    for (Period p = m_first; p <= m_current; p = NextPeriod(p)) {
      auto settlement = LoadSettlement(m_h.state(), "v1", p);
      REQUIRE(settlement.ok());
      REQUIRE(settlement->has_value() == (p < m_next_unsettled));
      REQUIRE(m_settlements[p] == (p < m_next_unsettled ? 1 : 0));
      if (!settlement->has_value()) continue;
      const SettlementRecord& s = **settlement;
      // The payouts of a settlement add up to its revenue, exactly.
      uint64_t lines = 0, paid = 0;
      for (const auto& line : s.lines) {
        lines += line.total;
        auto payout = LoadRecord<PayoutRecord>(m_h.state(), PayoutKey("v1", p, line.member));
        REQUIRE(payout.ok());
        REQUIRE(payout->has_value() == (line.total > 0));
        if (payout->has_value()) paid += (*payout)->amount;
      }
      REQUIRE(lines == s.revenue);
      REQUIRE(paid == s.revenue);
      REQUIRE(s.revenue == LoadRevenueTotal(m_h.state(), "v1", p)->amount);
    }
    for (const auto& [key, model] : m_payouts) {
      auto payout = m_h.Load<PayoutRecord>(key);
      REQUIRE(payout.status == model.first);
      REQUIRE(payout.attempt == model.second);
    }
    // Replaying every block from the genesis reproduces the state.
    ContractHarness replay(People());
    replay.Replay(m_h.blocks());
    REQUIRE(replay.state_root() == m_h.state_root());
  }

  CaseRng m_rng;
  ContractHarness m_h;
  std::vector<std::string> m_members;
  std::string m_treasurer;
  PeriodLength m_length = PeriodLength::kQuarter;
  Period m_first, m_current, m_next_unsettled;
  int64_t m_time = 0;
  std::vector<ModelFormula> m_formulas;
  std::map<std::string, ModelContribution> m_contributions;
  std::map<Period, uint64_t> m_revenue;
  std::vector<std::string> m_refs;
  std::map<std::string, uint64_t> m_outstanding;
  std::map<std::string, std::pair<PayoutStatus, uint32_t>> m_payouts;  // key → (status, attempt)
  std::map<Period, int> m_settlements;  // successful settlement.run per period
};

TEST_CASE("ledger scenarios: settlements add up, once each, and replay", "[property][settlement]") {
  PropertyCases("ledger_property_test", kDefaultCases).Run([](uint64_t seed) {
    Scenario(seed).Run();
  });
  for (const auto& [what, count] : g_seen)
    std::printf("  %-28s %llu\n", what.c_str(), static_cast<unsigned long long>(count));
}

}  // namespace
}  // namespace covalue::contracts
