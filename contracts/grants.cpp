#include "contracts/grants.h"

#include <algorithm>

#include "common/civil_time.h"
#include "contracts/member_record.h"

namespace covalue::contracts {

namespace {

bool Contains(const std::vector<std::string>& ids, std::string_view id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

// "[a, b]".
std::string FormatIdList(const std::vector<std::string>& ids) {
  std::string text = "[";
  for (size_t i = 0; i < ids.size(); ++i) text += (i == 0 ? "" : ", ") + ids[i];
  return text + "]";
}

}  // namespace

std::string GrantStateKey(std::string_view grant_id) {
  return "grant/" + std::string(grant_id);
}

std::string GrantIndexKey(std::string_view dataset_id, std::string_view grantee) {
  return "grants-of/" + std::string(dataset_id) + "/" + std::string(grantee);
}

Status CheckBodyTime(std::string_view name, int64_t time_ms) {
  if (time_ms >= 0 && time_ms < kMaxBodyTimeMs) return Status::Ok();
  return Status(Code::kInvalidArgument, std::string(name) + ": " + std::to_string(time_ms) +
                                            " is not a time from 1970-01-01 to 9999-12-31");
}

std::string DescribeInChain(const GrantChain& chain, size_t index, std::string_view self_suffix,
                            std::string_view ancestor_suffix) {
  std::string text = "grant " + chain.front().id();
  if (index == 0) return text + std::string(self_suffix);
  return text + " derives from " + chain[index].id() + std::string(ancestor_suffix);
}

Result<GrantChain> LoadGrantChain(const LedgerReader& state, std::string_view grant_id) {
  GrantChain chain;
  std::string next(grant_id);
  while (!next.empty()) {
    if (chain.size() > kMaxRegrantDepth) {
      return Status(Code::kCorruption, "grant '" + std::string(grant_id) +
                                           "' derives through more than " +
                                           std::to_string(kMaxRegrantDepth) + " re-grants");
    }
    COVALUE_ASSIGN_OR_RETURN(auto grant, LoadRecord<GrantRecord>(state, GrantStateKey(next)));
    if (!grant) {
      if (chain.empty()) return Status(Code::kNotFound, "no grant '" + next + "'");
      return Status(Code::kCorruption,
                    "grant '" + chain.back().id() + "' names a missing parent '" + next + "'");
    }
    next = grant->terms.parent_grant_id;
    chain.push_back(std::move(*grant));
  }
  return chain;
}

Result<DatasetRecord> LoadDatasetOfGrant(const LedgerReader& state, const GrantRecord& grant) {
  COVALUE_ASSIGN_OR_RETURN(
      auto dataset, LoadRecord<DatasetRecord>(state, DatasetStateKey(grant.terms.dataset_id)));
  if (!dataset) {
    return Status(Code::kCorruption, "grant '" + grant.id() + "' names a missing dataset '" +
                                         grant.terms.dataset_id + "'");
  }
  return std::move(*dataset);
}

Status CheckChainLive(const GrantChain& chain, int64_t time_ms) {
  for (size_t i = 0; i < chain.size(); ++i) {
    const GrantRecord& grant = chain[i];
    if (grant.revoked && time_ms >= grant.revoked_time_ms) {
      std::string when = " at height " + std::to_string(grant.revoked_height) + " (" +
                         FormatUtcTime(grant.revoked_time_ms) + ")";
      return Status(Code::kRevoked,
                    DescribeInChain(chain, i, " was revoked" + when, ", revoked" + when));
    }
  }
  for (size_t i = 0; i < chain.size(); ++i) {
    const GrantIssueBody& terms = chain[i].terms;
    if (time_ms < terms.valid_from_ms) {
      std::string from = FormatUtcTime(terms.valid_from_ms);
      return Status(Code::kOutOfWindow, DescribeInChain(chain, i, " is not valid before " + from,
                                                        ", which is not valid before " + from));
    }
    if (time_ms >= terms.valid_until_ms) {
      std::string until = FormatUtcTime(terms.valid_until_ms);
      return Status(Code::kOutOfWindow, DescribeInChain(chain, i, " expired at " + until,
                                                        ", which expired at " + until));
    }
  }
  return Status::Ok();
}

Status CheckGrantCovers(const GrantRecord& grant, std::string_view purpose,
                        std::string_view operation) {
  if (!Contains(grant.terms.purposes, purpose)) {
    return Status(Code::kForbidden, "grant " + grant.id() + " covers purposes " +
                                        FormatIdList(grant.terms.purposes) + ", not " +
                                        std::string(purpose));
  }
  if (!operation.empty() && !Contains(grant.terms.operations, operation)) {
    return Status(Code::kForbidden, "grant " + grant.id() + " covers operations " +
                                        FormatIdList(grant.terms.operations) + ", not " +
                                        std::string(operation));
  }
  return Status::Ok();
}

namespace {

// The body's own rules, before any state is read.
Status CheckTerms(const GrantIssueBody& body) {
  if (body.purposes.empty())
    return Status(Code::kInvalidArgument, "purposes: at least one is required");
  if (body.operations.empty())
    return Status(Code::kInvalidArgument, "operations: at least one is required");
  COVALUE_RETURN_IF_ERROR(CheckBodyTime("valid_from_ms", body.valid_from_ms));
  COVALUE_RETURN_IF_ERROR(CheckBodyTime("valid_until_ms", body.valid_until_ms));
  if (body.valid_from_ms >= body.valid_until_ms) {
    return Status(Code::kInvalidArgument, "valid_from_ms (" + FormatUtcTime(body.valid_from_ms) +
                                              ") must be before valid_until_ms (" +
                                              FormatUtcTime(body.valid_until_ms) + ")");
  }
  if (body.regrant_depth > kMaxRegrantDepth) {
    return Status(Code::kInvalidArgument, "regrant_depth " + std::to_string(body.regrant_depth) +
                                              " is over " + std::to_string(kMaxRegrantDepth));
  }
  return Status::Ok();
}

Status BeyondParent(const GrantRecord& parent, const std::string& what) {
  return Status(Code::kForbidden, "beyond parent grant " + parent.id() + "'s limits: " + what);
}

// A re-grant stays inside its parent's limits (and, through the cap, inside every
// ancestor's). `chain` is the parent's chain, the parent first.
Status CheckWithinParent(const GrantIssueBody& body, const GrantChain& chain) {
  const GrantRecord& parent = chain.front();
  const GrantIssueBody& limits = parent.terms;
  if (limits.regrant_depth == 0) {
    return Status(Code::kForbidden, "parent grant " + parent.id() +
                                        " may not be re-granted (its regrant_depth is 0)");
  }
  if (body.regrant_depth > limits.regrant_depth - 1) {
    return BeyondParent(parent, "regrant_depth " + std::to_string(body.regrant_depth) +
                                    " is over " + std::to_string(limits.regrant_depth - 1));
  }
  for (const auto& purpose : body.purposes) {
    if (!Contains(limits.purposes, purpose)) {
      return BeyondParent(parent,
                          "purpose " + purpose + " is not among " + FormatIdList(limits.purposes));
    }
  }
  for (const auto& operation : body.operations) {
    if (!Contains(limits.operations, operation)) {
      return BeyondParent(
          parent, "operation " + operation + " is not among " + FormatIdList(limits.operations));
    }
  }
  if (body.valid_from_ms < limits.valid_from_ms) {
    return BeyondParent(parent, "the window starts at " + FormatUtcTime(body.valid_from_ms) +
                                    ", before " + FormatUtcTime(limits.valid_from_ms));
  }
  if (body.valid_until_ms > limits.valid_until_ms) {
    return BeyondParent(parent, "the window ends at " + FormatUtcTime(body.valid_until_ms) +
                                    ", after " + FormatUtcTime(limits.valid_until_ms));
  }
  for (const auto& ancestor : chain) {
    uint64_t cap = ancestor.terms.usage_cap;
    if (cap == 0) continue;
    if (body.usage_cap == 0) {
      return BeyondParent(
          parent, "no usage cap, but grant " + ancestor.id() + " has cap " + std::to_string(cap));
    }
    if (body.usage_cap > cap) {
      return BeyondParent(parent, "usage cap " + std::to_string(body.usage_cap) +
                                      " is over grant " + ancestor.id() + "'s cap " +
                                      std::to_string(cap));
    }
  }
  return Status::Ok();
}

// The issuer may issue this grant: the dataset's owner for a grant without a parent, else
// the parent's grantee within the parent's limits. Returns the new grant's depth.
Result<uint8_t> CheckIssuer(const LedgerReader& state, const GrantIssueBody& body,
                            const DatasetRecord& dataset, const std::string& issuer,
                            int64_t time_ms) {
  if (body.parent_grant_id.empty()) {
    if (issuer != dataset.owner) {
      return Status(Code::kForbidden, "only dataset " + dataset.id + "'s owner '" + dataset.owner +
                                          "' issues a grant without a parent");
    }
    return uint8_t{0};
  }
  auto chain = LoadGrantChain(state, body.parent_grant_id);
  if (!chain.ok()) {
    if (chain.status().code() != Code::kNotFound) return chain.status();
    return Status(Code::kNotFound, "no parent grant '" + body.parent_grant_id + "'");
  }
  const GrantRecord& parent = chain->front();
  if (parent.terms.dataset_id != body.dataset_id) {
    return Status(Code::kInvalidArgument, "parent grant " + parent.id() + " is on dataset " +
                                              parent.terms.dataset_id + ", not " + body.dataset_id);
  }
  if (issuer != parent.terms.grantee) {
    return Status(Code::kForbidden, "only parent grant " + parent.id() + "'s grantee '" +
                                        parent.terms.grantee + "' may re-grant it");
  }
  COVALUE_RETURN_IF_ERROR(CheckChainLive(*chain, time_ms));
  COVALUE_RETURN_IF_ERROR(CheckWithinParent(body, *chain));
  return static_cast<uint8_t>(parent.depth + 1);
}

Result<TxOutcome> IssueGrant(const ledger::Transaction& tx, const TxContext& context,
                             StateOverlay& state) {
  COVALUE_ASSIGN_OR_RETURN(std::string issuer,
                           SoleSignerWithRole(context, state, ledger::kRoleMember));
  COVALUE_ASSIGN_OR_RETURN(const GrantIssueBody body, DecodeTxBody<GrantIssueBody>(tx.body));
  COVALUE_RETURN_IF_ERROR(CheckTerms(body));

  std::string key = GrantStateKey(body.grant_id);
  auto existing = state.Get(key);
  if (!existing.ok()) return existing.status();
  if (*existing) return Status(Code::kAlreadyExists, "grant '" + body.grant_id + "' exists");
  COVALUE_ASSIGN_OR_RETURN(auto dataset,
                           LoadRecord<DatasetRecord>(state, DatasetStateKey(body.dataset_id)));
  if (!dataset) return Status(Code::kNotFound, "no dataset '" + body.dataset_id + "'");
  COVALUE_ASSIGN_OR_RETURN(auto grantee, LoadMember(state, body.grantee));
  if (!grantee) return Status(Code::kNotFound, "no member '" + body.grantee + "'");
  if (body.grantee == issuer)
    return Status(Code::kInvalidArgument, "a member cannot grant to itself");
  if (body.grantee == dataset->owner) {
    return Status(Code::kInvalidArgument, "'" + body.grantee + "' owns dataset " + body.dataset_id +
                                              " and needs no grant on it");
  }
  if (body.valid_until_ms <= context.time_ms) {
    return Status(Code::kOutOfWindow, "the grant would be born expired: valid_until " +
                                          FormatUtcTime(body.valid_until_ms) +
                                          " is not after the block time " +
                                          FormatUtcTime(context.time_ms));
  }
  COVALUE_ASSIGN_OR_RETURN(uint8_t depth,
                           CheckIssuer(state, body, *dataset, issuer, context.time_ms));

  std::string index_key = GrantIndexKey(body.dataset_id, body.grantee);
  COVALUE_ASSIGN_OR_RETURN(auto stored_index, LoadRecord<GrantIndex>(state, index_key));
  GrantIndex index = stored_index ? std::move(*stored_index) : GrantIndex{};
  if (index.grant_ids.size() >= kMaxGrantsPerGrantee) {
    return Status(Code::kFailedPrecondition, "'" + body.grantee + "' holds " +
                                                 std::to_string(kMaxGrantsPerGrantee) +
                                                 " grants on dataset " + body.dataset_id +
                                                 ", the most one grantee may hold on one dataset");
  }
  auto at = std::lower_bound(index.grant_ids.begin(), index.grant_ids.end(), body.grant_id);
  index.grant_ids.insert(at, body.grant_id);
  StoreRecord(state, index_key, index);

  GrantRecord record;
  record.terms = body;
  record.issuer = issuer;
  record.depth = depth;
  record.issued_height = context.height;
  record.issued_time_ms = context.time_ms;
  StoreRecord(state, key, record);

  TxOutcome outcome;
  ledger::Event event{"grant.issued",
                      {{"grant", body.grant_id},
                       {"dataset", body.dataset_id},
                       {"grantor", issuer},
                       {"grantee", body.grantee}}};
  if (!body.parent_grant_id.empty()) event.attributes.emplace_back("parent", body.parent_grant_id);
  event.attributes.emplace_back("valid_until", FormatUtcTime(body.valid_until_ms));
  outcome.result.events.push_back(std::move(event));
  outcome.entities = {key, DatasetStateKey(body.dataset_id), MemberStateKey(body.grantee)};
  return outcome;
}

Result<TxOutcome> RevokeGrant(const ledger::Transaction& tx, const TxContext& context,
                              StateOverlay& state) {
  COVALUE_ASSIGN_OR_RETURN(const std::string signer, SoleSigner(context));
  auto body = DecodeTxBody<GrantRevokeBody>(tx.body);
  if (!body.ok()) return body.status();

  std::string key = GrantStateKey(body->grant_id);
  COVALUE_ASSIGN_OR_RETURN(auto stored, LoadRecord<GrantRecord>(state, key));
  if (!stored) return Status(Code::kNotFound, "no grant '" + body->grant_id + "'");
  GrantRecord grant = std::move(*stored);
  COVALUE_ASSIGN_OR_RETURN(DatasetRecord dataset, LoadDatasetOfGrant(state, grant));
  if (signer != grant.issuer && signer != dataset.owner) {
    return Status(Code::kForbidden, "only grant " + grant.id() + "'s issuer '" + grant.issuer +
                                        "' or dataset " + dataset.id + "'s owner '" +
                                        dataset.owner + "' may revoke it");
  }
  if (grant.revoked) {
    return Status(Code::kConflict, "grant " + grant.id() + " was revoked at height " +
                                       std::to_string(grant.revoked_height) + " (" +
                                       FormatUtcTime(grant.revoked_time_ms) + ") by '" +
                                       grant.revoked_by + "'");
  }
  grant.revoked = true;
  grant.revoked_height = context.height;
  grant.revoked_time_ms = context.time_ms;
  grant.revoked_by = signer;
  StoreRecord(state, key, grant);

  TxOutcome outcome;
  outcome.result.events.push_back(
      {"grant.revoked",
       {{"grant", grant.id()}, {"dataset", dataset.id}, {"by", signer}, {"reason", body->reason}}});
  outcome.entities = {key, DatasetStateKey(dataset.id), MemberStateKey(grant.terms.grantee)};
  return outcome;
}

}  // namespace

TxOutcome ApplyGrantIssue(const ledger::Transaction& tx, const TxContext& context,
                          StateOverlay& state) {
  return OutcomeOf(IssueGrant(tx, context, state));
}

TxOutcome ApplyGrantRevoke(const ledger::Transaction& tx, const TxContext& context,
                           StateOverlay& state) {
  return OutcomeOf(RevokeGrant(tx, context, state));
}

}  // namespace covalue::contracts
