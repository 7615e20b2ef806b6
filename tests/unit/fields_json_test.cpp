// JSON for field lists (node/fields_json.h) and transaction bodies (node/tx_bodies.h):
// round trips JSON → struct → JSON → bytes for every field type, nested lists and enums,
// and every refusal with the field's path and rule in the message.
#include <catch2/catch.hpp>

#include <set>

#include "contracts/dataset_register.h"
#include "contracts/formula.h"
#include "node/fields_json.h"
#include "node/tx_bodies.h"

using namespace covalue;
using contracts::ContributionKind;
using contracts::FixedShare;
using contracts::Formula;
using contracts::FormulaKind;
using contracts::KindWeight;
using node::FieldsFromJson;
using node::FieldsToJson;
using node::Json;

namespace {

// One field of every type, a nested struct and a list of structs.
struct EveryField {
  std::string id;
  std::string opt_id;
  std::string note;
  uint8_t small = 0;
  uint32_t medium = 0;
  uint64_t large = 0;
  int64_t at_ms = 0;
  bool flag = false;
  uint64_t amount = 0;
  Hash32 hash{};
  crypto::PublicKey key{};
  crypto::Signature sig{};
  contracts::PeriodLength length = contracts::PeriodLength::kMonth;
  contracts::Period period;
  std::vector<std::string> ids;
  std::vector<crypto::PublicKey> keys;
  Formula formula;
  bool operator==(const EveryField&) const = default;
  template <class V>
  void Fields(V& v) {
    v.Id("id", id);
    v.OptId("opt_id", opt_id);
    v.Text("note", note, 8);
    v.U8("small", small);
    v.U32("medium", medium);
    v.U64("large", large);
    v.I64("at_ms", at_ms);
    v.Bool("flag", flag);
    v.Amount("amount", amount);
    v.Hash("hash", hash);
    v.Key("key", key);
    v.Sig("sig", sig);
    v.Enum("length", length);
    v.PeriodField("period", period);
    v.IdList("ids", ids, 3);
    v.KeyList("keys", keys, 2);
    v.Struct("formula", formula);
  }
};

const std::string kHex32(64, 'a');
const std::string kHex32b(64, 'b');
const std::string kHex64(128, 'c');

Json MixedFormulaJson() {
  return Json::parse(R"({
    "kind": "mixed",
    "fixed_shares": [{"member": "maker", "bps": 6000}, {"member": "analytics", "bps": 4000}],
    "kind_weights": [{"kind": "data", "weight_bps": 10000}, {"kind": "compute", "weight_bps": 5000}],
    "fixed_part_bps": 3000,
    "recoup_cap_bps": 2000})");
}

Json EveryFieldJson() {
  return {{"id", "press-7"},         {"opt_id", ""},
          {"note", "hi"},            {"small", 255},
          {"medium", 4294967295u},   {"large", 18446744073709551615ull},
          {"at_ms", -5},             {"flag", true},
          {"amount", 1000000000000000ull}, {"hash", kHex32},
          {"key", kHex32b},          {"sig", kHex64},
          {"length", "quarter"},     {"period", "2026-Q1"},
          {"ids", {"a", "b"}},       {"keys", {kHex32, kHex32b}},
          {"formula", MixedFormulaJson()}};
}

// The message of FieldsFromJson<T>'s error for `json`.
template <class T>
std::string RefusalOf(const Json& json) {
  auto result = FieldsFromJson<T>(json);
  REQUIRE_FALSE(result.ok());
  return result.status().message();
}

// EveryFieldJson() with `path` (a JSON pointer) set to `value`, or removed if it is null.
Json With(const std::string& path, const Json& value) {
  Json json = EveryFieldJson();
  if (value.is_null()) {
    Json::json_pointer pointer(path);
    json[pointer.parent_pointer()].erase(pointer.back());
  } else {
    json[Json::json_pointer(path)] = value;
  }
  return json;
}

}  // namespace

