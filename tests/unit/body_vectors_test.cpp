// Golden vectors of the business layer: the body of every transaction kind (signed, inside
// the transaction) in tests/vectors/bodies.json, with the key-possession payload key.add's
// proof signs, and every state record the contracts write (hashed into the state root) in
// tests/vectors/business_records.json. Built from fixed, realistic inputs; a change to a
// field's order, width, prefix or enum value changes a byte and fails this test. The kinds
// are walked through WithBodyType and the record structs found in contracts/*.h, so a new
// kind or record without a vector fails too. Regenerate with COVALUE_UPDATE_VECTORS=1
// (tests/vectors/README.md).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <functional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "contracts/body_types.h"
#include "contracts/contributions.h"
#include "contracts/formula.h"
#include "contracts/grants.h"
#include "contracts/member_keys.h"
#include "contracts/member_record.h"
#include "contracts/membership.h"
#include "contracts/payouts.h"
#include "contracts/revenue.h"
#include "contracts/settlement.h"
#include "contracts/usage.h"
#include "contracts/ventures.h"
#include "crypto/signing.h"
#include "node/fields_json.h"
#include "tests/support/golden_vectors.h"
#include "tests/support/test_support.h"

namespace covalue {
namespace {

using namespace contracts;
using testing::CheckVectorFile;
using testing::H;
using testing::KeyFromLabel;
using testing::StoredBytes;
using testing::UpdateMode;
using testing::VectorFile;

constexpr std::string_view kChain = "covalue-test";
constexpr int64_t kApril1 = 1'775'001'600'000;     // 2026-04-01T00:00:00Z
constexpr int64_t kJuly1 = 1'782'864'000'000;      // 2026-07-01T00:00:00Z
constexpr int64_t kUsedAt = 1'778'751'000'000;     // 2026-05-14T09:30:00Z
constexpr int64_t kSettledAt = 1'782'986'400'000;  // 2026-07-02T10:00:00Z

crypto::PublicKey Key(std::string_view label) {
  return KeyFromLabel(label).public_key();
}
Period P(std::string_view name) {
  return ParsePeriod(name).value();
}

// ---- One body per kind ----------------------------------------------------------------
// Sample(type) for every body struct: a kind whose body has no Sample does not compile.

DatasetRegisterBody Sample(std::type_identity<DatasetRegisterBody>) {
  return {"telemetry", H("telemetry-v1 contents"), "ship telemetry, 2024"};
}
MemberProposeBody Sample(std::type_identity<MemberProposeBody>) {
  return {.proposal_id = "p-add-startup",
          .change = {.action = MemberAction::kAdd,
                     .member_id = "startup",
                     .roles = ledger::kRoleMember,
                     .keys = {Key("startup"), Key("startup-2")}}};
}
MemberApproveBody Sample(std::type_identity<MemberApproveBody>) {
  return {.proposal_id = "p-add-startup"};
}
KeyAddBody Sample(std::type_identity<KeyAddBody>) {
  return {.key = Key("maker-3"),
          .proof = ProveKeyPossession(KeyFromLabel("maker-3"), kChain, "maker")};
}
KeyRetireBody Sample(std::type_identity<KeyRetireBody>) {
  return {.key = Key("maker-2"), .valid_until_height = 12'000};
}
GrantIssueBody Sample(std::type_identity<GrantIssueBody>) {
  return {.grant_id = "g2",
          .dataset_id = "telemetry",
          .grantee = "startup",
          .parent_grant_id = "g1",
          .purposes = {"emissions-reporting", "research"},
          .operations = {"aggregate", "read"},
          .valid_from_ms = kApril1,
          .valid_until_ms = kJuly1,
          .usage_cap = 50'000,
          .regrant_depth = 1};
}
GrantRevokeBody Sample(std::type_identity<GrantRevokeBody>) {
  return {.grant_id = "g2", .reason = "contract ended early"};
}
UsageRecordBody Sample(std::type_identity<UsageRecordBody>) {
  return {.receipt_id = "r-2026-05-14",
          .grant_id = "g2",
          .purpose = "emissions-reporting",
          .operation = "aggregate",
          .quantity = 1'200,
          .unit = "rows",
          .used_at_ms = kUsedAt,
          .evidence_hash = H("usage-log 2026-05-14")};
}
VentureCreateBody Sample(std::type_identity<VentureCreateBody>) {
  return {.venture_id = "fleet-emissions",
          .members = {"maker", "telco", "startup"},
          .currency = "EUR",
          .period_length = PeriodLength::kQuarter,
          .first_period = P("2026-Q2"),
          .treasurer = "telco"};
}
// Mixed: every Formula field non-empty.
Formula SampleFormula() {
  return {.kind = FormulaKind::kMixed,
          .fixed_shares = {{"maker", 5'000}, {"startup", 2'000}, {"telco", 3'000}},
          .kind_weights = {{ContributionKind::kData, 10'000}, {ContributionKind::kCompute, 5'000}},
          .fixed_part_bps = 4'000,
          .recoup_cap_bps = 2'000};
}
FormulaProposeBody Sample(std::type_identity<FormulaProposeBody>) {
  return {.venture_id = "fleet-emissions",
          .version = 2,
          .effective_from = P("2026-Q3"),
          .formula = SampleFormula()};
}
FormulaSignBody Sample(std::type_identity<FormulaSignBody>) {
  return {.venture_id = "fleet-emissions", .version = 2};
}
ContributionRecordBody Sample(std::type_identity<ContributionRecordBody>) {
  return {.contribution_id = "c-maker-data-q2",
          .venture_id = "fleet-emissions",
          .kind = ContributionKind::kData,
          .quantity = 1'000'000,
          .unit = "rows",
          .value = 250'000,
          .period = P("2026-Q2"),
          .evidence_hash = H("maker telemetry extract 2026-Q2"),
          .recoupable = false};
}
ContributionDisputeBody Sample(std::type_identity<ContributionDisputeBody>) {
  return {.contribution_id = "c-telco-compute-q2",
          .reason = "hours double-counted with the March invoice"};
}
ContributionResolveBody Sample(std::type_identity<ContributionResolveBody>) {
  return {.contribution_id = "c-telco-compute-q2",
          .outcome = DisputeOutcome::kUpheld,
          .note = "invoice checked: the hours are distinct"};
}
RevenueRecordBody Sample(std::type_identity<RevenueRecordBody>) {
  return {.venture_id = "fleet-emissions",
          .external_ref = "INV-2026-0042",
          .amount = 1'234'567,
          .currency = "EUR",
          .period = P("2026-Q2"),
          .note = "fleet operator, Q2 licence"};
}
SettlementRunBody Sample(std::type_identity<SettlementRunBody>) {
  return {.venture_id = "fleet-emissions", .period = P("2026-Q2")};
}
PayoutConfirmBody Sample(std::type_identity<PayoutConfirmBody>) {
  return {.payout = {.venture_id = "fleet-emissions", .period = P("2026-Q2"), .member = "maker"},
          .bank_ref = "SEPA-20260703-0042"};
}
PayoutFailBody Sample(std::type_identity<PayoutFailBody>) {
  return {.payout = {.venture_id = "fleet-emissions", .period = P("2026-Q2"), .member = "startup"},
          .reason = "beneficiary IBAN closed"};
}
PayoutReinstructBody Sample(std::type_identity<PayoutReinstructBody>) {
  return {.payout = {.venture_id = "fleet-emissions", .period = P("2026-Q2"), .member = "startup"}};
}

// The body's vector (inputs: its JSON), and the checks that it reads back: from its JSON
// now, from the stored hex by `stored_checks` (run once the file is known to be current).
template <class Body>
void AddBody(VectorFile& f, std::vector<std::function<void()>>& stored_checks,
             const std::string& name, const Body& body) {
  const std::string json = node::FieldsToJson(body).dump();
  f.vectors.push_back({name, json, EncodeFields(body)});
  {
    INFO("body " << name << " from its JSON " << json);
    auto from_json = node::FieldsFromJson<Body>(node::Json::parse(json));
    REQUIRE(from_json.ok());
    CHECK(*from_json == body);
    CHECK(EncodeFields(*from_json) == EncodeFields(body));
  }
  stored_checks.push_back([f_name = f.file, name, body] {
    INFO("body " << name << " decoded from " << f_name);
    auto decoded = DecodeFields<Body>(StoredBytes(f_name, name));
    REQUIRE(decoded.ok());
    CHECK(*decoded == body);
  });
}

TEST_CASE("Golden vectors: the body of every transaction kind", "[vectors]") {
  VectorFile f{"bodies.json",
               "Transaction bodies (Transaction.body), one per kind, named by the kind: the "
               "body's fields in the order of its field list (contracts/*.h), each in its wire "
               "form (contracts/fields.h: Id/OptId/Text string, Amount u64, time i64, Hash and "
               "Key 32 raw bytes, Sig 64, Enum u8, Period u8 length ‖ u32 index, lists u32 "
               "count ‖ elements, Struct its fields). Inputs: the body as JSON. Also the "
               "key-possession payload key.add's proof signs (Id member ‖ key32) and its sign "
               "bytes (string 'covalue/key-possession/v1' ‖ string chain_id ‖ payload).",
               {}};
  std::vector<std::function<void()>> stored_checks;
  for (uint16_t value = 1; value <= ledger::kLastTxKind; ++value) {
    INFO("kind " << value);
    REQUIRE(ledger::IsKnownTxKind(value));
    const auto kind = static_cast<ledger::TxKind>(value);
    const std::string name(ledger::TxKindName(kind));
    const bool has_body = WithBodyType(kind, [&](auto type) {
      using Body = typename decltype(type)::type;
      if constexpr (std::is_void_v<Body>) {
        return false;
      } else {
        AddBody(f, stored_checks, name, Sample(type));
        return true;
      }
    });
    CHECK(has_body);
  }
  CHECK_FALSE(ledger::IsKnownTxKind(ledger::kLastTxKind + 1));
  CHECK(f.vectors.size() == ledger::kLastTxKind);

  const auto key_add = Sample(std::type_identity<KeyAddBody>{});
  CHECK(VerifyKeyPossession(key_add.key, kChain, "maker", key_add.proof));
  KeyPossessionPayload possession{"maker", Key("maker-3")};
  const Bytes payload = EncodeFields(possession);
  const std::string possession_inputs =
      node::FieldsToJson(possession).dump() + ", chain 'covalue-test'";
  f.vectors.push_back({"key.add.possession_payload", possession_inputs, payload});
  f.vectors.push_back({"key.add.possession_sign_bytes", possession_inputs,
                       crypto::SignBytes(crypto::Domain::kKeyPossession, kChain, payload)});

  CheckVectorFile(f);
  if (!UpdateMode()) {
    for (const auto& check : stored_checks) check();
  }
}

// ---- One vector per state record --------------------------------------------------------

struct RecordVectors {
  VectorFile file;
  std::set<std::string> structs;  // the record structs the vectors cover
  std::vector<std::function<void()>> stored_checks;

  // The vector `name` of `record`, a `struct_name`, stored at `key`.
  template <class Record>
  void Add(const std::string& struct_name, const std::string& name, const std::string& key,
           const Record& record) {
    file.vectors.push_back(
        {name, key + " = " + node::FieldsToJson(record).dump(), EncodeRecord(record)});
    structs.insert(struct_name);
    stored_checks.push_back([f_name = file.file, name, record] {
      INFO("record " << name << " decoded from " << f_name);
      auto decoded = DecodeRecord<Record>(StoredBytes(f_name, name));
      REQUIRE(decoded.ok());
      CHECK(*decoded == record);
    });
  }
};

// Every struct in contracts/*.h that opens with a kRecordVersion: the state records.
std::set<std::string> RecordStructsInHeaders() {
  const std::regex record(R"(struct (\w+) \{\s*static constexpr uint16_t kRecordVersion)");
  std::set<std::string> names;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(COVALUE_SOURCE_DIR) + "/contracts")) {
    if (entry.path().extension() != ".h") continue;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    const std::string source = text.str();
    for (std::sregex_iterator it(source.begin(), source.end(), record), end; it != end; ++it) {
      names.insert((*it)[1].str());
    }
  }
  return names;
}

SettlementLine Line(std::string member, uint64_t recoup, uint64_t fixed, uint64_t contribution,
                    uint64_t counted, uint64_t value, uint64_t recorded) {
  return {.member = std::move(member),
          .recoup_amount = recoup,
          .fixed_amount = fixed,
          .contribution_amount = contribution,
          .total = recoup + fixed + contribution,
          .contributions_counted = counted,
          .contribution_value = value,
          .recoup_recorded = recorded,
          .recoup_outstanding_after = recorded - recoup};
}

TEST_CASE("Golden vectors: every state record of the business contracts", "[vectors]") {
  RecordVectors r{{"business_records.json",
                   "Stored records: u16 version (= kRecordVersion, 1) ‖ the record's fields in "
                   "the order of its field list (contracts/*.h), in the wire forms of "
                   "bodies.json. Inputs: state key = the record as JSON. The member and dataset "
                   "records are in records.json.",
                   {}},
                  {},
                  {}};
  const auto grant = Sample(std::type_identity<GrantIssueBody>{});
  const auto usage = Sample(std::type_identity<UsageRecordBody>{});
  const auto revenue = Sample(std::type_identity<RevenueRecordBody>{});
  const auto venture = Sample(std::type_identity<VentureCreateBody>{});
  const auto contribution = Sample(std::type_identity<ContributionRecordBody>{});
  const auto propose = Sample(std::type_identity<MemberProposeBody>{});

  r.Add("MemberIndex", "member_index", std::string(kMemberIndexKey),
        MemberIndex{{"analytics", "auditor", "maker", "startup", "telco"}});
  r.Add("KeyRecord", "key_record.retiring", SignerStateKey(Key("maker-2")),
        KeyRecord{"maker", 12'000});
  r.Add("KeyRecord", "key_record.not_retiring", SignerStateKey(Key("maker")),
        KeyRecord{"maker", kKeyNotRetiring});
  r.Add("MemberProposalRecord", "member_proposal_record", ProposalStateKey(propose.proposal_id),
        MemberProposalRecord{.id = propose.proposal_id,
                             .change = propose.change,
                             .proposer = "maker",
                             .approvals = {"maker", "telco"},
                             .proposed_height = 40,
                             .executed_height = 41});
  r.Add("GrantRecord", "grant_record", GrantStateKey(grant.grant_id),
        GrantRecord{.terms = grant,
                    .issuer = "telco",
                    .depth = 1,
                    .issued_height = 120,
                    .issued_time_ms = kApril1 + 3'600'000,
                    .revoked = true,
                    .revoked_height = 300,
                    .revoked_time_ms = kUsedAt + 86'400'000,
                    .revoked_by = "maker",
                    .used = 50'000,
                    .used_up_height = 260,
                    .used_up_time_ms = kUsedAt + 3'600'000});
  r.Add("GrantIndex", "grant_index", GrantIndexKey(grant.dataset_id, grant.grantee),
        GrantIndex{{"g2", "g5"}});
  r.Add("UsageReceiptRecord", "usage_receipt_record", ReceiptStateKey(usage.receipt_id),
        UsageReceiptRecord{.usage = usage,
                           .dataset = "telemetry",
                           .provider = "maker",
                           .consumer = "startup",
                           .recorded_height = 210,
                           .recorded_time_ms = kUsedAt + 60'000});
  r.Add("VentureRecord", "venture_record", VentureKey(venture.venture_id),
        VentureRecord{.terms = venture,
                      .creator = "maker",
                      .created_height = 150,
                      .formula_versions = 2,
                      .next_unsettled = P("2026-Q3")});
  r.Add("FormulaVersionRecord", "formula_version_record", FormulaKey("fleet-emissions", 2),
        FormulaVersionRecord{.proposal = Sample(std::type_identity<FormulaProposeBody>{}),
                             .proposer = "maker",
                             .signed_by = {"maker", "telco", "startup"},
                             .proposed_height = 160,
                             .adopted_height = 175});
  r.Add("ContributionRecord", "contribution_record", ContributionKey("c-telco-compute-q2"),
        ContributionRecord{.entry = {.contribution_id = "c-telco-compute-q2",
                                     .venture_id = "fleet-emissions",
                                     .kind = ContributionKind::kCompute,
                                     .quantity = 320,
                                     .unit = "gpu-hours",
                                     .value = 96'000,
                                     .period = P("2026-Q2"),
                                     .evidence_hash = H("telco gpu invoice 2026-Q2"),
                                     .recoupable = false},
                           .contributor = "telco",
                           .status = ContributionStatus::kCounted,
                           .disputed_by = "startup",
                           .dispute_reason = "hours double-counted with the March invoice",
                           .resolution_note = "invoice checked: the hours are distinct",
                           .recorded_height = 180});
  r.Add("ContributionTotals", "contribution_totals",
        ContributionTotalsKey("fleet-emissions", P("2026-Q2")),
        ContributionTotals{
            .entries = {{"maker", ContributionKind::kData, false, 1, contribution.value},
                        {"startup", ContributionKind::kService, true, 1, 261'913},
                        {"telco", ContributionKind::kCompute, false, 1, 96'000}},
            .recorded_count = 3,
            .open_value = contribution.value + 261'913 + 96'000});
  r.Add("RevenueRecord", "revenue_record", RevenueKey(revenue.venture_id, revenue.external_ref),
        RevenueRecord{.entry = revenue,
                      .recorder = "telco",
                      .tx_id = H("revenue.record INV-2026-0042"),
                      .recorded_height = 190});
  r.Add("RevenueTotal", "revenue_total", RevenueTotalKey("fleet-emissions", P("2026-Q2")),
        RevenueTotal{.amount = revenue.amount, .count = 1});
  // The mixed formula (as version 1) on 1 234 567: 20% (246 913) repays startup's 261 913
  // of costs first (15 000 stay outstanding), then 40% of the rest by fixed shares, 60% by
  // weighted contributions.
  r.Add("SettlementRecord", "settlement_record", SettlementKey("fleet-emissions", P("2026-Q2")),
        SettlementRecord{.venture_id = "fleet-emissions",
                         .period = P("2026-Q2"),
                         .formula_version = 1,
                         .revenue = revenue.amount,
                         .revenue_count = 1,
                         .currency = "EUR",
                         .lines = {Line("maker", 0, 197'531, 497'142, 1, 250'000, 0),
                                   Line("startup", 246'913, 79'012, 0, 0, 0, 261'913),
                                   Line("telco", 0, 118'518, 95'451, 1, 96'000, 0)},
                         .settled_height = 205,
                         .settled_time_ms = kSettledAt,
                         .tx_id = H("settlement.run fleet-emissions 2026-Q2")});
  r.Add("RecoupBalance", "recoup_balance", RecoupBalanceKey("fleet-emissions", "startup"),
        RecoupBalance{.outstanding = 15'000});
  r.Add("PayoutRecord", "payout_record.confirmed",
        PayoutKey("fleet-emissions", P("2026-Q2"), "maker"),
        PayoutRecord{.venture_id = "fleet-emissions",
                     .period = P("2026-Q2"),
                     .payee = "maker",
                     .payer = "telco",
                     .amount = 694'673,
                     .currency = "EUR",
                     .status = PayoutStatus::kConfirmed,
                     .attempt = 1,
                     .bank_ref = "SEPA-20260703-0042",
                     .failure_reason = "",
                     .instructed_height = 205,
                     .confirmed_height = 230});
  r.Add("PayoutRecord", "payout_record.failed",
        PayoutKey("fleet-emissions", P("2026-Q2"), "startup"),
        PayoutRecord{.venture_id = "fleet-emissions",
                     .period = P("2026-Q2"),
                     .payee = "startup",
                     .payer = "telco",
                     .amount = 325'925,
                     .currency = "EUR",
                     .status = PayoutStatus::kFailed,
                     .attempt = 2,
                     .bank_ref = "",
                     .failure_reason = "beneficiary IBAN closed",
                     .instructed_height = 240,
                     .confirmed_height = 0});

  CheckVectorFile(r.file);
  if (!UpdateMode()) {
    for (const auto& check : r.stored_checks) check();
  }
  // Every record struct has a vector here or in records.json (golden_vectors_test.cpp).
  std::set<std::string> covered = r.structs;
  covered.insert({"MemberRecord", "DatasetRecord"});
  CHECK(RecordStructsInHeaders() == covered);
}

}  // namespace
}  // namespace covalue
