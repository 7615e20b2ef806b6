#include "contracts/access_check.h"

#include <optional>

#include "common/civil_time.h"
#include "contracts/dataset_register.h"
#include "contracts/grants.h"
#include "ledger/identifiers.h"

namespace covalue::contracts {

namespace {

// How far a grant got through the access steps (docs/spec/contracts/grants.md#access-check):
// a refusal from a later step says more about why the party has no access.
enum class AccessStep { kCoverage = 0, kRevocation = 1, kWindow = 2, kCap = 3 };

struct Refusal {
  AccessStep step = AccessStep::kCoverage;
  Status status;
};

Status CheckQuery(const AccessQuery& query) {
  if (!ledger::IsValidId(query.party))
    return Status(Code::kInvalidArgument, "party: not a valid id");
  if (!ledger::IsValidId(query.dataset))
    return Status(Code::kInvalidArgument, "dataset: not a valid id");
  if (!ledger::IsValidId(query.purpose))
    return Status(Code::kInvalidArgument, "purpose: not a valid id");
  if (!query.operation.empty() && !ledger::IsValidId(query.operation)) {
    return Status(Code::kInvalidArgument, "operation: not a valid id");
  }
  return Status::Ok();
}

// A cap in the chain was used up by the time (usage recorded in a block at or before it).
Status CheckCapsLeftAt(const GrantChain& chain, int64_t time_ms) {
  for (size_t i = 0; i < chain.size(); ++i) {
    const GrantRecord& grant = chain[i];
    if (grant.terms.usage_cap == 0 || grant.used_up_height == 0 || time_ms < grant.used_up_time_ms)
      continue;
    std::string used_up = "usage cap " + std::to_string(grant.terms.usage_cap) + " is used up";
    return Status(Code::kCapExceeded,
                  DescribeInChain(chain, i, "'s " + used_up, ", whose " + used_up));
  }
  return Status::Ok();
}

// Why grant `grant_id` does not allow the query (nullopt: it allows it).
Result<std::optional<Refusal>> JudgeGrant(const LedgerReader& state, const std::string& grant_id,
                                          const AccessQuery& query) {
  COVALUE_ASSIGN_OR_RETURN(GrantChain chain, LoadGrantChain(state, grant_id));
  const GrantIssueBody& terms = chain.front().terms;
  if (terms.dataset_id != query.dataset || terms.grantee != query.party) {
    return Status(Code::kCorruption,
                  "grant '" + grant_id + "' is indexed under another dataset or grantee");
  }
  Status covers = CheckGrantCovers(chain.front(), query.purpose, query.operation);
  if (!covers.ok()) return std::optional<Refusal>(Refusal{AccessStep::kCoverage, covers});
  Status live = CheckChainLive(chain, query.time_ms);
  if (!live.ok()) {
    AccessStep step = live.code() == Code::kRevoked ? AccessStep::kRevocation : AccessStep::kWindow;
    return std::optional<Refusal>(Refusal{step, live});
  }
  Status caps = CheckCapsLeftAt(chain, query.time_ms);
  if (!caps.ok()) return std::optional<Refusal>(Refusal{AccessStep::kCap, caps});
  return std::optional<Refusal>();
}

}  // namespace

Result<AccessDecision> CheckAccess(const LedgerReader& state, const AccessQuery& query) {
  COVALUE_RETURN_IF_ERROR(CheckQuery(query));
  COVALUE_ASSIGN_OR_RETURN(auto dataset,
                           LoadRecord<DatasetRecord>(state, DatasetStateKey(query.dataset)));
  if (!dataset)
    return AccessDecision{false, "", Code::kNotFound, "no dataset '" + query.dataset + "'"};
  if (dataset->owner == query.party) {
    return AccessDecision{true, "owner", Code::kOk,
                          "'" + query.party + "' owns dataset " + query.dataset};
  }
  COVALUE_ASSIGN_OR_RETURN(
      auto index, LoadRecord<GrantIndex>(state, GrantIndexKey(query.dataset, query.party)));
  if (!index || index->grant_ids.empty()) {
    return AccessDecision{
        false, "", Code::kForbidden,
        "no grant: '" + query.party + "' holds no grant on dataset " + query.dataset};
  }
  std::optional<Refusal> best;
  std::string best_grant;
  for (const auto& grant_id : index->grant_ids) {
    COVALUE_ASSIGN_OR_RETURN(auto refusal, JudgeGrant(state, grant_id, query));
    if (!refusal) {
      return AccessDecision{true, grant_id, Code::kOk, "grant " + grant_id + " allows it"};
    }
    if (!best || refusal->step > best->step) {
      best = std::move(refusal);
      best_grant = grant_id;
    }
  }
  return AccessDecision{false, best_grant, best->status.code(), best->status.message()};
}

}  // namespace covalue::contracts