TEST_CASE("dataset.register body: JSON → struct → JSON and the same bytes") {
  Json json = {{"dataset_id", "press-telemetry"}, {"content_hash", kHex32}, {"description", "hourly"}};
  auto body = FieldsFromJson<contracts::DatasetRegisterBody>(json);
  REQUIRE(body.ok());
  CHECK(body->dataset_id == "press-telemetry");
  CHECK(ToHex(body->content_hash) == kHex32);
  CHECK(FieldsToJson(*body) == json);

  auto bytes = node::BodyFromJson(ledger::TxKind::kDatasetRegister, json);
  REQUIRE(bytes.ok());
  CHECK(*bytes == contracts::EncodeDatasetRegisterBody(*body));
  auto back = node::BodyToJson(ledger::TxKind::kDatasetRegister, *bytes);
  REQUIRE(back.ok());
  CHECK(*back == json);

  json.erase("description");  // Text defaults to ""
  auto without = FieldsFromJson<contracts::DatasetRegisterBody>(json);
  REQUIRE(without.ok());
  CHECK(without->description.empty());
}

TEST_CASE("formula: nested lists and enums round-trip") {
  auto formula = FieldsFromJson<Formula>(MixedFormulaJson());
  REQUIRE(formula.ok());
  CHECK(formula->kind == FormulaKind::kMixed);
  CHECK(formula->fixed_shares == std::vector<FixedShare>{{"maker", 6000}, {"analytics", 4000}});
  CHECK(formula->kind_weights ==
        std::vector<KindWeight>{{ContributionKind::kData, 10000}, {ContributionKind::kCompute, 5000}});
  CHECK(FieldsToJson(*formula) == MixedFormulaJson());

  // Lists and U32 default to empty and 0.
  auto fixed = FieldsFromJson<Formula>(Json{{"kind", "fixed"}});
  REQUIRE(fixed.ok());
  CHECK(*fixed == Formula{});
}

TEST_CASE("every field type round-trips, through the canonical bytes too") {
  auto value = FieldsFromJson<EveryField>(EveryFieldJson());
  REQUIRE(value.ok());
  CHECK(value->small == 255);
  CHECK(value->large == UINT64_MAX);
  CHECK(value->at_ms == -5);
  CHECK(value->period == contracts::Period{contracts::PeriodLength::kQuarter, 2026 * 4});
  CHECK(FieldsToJson(*value) == EveryFieldJson());
  CHECK(contracts::DecodeFields<EveryField>(contracts::EncodeFields(*value)).value() == *value);
  // Parsed text (unsigned numbers) reads the same as JSON built in code.
  auto parsed = FieldsFromJson<EveryField>(Json::parse(EveryFieldJson().dump()));
  REQUIRE(parsed.ok());
  CHECK(*parsed == *value);
}

TEST_CASE("times: milliseconds or UTC text") {
  auto date = FieldsFromJson<EveryField>(With("/at_ms", "2026-03-31"));
  REQUIRE(date.ok());
  CHECK(date->at_ms == 1774915200000);
  auto time = FieldsFromJson<EveryField>(With("/at_ms", "2026-03-31T12:00:01Z"));
  REQUIRE(time.ok());
  CHECK(time->at_ms == 1774915200000 + 12 * 3600 * 1000 + 1000);
}

TEST_CASE("optional fields default, required fields must be there") {
  Json json = EveryFieldJson();
  for (const char* optional : {"opt_id", "note", "small", "medium", "flag", "ids", "keys"}) json.erase(optional);
  auto value = FieldsFromJson<EveryField>(json);
  REQUIRE(value.ok());
  CHECK(value->opt_id.empty());
  CHECK(value->small == 0);
  CHECK_FALSE(value->flag);
  CHECK(value->ids.empty());
  for (const char* required :
       {"id", "large", "at_ms", "amount", "hash", "key", "sig", "length", "period", "formula"}) {
    INFO(required);
    CHECK(RefusalOf<EveryField>(With(std::string("/") + required, nullptr)) ==
          std::string(required) + ": is required");
  }
  CHECK(RefusalOf<EveryField>(With("/formula/kind", nullptr)) == "formula.kind: is required");
}

