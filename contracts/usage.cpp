#include "contracts/usage.h"

#include <limits>

#include "common/civil_time.h"
#include "contracts/grants.h"
#include "contracts/member_record.h"

namespace covalue::contracts {

std::string ReceiptStateKey(std::string_view receipt_id) {
  return "receipt/" + std::string(receipt_id);
}

namespace {

// The two signers are the provider and the consumer, in either order.
Status CheckParties(const std::vector<std::string>& signers, const DatasetRecord& dataset,
                    const GrantRecord& grant) {
  const std::string& owner = dataset.owner;
  const std::string& grantee = grant.terms.grantee;
  bool parties = (signers[0] == owner && signers[1] == grantee) ||
                 (signers[0] == grantee && signers[1] == owner);
  if (parties) return Status::Ok();
  return Status(Code::kForbidden, "a receipt under grant " + grant.id() + " is signed by dataset " +
                                      dataset.id + "'s owner '" + owner + "' and the grantee '" +
                                      grantee + "', not by '" + signers[0] + "' and '" +
                                      signers[1] + "'");
}

Status CheckUsedAt(const UsageRecordBody& body, const GrantRecord& grant, int64_t block_time_ms) {
  const GrantIssueBody& terms = grant.terms;
  if (body.used_at_ms < terms.valid_from_ms || body.used_at_ms >= terms.valid_until_ms) {
    return Status(Code::kOutOfWindow, "used_at " + FormatUtcTime(body.used_at_ms) +
                                          " is outside grant " + grant.id() + "'s window [" +
                                          FormatUtcTime(terms.valid_from_ms) + ", " +
                                          FormatUtcTime(terms.valid_until_ms) + ")");
  }
  if (body.used_at_ms > block_time_ms) {
    return Status(Code::kOutOfWindow, "used_at " + FormatUtcTime(body.used_at_ms) +
                                          " is after the block time " +
                                          FormatUtcTime(block_time_ms));
  }
  return Status::Ok();
}

// The quantity fits under every cap in the chain (usage under a derived grant counts
// against its ancestors' caps), and no usage count overflows.
Status CheckCaps(const GrantChain& chain, uint64_t quantity) {
  for (size_t i = 0; i < chain.size(); ++i) {
    const GrantRecord& grant = chain[i];
    uint64_t cap = grant.terms.usage_cap;
    if (cap == 0) {
      if (grant.used > std::numeric_limits<uint64_t>::max() - quantity) {
        return Status(
            Code::kInvalidArgument,
            DescribeInChain(chain, i, "'s usage count", ", whose usage count") + " would overflow");
      }
      continue;
    }
    uint64_t left = cap - grant.used;
    if (quantity > left) {
      std::string shortfall = "usage cap " + std::to_string(cap) + " has " + std::to_string(left) +
                              " left, less than " + std::to_string(quantity);
      return Status(Code::kCapExceeded,
                    DescribeInChain(chain, i, "'s " + shortfall, ", whose " + shortfall));
    }
  }
  return Status::Ok();
}

Result<TxOutcome> RecordUsage(const ledger::Transaction& tx, const TxContext& context,
                              StateOverlay& state) {
  if (context.signer_members.size() != 2) {
    return Status(Code::kInvalidArgument,
                  "usage.record takes exactly two signers: the provider and the consumer");
  }
  COVALUE_ASSIGN_OR_RETURN(const UsageRecordBody body, DecodeTxBody<UsageRecordBody>(tx.body));
  if (body.quantity == 0) return Status(Code::kInvalidArgument, "quantity must be over 0");
  if (body.unit.empty()) return Status(Code::kInvalidArgument, "unit is required");
  COVALUE_RETURN_IF_ERROR(CheckBodyTime("used_at_ms", body.used_at_ms));

  std::string key = ReceiptStateKey(body.receipt_id);
  auto existing = state.Get(key);
  if (!existing.ok()) return existing.status();
  if (*existing) return Status(Code::kAlreadyExists, "receipt '" + body.receipt_id + "' exists");
  COVALUE_ASSIGN_OR_RETURN(GrantChain chain, LoadGrantChain(state, body.grant_id));
  const GrantRecord& grant = chain.front();
  COVALUE_ASSIGN_OR_RETURN(DatasetRecord dataset, LoadDatasetOfGrant(state, grant));
  COVALUE_RETURN_IF_ERROR(CheckParties(context.signer_members, dataset, grant));
  Status live = CheckChainLive(chain, context.time_ms);
  if (!live.ok()) return Status(live.code(), live.message() + "; no receipt is recorded under it");
  COVALUE_RETURN_IF_ERROR(CheckUsedAt(body, grant, context.time_ms));
  COVALUE_RETURN_IF_ERROR(CheckGrantCovers(grant, body.purpose, body.operation));
  COVALUE_RETURN_IF_ERROR(CheckCaps(chain, body.quantity));

  TxOutcome outcome;
  outcome.entities.push_back(key);
  for (GrantRecord& counted : chain) {
    counted.used += body.quantity;
    if (counted.terms.usage_cap != 0 && counted.used == counted.terms.usage_cap) {
      counted.used_up_height = context.height;
      counted.used_up_time_ms = context.time_ms;
    }
    std::string grant_key = GrantStateKey(counted.id());
    StoreRecord(state, grant_key, counted);
    outcome.entities.push_back(grant_key);
  }
  const std::string& provider = dataset.owner;
  const std::string& consumer = grant.terms.grantee;
  UsageReceiptRecord receipt{body, dataset.id, provider, consumer, context.height, context.time_ms};
  StoreRecord(state, key, receipt);

  outcome.result.events.push_back({"usage.recorded",
                                   {{"receipt", body.receipt_id},
                                    {"grant", body.grant_id},
                                    {"dataset", dataset.id},
                                    {"provider", provider},
                                    {"consumer", consumer},
                                    {"quantity", std::to_string(body.quantity)},
                                    {"unit", body.unit},
                                    {"purpose", body.purpose},
                                    {"operation", body.operation}}});
  outcome.entities.push_back(DatasetStateKey(dataset.id));
  outcome.entities.push_back(MemberStateKey(provider));
  outcome.entities.push_back(MemberStateKey(consumer));
  return outcome;
}

}  // namespace

TxOutcome ApplyUsageRecord(const ledger::Transaction& tx, const TxContext& context,
                           StateOverlay& state) {
  return OutcomeOf(RecordUsage(tx, context, state));
}

}  // namespace covalue::contracts
