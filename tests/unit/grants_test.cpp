// grant.issue, grant.revoke (contracts/grants.h) and the access check
// (contracts/access_check.h) through the real executor (ContractHarness): owner's grants,
// re-grant chains and their limits, revocation reaching derived grants, every refusal with
// its code — and that a refusal changed nothing.
#include <catch2/catch.hpp>

#include <cstdio>
#include <functional>

#include "contracts/access_check.h"
#include "contracts/grants.h"
#include "tests/support/grant_fixture.h"

namespace covalue::contracts {
namespace {

using ledger::TxKind;
using testing::ContractRun;
using testing::GrantFixture;
using testing::Ms;

TEST_CASE_METHOD(GrantFixture, "the owner issues a grant", "[grants]") {
  ContractRun run = Issue(Terms("g1", "startup"), "maker");
  REQUIRE(run.ok());
  CHECK(run.Event("grant.issued", "grant") == "g1");
  CHECK(run.Event("grant.issued", "dataset") == "telemetry");
  CHECK(run.Event("grant.issued", "grantor") == "maker");
  CHECK(run.Event("grant.issued", "grantee") == "startup");
  CHECK(run.Event("grant.issued", "parent").empty());
  CHECK(run.Event("grant.issued", "valid_until") == "2027-01-01T00:00:00Z");
  CHECK(run.entities == std::vector<std::string>{"grant/g1", "dataset/telemetry", "member/startup",
                                                 "member/maker"});

  GrantRecord grant = Grant("g1");
  CHECK(grant.terms == Terms("g1", "startup"));
  CHECK(grant.issuer == "maker");
  CHECK(grant.depth == 0);
  CHECK(grant.issued_height == h.height());
  CHECK(grant.issued_time_ms == Ms("2026-01-15"));
  CHECK_FALSE(grant.revoked);
  CHECK(grant.revoked_by.empty());
  CHECK(grant.used == 0);
  CHECK(grant.used_up_height == 0);

  REQUIRE(Issue(Terms("g0", "startup"), "maker").ok());
  CHECK(Index("startup") == std::vector<std::string>{"g0", "g1"});
  CHECK(Index("telco").empty());
}

TEST_CASE_METHOD(GrantFixture, "a re-grant chain of depth 2", "[grants]") {
  IssueChain();
  CHECK(Grant("g1").depth == 0);
  CHECK(Grant("g2").depth == 1);
  CHECK(Grant("g2").issuer == "startup");
  CHECK(Grant("g3").depth == 2);
  CHECK(Grant("g3").issuer == "telco");
  CHECK(Grant("g3").terms.parent_grant_id == "g2");
  CHECK(Index("telco") == std::vector<std::string>{"g2"});
  CHECK(Index("insurer") == std::vector<std::string>{"g3"});

  // A narrower re-grant: fewer purposes and operations, a shorter window, a cap.
  GrantIssueBody narrow = Terms("g4", "insurer", "g1");
  narrow.purposes = {"maintenance"};
  narrow.operations = {"read"};
  narrow.valid_from_ms = Ms("2026-02-01");
  narrow.valid_until_ms = Ms("2026-06-01");
  narrow.usage_cap = 10;
  narrow.regrant_depth = 1;
  ContractRun run = Issue(narrow, "startup");
  REQUIRE(run.ok());
  CHECK(run.Event("grant.issued", "parent") == "g1");
  CHECK(run.Event("grant.issued", "grantor") == "startup");
  CHECK(Index("insurer") == std::vector<std::string>{"g3", "g4"});
}

TEST_CASE_METHOD(GrantFixture, "grant.issue refusals change nothing", "[grants]") {
  IssueChain();  // g1 (depth 2 left) → g2 (1) → g3 (0)
  GrantIssueBody capped = Terms("capped", "telco");
  capped.usage_cap = 1000;
  capped.regrant_depth = 1;
  REQUIRE(Issue(capped, "maker").ok());
  REQUIRE(Issue(GrantIssueBody{"wg",
                               "weather",
                               "startup",
                               "",
                               {"emissions"},
                               {"read"},
                               Ms("2026-01-01"),
                               Ms("2027-01-01"),
                               0,
                               1},
                "telco")
              .ok());

  struct Case {
    std::string name;
    std::function<void(GrantIssueBody&)> change;
    std::string signer;
    Code code;
    std::string message;
  };
  auto noop = [](GrantIssueBody&) {};
  std::vector<Case> cases = {
      {"auditor lacks the member role", noop, "auditor", Code::kForbidden, "lacks the member role"},
      {"invalid purpose id", [](auto& b) { b.purposes = {"Bad Purpose"}; }, "maker",
       Code::kInvalidArgument, "body: purposes: not a valid id"},
      {"no purposes", [](auto& b) { b.purposes.clear(); }, "maker", Code::kInvalidArgument,
       "purposes: at least one"},
      {"no operations", [](auto& b) { b.operations.clear(); }, "maker", Code::kInvalidArgument,
       "operations: at least one"},
      {"a time before 1970", [](auto& b) { b.valid_from_ms = -1; }, "maker", Code::kInvalidArgument,
       "valid_from_ms: -1 is not a time from 1970-01-01 to 9999-12-31"},
      {"a time after 9999", [](auto& b) { b.valid_until_ms = kMaxBodyTimeMs; }, "maker",
       Code::kInvalidArgument, "valid_until_ms: 253402300800000 is not a time"},
      {"empty window", [](auto& b) { b.valid_until_ms = b.valid_from_ms; }, "maker",
       Code::kInvalidArgument, "must be before valid_until_ms"},
      {"regrant_depth over 8", [](auto& b) { b.regrant_depth = 9; }, "maker",
       Code::kInvalidArgument, "regrant_depth 9 is over 8"},
      {"grant id taken", [](auto& b) { b.grant_id = "g1"; }, "maker", Code::kAlreadyExists,
       "grant 'g1' exists"},
      {"unknown dataset", [](auto& b) { b.dataset_id = "nowhere"; }, "maker", Code::kNotFound,
       "no dataset 'nowhere'"},
      {"unknown grantee", [](auto& b) { b.grantee = "nobody"; }, "maker", Code::kNotFound,
       "no member 'nobody'"},
      {"grant to oneself", [](auto& b) { b.grantee = "maker"; }, "maker", Code::kInvalidArgument,
       "cannot grant to itself"},
      {"re-grant to the owner", [](auto& b) { b.grantee = "maker", b.parent_grant_id = "g1"; },
       "startup", Code::kInvalidArgument, "'maker' owns dataset telemetry and needs no grant"},
      {"born expired", [](auto& b) { b.valid_until_ms = Ms("2026-01-15"); }, "maker",
       Code::kOutOfWindow, "born expired"},
      {"not the owner", [](auto& b) { b.grantee = "insurer"; }, "telco", Code::kForbidden,
       "only dataset telemetry's owner 'maker'"},
      {"unknown parent", [](auto& b) { b.parent_grant_id = "nope"; }, "startup", Code::kNotFound,
       "no parent grant 'nope'"},
      {"parent on another dataset", [](auto& b) { b.parent_grant_id = "wg"; }, "startup",
       Code::kInvalidArgument, "parent grant wg is on dataset weather, not telemetry"},
      {"not the parent's grantee", [](auto& b) { b.grantee = "insurer", b.parent_grant_id = "g1"; },
       "telco", Code::kForbidden, "only parent grant g1's grantee 'startup' may re-grant it"},
      {"parent not re-grantable", [](auto& b) { b.grantee = "startup", b.parent_grant_id = "g3"; },
       "insurer", Code::kForbidden, "parent grant g3 may not be re-granted"},
      {"regrant_depth beyond the parent's",
       [](auto& b) { b.grantee = "insurer", b.parent_grant_id = "g1"; }, "startup",
       Code::kForbidden, "beyond parent grant g1's limits: regrant_depth 2 is over 1"},
      {"purpose beyond the parent's",
       [](auto& b) { b.parent_grant_id = "g1", b.regrant_depth = 0, b.purposes = {"billing"}; },
       "startup", Code::kForbidden,
       "beyond parent grant g1's limits: purpose billing is not among [emissions, maintenance]"},
      {"operation beyond the parent's",
       [](auto& b) {
         b.parent_grant_id = "g1", b.regrant_depth = 0, b.operations = {"read", "train"};
       },
       "startup", Code::kForbidden,
       "beyond parent grant g1's limits: operation train is not among [aggregate, read]"},
      {"window starts before the parent's",
       [](auto& b) {
         b.parent_grant_id = "g1", b.regrant_depth = 0, b.valid_from_ms = Ms("2025-12-31");
       },
       "startup", Code::kForbidden,
       "the window starts at 2025-12-31T00:00:00Z, before 2026-01-01T00:00:00Z"},
      {"window ends after the parent's",
       [](auto& b) {
         b.parent_grant_id = "g1", b.regrant_depth = 0, b.valid_until_ms = Ms("2027-01-02");
       },
       "startup", Code::kForbidden,
       "the window ends at 2027-01-02T00:00:00Z, after 2027-01-01T00:00:00Z"},
      {"no cap under a capped parent",
       [](auto& b) { b.grantee = "insurer", b.parent_grant_id = "capped", b.regrant_depth = 0; },
       "telco", Code::kForbidden,
       "beyond parent grant capped's limits: no usage cap, but grant capped has cap 1000"},
      {"a cap over the parent's",
       [](auto& b) {
         b.grantee = "insurer", b.parent_grant_id = "capped", b.regrant_depth = 0,
         b.usage_cap = 1001;
       },
       "telco", Code::kForbidden, "usage cap 1001 is over grant capped's cap 1000"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    GrantIssueBody body = Terms("new", "telco");
    c.change(body);
    std::vector<std::string> index_before = Index(body.grantee);
    ContractRun run = Issue(body, c.signer);
    CHECK(run.code() == c.code);
    CHECK_THAT(run.result.message, Catch::Contains(c.message));
    CHECK(run.result.events.empty());
    CHECK_FALSE(Has(GrantStateKey("new")));
    if (body.grantee == "telco" || body.grantee == "insurer" || body.grantee == "startup") {
      CHECK(Index(body.grantee) == index_before);
    }
  }

  SECTION("two signers") {
    ContractRun run = h.Run(TxKind::kGrantIssue, Terms("new", "telco"), {"maker", "startup"});
    CHECK(run.code() == Code::kInvalidArgument);
    CHECK_FALSE(Has(GrantStateKey("new")));
  }
  SECTION("a body that does not decode") {
    ContractRun run = h.Run(TxKind::kGrantIssue, Bytes{1, 2, 3}, {"maker"});
    CHECK(run.code() == Code::kMalformed);
    CHECK_THAT(run.result.message, Catch::StartsWith("body: grant_id"));
  }
}

TEST_CASE("body times end with the year 9999", "[grants]") {
  CHECK(kMaxBodyTimeMs == Ms("9999-12-31T23:59:59Z") + 1000);
  CHECK(CheckBodyTime("t", kMaxBodyTimeMs - 1).ok());
  CHECK(CheckBodyTime("t", 0).ok());
  CHECK(CheckBodyTime("t", INT64_MIN).code() == Code::kInvalidArgument);
}

TEST_CASE_METHOD(GrantFixture, "a re-grant needs a live parent chain", "[grants]") {
  IssueChain();
  GrantIssueBody child = Terms("g5", "insurer", "g1");
  child.regrant_depth = 0;

  SECTION("parent expired") {
    // A child's window lies inside its parent's, so it would be born expired too: that rule
    // refuses it first.
    h.SetTime("2027-01-01");
    ContractRun run = Issue(child, "startup");
    CHECK(run.code() == Code::kOutOfWindow);
    CHECK_THAT(run.result.message, Catch::Contains("born expired"));
    CHECK_FALSE(Has(GrantStateKey("g5")));
  }
  SECTION("parent not valid yet") {
    GrantIssueBody later = Terms("later", "startup");
    later.valid_from_ms = Ms("2026-06-01");
    REQUIRE(Issue(later, "maker").ok());
    GrantIssueBody from_later = child;
    from_later.parent_grant_id = "later";
    from_later.valid_from_ms = Ms("2026-06-01");
    ContractRun run = Issue(from_later, "startup");
    CHECK(run.code() == Code::kOutOfWindow);
    CHECK(run.result.message == "grant later is not valid before 2026-06-01T00:00:00Z");
  }
  SECTION("root revoked: a grandchild cannot be re-granted") {
    REQUIRE(Revoke("g1", "maker").ok());
    uint64_t revoked_at = h.height();
    GrantIssueBody from_g2 = Terms("g5", "insurer", "g2");
    from_g2.regrant_depth = 0;
    ContractRun run = Issue(from_g2, "telco");
    CHECK(run.code() == Code::kRevoked);
    CHECK(run.result.message == "grant g2 derives from g1, revoked at height " +
                                    std::to_string(revoked_at) + " (2026-01-15T00:00:00Z)");
    CHECK_FALSE(Has(GrantStateKey("g5")));
  }
  SECTION("parent revoked") {
    REQUIRE(Revoke("g1", "startup").code() == Code::kForbidden);
    REQUIRE(Revoke("g2", "startup").ok());
    GrantIssueBody from_g2 = Terms("g5", "insurer", "g2");
    from_g2.regrant_depth = 0;
    ContractRun run = Issue(from_g2, "telco");
    CHECK(run.code() == Code::kRevoked);
    CHECK_THAT(run.result.message, Catch::StartsWith("grant g2 was revoked at height"));
  }
}

TEST_CASE_METHOD(GrantFixture, "a grantee holds at most 256 grants on a dataset", "[grants]") {
  for (int i = 0; i < 256; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "g%03d", i);
    REQUIRE(Issue(Terms(id, "startup"), "maker").ok());
  }
  CHECK(Index("startup").size() == 256);
  ContractRun run = Issue(Terms("g999", "startup"), "maker");
  CHECK(run.code() == Code::kFailedPrecondition);
  CHECK_THAT(run.result.message, Catch::Contains("holds 256 grants on dataset telemetry"));
  CHECK_FALSE(Has(GrantStateKey("g999")));
  CHECK(Index("startup").size() == 256);
  CHECK(Issue(Terms("g999", "telco"), "maker").ok());  // another grantee is not affected
}

TEST_CASE_METHOD(GrantFixture, "grant.revoke", "[grants]") {
  IssueChain();
  h.SetTime("2026-03-01T12:00:00Z");

  SECTION("by the issuer") {
    ContractRun run = Revoke("g2", "startup", "partner left");
    REQUIRE(run.ok());
    CHECK(run.Event("grant.revoked", "grant") == "g2");
    CHECK(run.Event("grant.revoked", "dataset") == "telemetry");
    CHECK(run.Event("grant.revoked", "by") == "startup");
    CHECK(run.Event("grant.revoked", "reason") == "partner left");
    CHECK(run.entities == std::vector<std::string>{"grant/g2", "dataset/telemetry", "member/telco",
                                                   "member/startup"});
    GrantRecord grant = Grant("g2");
    CHECK(grant.revoked);
    CHECK(grant.revoked_height == h.height());
    CHECK(grant.revoked_time_ms == Ms("2026-03-01T12:00:00Z"));
    CHECK(grant.revoked_by == "startup");
    CHECK_FALSE(Grant("g3").revoked);  // derived grants are revoked lazily, through their chain

    ContractRun again = Revoke("g2", "maker");
    CHECK(again.code() == Code::kConflict);
    CHECK(again.result.message == "grant g2 was revoked at height " +
                                      std::to_string(grant.revoked_height) +
                                      " (2026-03-01T12:00:00Z) by 'startup'");
    CHECK(Grant("g2") == grant);
  }
  SECTION("by the dataset's owner, who did not issue it") {
    ContractRun run = Revoke("g3", "maker");
    REQUIRE(run.ok());
    CHECK(Grant("g3").revoked_by == "maker");
  }
  SECTION("refusals") {
    CHECK(Revoke("g2", "telco").code() == Code::kForbidden);    // the grantee
    CHECK(Revoke("g3", "startup").code() == Code::kForbidden);  // an ancestor's grantee
    CHECK_THAT(
        Revoke("g3", "insurer").result.message,
        Catch::Contains(
            "only grant g3's issuer 'telco' or dataset telemetry's owner 'maker' may revoke it"));
    CHECK(Revoke("nope", "maker").code() == Code::kNotFound);
    CHECK(h.Run(TxKind::kGrantRevoke, GrantRevokeBody{"g2", ""}, {"maker", "startup"}).code() ==
          Code::kInvalidArgument);
    ContractRun too_long = Revoke("g2", "maker", std::string(257, 'x'));
    CHECK(too_long.code() == Code::kTooLarge);
    CHECK_THAT(too_long.result.message, Catch::StartsWith("body: reason"));
    for (const char* id : {"g1", "g2", "g3"}) CHECK_FALSE(Grant(id).revoked);
  }
}

TEST_CASE_METHOD(GrantFixture, "access check: owner, grants and reasons", "[grants][access]") {
  IssueChain();
  const int64_t now = Ms("2026-01-15");

  AccessDecision owner = Access("maker", "anything", "", now);
  CHECK(owner == AccessDecision{true, "owner", Code::kOk, "'maker' owns dataset telemetry"});

  auto unknown = CheckAccess(h.state(), {"startup", "nowhere", "emissions", "", now});
  REQUIRE(unknown.ok());
  CHECK(unknown->code == Code::kNotFound);
  CHECK_FALSE(unknown->allowed);

  AccessDecision none = Access("auditor", "emissions", "read", now);
  CHECK(none == AccessDecision{false, "", Code::kForbidden,
                               "no grant: 'auditor' holds no grant on dataset telemetry"});

  CHECK(Access("startup", "emissions", "read", now) ==
        AccessDecision{true, "g1", Code::kOk, "grant g1 allows it"});
  CHECK(Access("startup", "emissions", "", now).allowed);  // any operation
  CHECK(Access("insurer", "maintenance", "aggregate", now).deciding_grant == "g3");

  AccessDecision purpose = Access("startup", "billing", "read", now);
  CHECK(purpose ==
        AccessDecision{false, "g1", Code::kForbidden,
                       "grant g1 covers purposes [emissions, maintenance], not billing"});
  AccessDecision operation = Access("startup", "emissions", "train", now);
  CHECK(operation.code == Code::kForbidden);
  CHECK(operation.reason == "grant g1 covers operations [aggregate, read], not train");

  AccessDecision expired = Access("startup", "emissions", "read", Ms("2027-01-01"));
  CHECK(expired == AccessDecision{false, "g1", Code::kOutOfWindow,
                                  "grant g1 expired at 2027-01-01T00:00:00Z"});
  AccessDecision early = Access("startup", "emissions", "read", Ms("2025-12-31T23:59:59Z"));
  CHECK(early.code == Code::kOutOfWindow);
  CHECK(early.reason == "grant g1 is not valid before 2026-01-01T00:00:00Z");

  SECTION("the first grant that allows decides; else the most specific refusal") {
    GrantIssueBody billing = Terms("a-billing", "startup");
    billing.purposes = {"billing"};
    REQUIRE(Issue(billing, "maker").ok());
    GrantIssueBody short_window = Terms("b-short", "startup");
    short_window.purposes = {"billing"};
    short_window.valid_until_ms = Ms("2026-02-01");
    REQUIRE(Issue(short_window, "maker").ok());
    CHECK(Index("startup") == std::vector<std::string>{"a-billing", "b-short", "g1"});

    CHECK(Access("startup", "billing", "read", now).deciding_grant == "a-billing");
    CHECK(Access("startup", "emissions", "read", now).deciding_grant == "g1");
    // In March: a-billing covers billing, b-short covers it but has expired, g1 does not cover it.
    REQUIRE(Revoke("a-billing", "maker").ok());
    AccessDecision march = Access("startup", "billing", "read", Ms("2026-03-01"));
    CHECK(march == AccessDecision{false, "b-short", Code::kOutOfWindow,
                                  "grant b-short expired at 2026-02-01T00:00:00Z"});
    // Before the revocation a-billing still allowed it.
    CHECK(Access("startup", "billing", "read", Ms("2026-01-14")).deciding_grant == "a-billing");
  }
  SECTION("revoking the root denies the grandchild from the revocation's time on") {
    h.SetTime("2026-05-01T08:00:00Z");
    REQUIRE(Revoke("g1", "maker").ok());
    uint64_t revoked_at = h.height();
    AccessDecision after = Access("insurer", "maintenance", "read", Ms("2026-05-01T08:00:00Z"));
    CHECK(after == AccessDecision{false, "g3", Code::kRevoked,
                                  "grant g3 derives from g1, revoked at height " +
                                      std::to_string(revoked_at) + " (2026-05-01T08:00:00Z)"});
    CHECK(Access("startup", "maintenance", "read", Ms("2026-06-01")).reason ==
          "grant g1 was revoked at height " + std::to_string(revoked_at) +
              " (2026-05-01T08:00:00Z)");
    // An auditor asking about a time before the revocation: allowed then.
    CHECK(Access("insurer", "maintenance", "read", Ms("2026-05-01T07:59:59Z")) ==
          AccessDecision{true, "g3", Code::kOk, "grant g3 allows it"});
  }
  SECTION("invalid queries are errors") {
    CHECK(CheckAccess(h.state(), {"startup", "telemetry", "", "", now}).status().code() ==
          Code::kInvalidArgument);
    CHECK(CheckAccess(h.state(), {"a/b", "telemetry", "emissions", "", now}).status().code() ==
          Code::kInvalidArgument);
  }
}

}  // namespace
}  // namespace covalue::contracts