TEST_CASE("refusals name the field's path and the rule") {
  struct Case {
    std::string pointer;
    Json value;
    std::string message;
  };
  const std::vector<Case> cases = {
      // wrong types
      {"/id", 5, "id: must be a string"},
      {"/note", Json::array(), "note: must be a string"},
      {"/flag", 1, "flag: must be true or false"},
      {"/large", "12", "large: must be an unsigned integer"},
      {"/formula/fixed_shares/1/bps", "12", "formula.fixed_shares[1].bps: must be an unsigned integer"},
      {"/formula/fixed_shares/1", 7, "formula.fixed_shares[1]: must be a JSON object"},
      {"/formula/fixed_shares", Json::object(), "formula.fixed_shares: must be a JSON array"},
      {"/formula", "fixed", "formula: must be a JSON object"},
      {"/ids", "a,b", "ids: must be a JSON array"},
      {"/ids/1", 3, "ids[1]: must be a string"},
      {"/at_ms", 1.5, "at_ms: must be a time: an integer (ms since 1970) or UTC text YYYY-MM-DD[THH:MM:SSZ]"},
      // negative, fractional, out of range
      {"/formula/fixed_shares/1/bps", -1, "formula.fixed_shares[1].bps: must not be negative"},
      {"/large", -1.0, "large: must not be negative"},
      {"/medium", 2.5, "medium: must be a whole number"},
      {"/medium", 2.0, "medium: must be an unsigned integer (without a decimal point or exponent)"},
      {"/large", 1e30, "large: must be at most 18446744073709551615"},
      {"/small", 256, "small: must be at most 255"},
      {"/medium", 4294967296ull, "medium: must be at most 4294967295"},
      {"/amount", 1000000000000001ull, "amount: over 10^15 minor units"},
      {"/at_ms", 9223372036854775808ull, "at_ms: must be at most 9223372036854775807"},
      // text: ids, lengths, times, periods, enums, hex
      {"/id", "Press 7", "id: not a valid id"},
      {"/opt_id", "-x", "opt_id: not a valid id"},
      {"/ids/1", "B", "ids[1]: not a valid id"},
      {"/formula/fixed_shares/0/member", "", "formula.fixed_shares[0].member: not a valid id"},
      {"/note", "123456789", "note: string length 9 exceeds limit 8"},
      {"/at_ms", "2026-02-30", "at_ms: '2026-02-30' is not a UTC time (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)"},
      {"/period", "2026-13", "period: '2026-13' is not a period (YYYY-MM or YYYY-Qn)"},
      {"/period", "2026-Q5", "period: '2026-Q5' is not a period (YYYY-MM or YYYY-Qn)"},
      {"/period", 202601, "period: must be a period: YYYY-MM or YYYY-Qn"},
      {"/length", "year", "length: must be one of month, quarter, not 'year'"},
      {"/formula/kind_weights/1/kind", "labour",
       "formula.kind_weights[1].kind: must be one of data, compute, service, capital, ip, usage, not 'labour'"},
      {"/length", 1, "length: must be one of month, quarter"},
      {"/hash", "zz", "hash: must be 64 hex characters"},
      {"/hash", kHex32 + "00", "hash: must be 64 hex characters"},
      {"/sig", kHex32, "sig: must be 128 hex characters"},
      {"/keys/1", "xyz", "keys[1]: must be 64 hex characters"},
      // lists: duplicates and counts
      {"/ids", {"a", "b", "a"}, "ids: 'a' listed twice"},
      {"/ids", {"a", "b", "c", "d"}, "ids: list count 4 exceeds limit 3"},
      {"/keys", {kHex32, kHex32}, "keys: a key listed twice"},
      {"/formula/kind_weights", Json(std::vector<Json>(7, {{"kind", "data"}})),
       "formula.kind_weights: list count 7 exceeds limit 6"},
      // unknown keys, at any depth
      {"/colour", "red", "colour: unknown field (known here: amount, at_ms, flag, formula, hash, id, ids, key, "
                         "keys, large, length, medium, note, opt_id, period, sig, small)"},
      {"/formula/fixed_shares/0/share", 1, "formula.fixed_shares[0].share: unknown field (known here: bps, member)"},
  };
  for (const auto& c : cases) {
    INFO(c.pointer << " = " << c.value.dump());
    auto result = FieldsFromJson<EveryField>(With(c.pointer, c.value));
    REQUIRE_FALSE(result.ok());
    CHECK(result.status().message() == c.message);
  }
  CHECK(RefusalOf<EveryField>(Json::array()) == "must be a JSON object");
  // A misspelt key is reported rather than the required field it leaves missing.
  Json misspelt = With("/id", nullptr);
  misspelt["ID"] = "press-7";
  CHECK(RefusalOf<EveryField>(misspelt).rfind("ID: unknown field", 0) == 0);
}

