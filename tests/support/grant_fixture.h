// GrantFixture: the setup the grant and usage tests share (tests/unit/grants_test.cpp,
// usage_test.cpp) — a ContractHarness of maker, startup, telco, insurer (role member) and
// auditor (role auditor) in which maker owns dataset "telemetry" and telco owns "weather",
// at block time 2026-01-15; with helpers that issue, revoke and read back grants on
// telemetry and ask the access check. Header-only; not thread-safe.
#pragma once

#include <catch2/catch.hpp>

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "common/civil_time.h"
#include "contracts/access_check.h"
#include "contracts/dataset_register.h"
#include "contracts/grants.h"
#include "tests/support/contract_harness.h"

namespace covalue::testing {

// A UTC time ("2026-01-15", "2026-03-01T12:00:00Z") in ms since the epoch.
inline int64_t Ms(std::string_view utc) {
  return *ParseUtcTime(utc);
}

struct GrantFixture {
  ContractHarness h{std::vector<HarnessMember>{
      {"maker"}, {"startup"}, {"telco"}, {"insurer"}, {"auditor", ledger::kRoleAuditor}}};

  GrantFixture() {
    REQUIRE(h.Run(ledger::TxKind::kDatasetRegister,
                  contracts::DatasetRegisterBody{"telemetry", Hash32{}, "t"}, {"maker"})
                .ok());
    REQUIRE(h.Run(ledger::TxKind::kDatasetRegister,
                  contracts::DatasetRegisterBody{"weather", Hash32{}, "w"}, {"telco"})
                .ok());
  }

  // Grant `id` on telemetry to `grantee`, re-granted from `parent` unless it is empty:
  // purposes emissions+maintenance, operations aggregate+read, all of 2026, usage cap `cap`
  // (0: none), re-grantable `depth` times.
  static contracts::GrantIssueBody Terms(std::string id, std::string grantee,
                                         std::string parent = "", uint64_t cap = 0,
                                         uint8_t depth = 2) {
    return {std::move(id),
            "telemetry",
            std::move(grantee),
            std::move(parent),
            {"emissions", "maintenance"},
            {"aggregate", "read"},
            Ms("2026-01-01"),
            Ms("2027-01-01"),
            cap,
            depth};
  }
  ContractRun Issue(const contracts::GrantIssueBody& body, const std::string& signer) {
    return h.Run(ledger::TxKind::kGrantIssue, body, {signer});
  }
  ContractRun Revoke(std::string id, const std::string& signer,
                     std::string reason = "contract ended") {
    return h.Run(ledger::TxKind::kGrantRevoke,
                 contracts::GrantRevokeBody{std::move(id), std::move(reason)}, {signer});
  }
  // The chain g1: maker → startup; g2: startup → telco (from g1); g3: telco → insurer (from
  // g2), re-grantable 2, 1 and 0 times, with the usage caps `caps` (0: none).
  void IssueChain(std::array<uint64_t, 3> caps = {0, 0, 0}) {
    REQUIRE(Issue(Terms("g1", "startup", "", caps[0], 2), "maker").ok());
    REQUIRE(Issue(Terms("g2", "telco", "g1", caps[1], 1), "startup").ok());
    REQUIRE(Issue(Terms("g3", "insurer", "g2", caps[2], 0), "telco").ok());
  }

  contracts::GrantRecord Grant(std::string_view id) const {
    return h.Load<contracts::GrantRecord>(contracts::GrantStateKey(id));
  }
  // The grant ids `grantee` holds on `dataset` (the grant index), none if it has no index.
  std::vector<std::string> Index(std::string_view grantee,
                                 std::string_view dataset = "telemetry") const {
    auto index = contracts::LoadRecord<contracts::GrantIndex>(
        h.state(), contracts::GrantIndexKey(dataset, grantee));
    REQUIRE(index.ok());
    return *index ? (*index)->grant_ids : std::vector<std::string>{};
  }
  bool Has(std::string_view key) const { return h.Has(key); }
  contracts::AccessDecision Access(std::string party, std::string purpose, std::string operation,
                                   int64_t time_ms) const {
    auto decision = contracts::CheckAccess(
        h.state(),
        {std::move(party), "telemetry", std::move(purpose), std::move(operation), time_ms});
    REQUIRE(decision.ok());
    return *decision;
  }
};

}  // namespace covalue::testing