TEST_CASE("refusal codes: invalid_argument for JSON rules, the decoder's code for its own") {
  CHECK(FieldsFromJson<EveryField>(With("/id", 5)).status().code() == Code::kInvalidArgument);
  CHECK(FieldsFromJson<EveryField>(With("/ids", {"a", "a"})).status().code() == Code::kInvalidArgument);
  CHECK(FieldsFromJson<EveryField>(With("/note", "123456789")).status().code() == Code::kTooLarge);
}

TEST_CASE("field specs: names, types and rules for CLI flags and help") {
  auto specs = node::FieldSpecs<EveryField>();
  REQUIRE(specs.size() == 17);
  CHECK(specs[0].name == "id");
  CHECK(node::FieldTypeName(specs[0].type) == "id");
  CHECK(node::IsRequiredField(specs[0].type));
  CHECK(specs[2].detail == "at most 8 bytes");
  CHECK_FALSE(node::IsRequiredField(specs[2].type));
  CHECK(node::FieldTypeName(specs[6].type) == "time");
  CHECK(specs[12].detail == "month|quarter");
  CHECK(node::FieldTypeName(specs[14].type) == "id-list");
  CHECK(node::FieldTypeName(specs[16].type) == "json");
  CHECK(specs[16].detail ==
        "{kind: enum, fixed_shares: json, kind_weights: json, fixed_part_bps: u32, recoup_cap_bps: u32}");

  auto dataset = node::BodyFields(ledger::TxKind::kDatasetRegister);
  REQUIRE(dataset.size() == 3);
  CHECK(dataset[1].name == "content_hash");
  CHECK(dataset[1].type == node::FieldType::kHash);
}

TEST_CASE("bodies: unknown kinds and undecodable bytes are refused") {
  auto unknown = static_cast<ledger::TxKind>(999);
  CHECK(node::BodyToJson(unknown, Bytes{}).status().code() == Code::kUnknownKind);
  CHECK(node::BodyFromJson(unknown, Json::object()).status().code() == Code::kUnknownKind);
  CHECK(node::BodyFields(unknown).empty());
  CHECK_FALSE(node::HasBodyType(unknown));
  CHECK_FALSE(node::BodyToJson(ledger::TxKind::kDatasetRegister, Bytes{1, 2, 3}).ok());
}

TEST_CASE("formula.propose body: nested paths reach the message") {
  Json body = {{"venture_id", "fleet-emissions"},
               {"version", 1},
               {"effective_from", "2026-Q2"},
               {"formula", MixedFormulaJson()}};
  auto bytes = node::BodyFromJson(ledger::TxKind::kFormulaPropose, body);
  REQUIRE(bytes.ok());
  auto back = node::BodyToJson(ledger::TxKind::kFormulaPropose, *bytes);
  REQUIRE(back.ok());
  CHECK(*back == body);
  body["formula"]["fixed_shares"][1]["bps"] = 12.5;
  CHECK(node::BodyFromJson(ledger::TxKind::kFormulaPropose, body).status().message() ==
        "formula.fixed_shares[1].bps: must be a whole number");
  body["formula"]["fixed_shares"][1]["bps"] = "40%";
  CHECK(node::BodyFromJson(ledger::TxKind::kFormulaPropose, body).status().message() ==
        "formula.fixed_shares[1].bps: must be an unsigned integer");
}

TEST_CASE("every kind with a body type lists its fields once") {
  for (uint16_t value = 1; value <= ledger::kLastTxKind; ++value) {
    auto kind = static_cast<ledger::TxKind>(value);
    INFO(ledger::TxKindName(kind));
    auto fields = node::BodyFields(kind);
    CHECK(fields.empty() == !node::HasBodyType(kind));
    std::set<std::string> names;
    for (const auto& field : fields) CHECK(names.insert(field.name).second);
    // An empty object names a missing required field, or is a valid body of defaults.
    auto empty = node::BodyFromJson(kind, Json::object());
    if (node::HasBodyType(kind) && !empty.ok()) {
      CHECK(empty.status().message().find(": is required") != std::string::npos);
    }
  }
}
