// grant.issue and grant.revoke (docs/spec/contracts/grants.md): a dataset's owner grants a
// member the use of the dataset for listed purposes and operations within a time window,
// optionally capped and re-grantable; a grantee may re-grant within its own limits; the
// issuer or the owner revokes. Body grammars, the stored records, and the checks that walk
// a grant's ancestor chain, which grant.issue, usage.record and the access check share
// (a grant is revoked or expired if it or any grant it derives from is). Pure;
// thread-compatible.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "contracts/dataset_register.h"
#include "contracts/fields.h"
#include "contracts/kinds.h"

namespace covalue::contracts {

inline constexpr uint32_t kMaxGrantPurposes = 16;
inline constexpr uint32_t kMaxGrantOperations = 16;
inline constexpr uint8_t kMaxRegrantDepth = 8;
// Grants one grantee may hold on one dataset, live or not (the access check reads them all).
inline constexpr uint32_t kMaxGrantsPerGrantee = 256;
inline constexpr uint32_t kMaxRevokeReasonLength = 256;
// Times in bodies (ms since the epoch) lie in [1970-01-01, 10000-01-01): the years that
// common/civil_time.h formats, so every message can print them.
inline constexpr int64_t kMaxBodyTimeMs = 253'402'300'800'000;  // 10000-01-01T00:00:00Z

struct GrantIssueBody {
  std::string grant_id;
  std::string dataset_id;
  std::string grantee;          // member id
  std::string parent_grant_id;  // empty: issued by the dataset's owner
  std::vector<std::string> purposes;
  std::vector<std::string> operations;
  int64_t valid_from_ms = 0;  // the window is [valid_from_ms, valid_until_ms)
  int64_t valid_until_ms = 0;
  uint64_t usage_cap = 0;     // 0: no cap
  uint8_t regrant_depth = 0;  // 0: may not be re-granted
  bool operator==(const GrantIssueBody&) const = default;
  template <class V>
  void Fields(V& v) {
    v.Id("grant_id", grant_id);
    v.Id("dataset_id", dataset_id);
    v.Id("grantee", grantee);
    v.OptId("parent_grant_id", parent_grant_id);
    v.IdList("purposes", purposes, kMaxGrantPurposes);
    v.IdList("operations", operations, kMaxGrantOperations);
    v.I64("valid_from_ms", valid_from_ms);
    v.I64("valid_until_ms", valid_until_ms);
    v.U64("usage_cap", usage_cap);
    v.U8("regrant_depth", regrant_depth);
  }
};

struct GrantRevokeBody {
  std::string grant_id;
  std::string reason;
  bool operator==(const GrantRevokeBody&) const = default;
  template <class V>
  void Fields(V& v) {
    v.Id("grant_id", grant_id);
    v.Text("reason", reason, kMaxRevokeReasonLength);
  }
};

// "grant/<grant_id>": the issued terms (flat: the body's fields first) and what happened
// to the grant since.
struct GrantRecord {
  static constexpr uint16_t kRecordVersion = 1;
  GrantIssueBody terms;
  std::string issuer;  // member id: the dataset's owner, or the parent's grantee
  uint8_t depth = 0;   // 0 for an owner's grant, else the parent's depth + 1
  uint64_t issued_height = 0;
  int64_t issued_time_ms = 0;
  bool revoked = false;
  uint64_t revoked_height = 0;
  int64_t revoked_time_ms = 0;
  std::string revoked_by;  // member id, empty unless revoked
  uint64_t used = 0;       // quantity recorded under this grant and every grant derived from it
  uint64_t used_up_height = 0;  // the height `used` reached a non-zero cap; 0 while it has not
  int64_t used_up_time_ms = 0;
  const std::string& id() const { return terms.grant_id; }
  bool operator==(const GrantRecord&) const = default;
  template <class V>
  void Fields(V& v) {
    terms.Fields(v);
    v.Id("issuer", issuer);
    v.U8("depth", depth);
    v.U64("issued_height", issued_height);
    v.I64("issued_time_ms", issued_time_ms);
    v.Bool("revoked", revoked);
    v.U64("revoked_height", revoked_height);
    v.I64("revoked_time_ms", revoked_time_ms);
    v.OptId("revoked_by", revoked_by);
    v.U64("used", used);
    v.U64("used_up_height", used_up_height);
    v.I64("used_up_time_ms", used_up_time_ms);
  }
};

// "grants-of/<dataset_id>/<grantee>": the ids of every grant issued to the grantee on the
// dataset, sorted.
struct GrantIndex {
  static constexpr uint16_t kRecordVersion = 1;
  std::vector<std::string> grant_ids;
  bool operator==(const GrantIndex&) const = default;
  template <class V>
  void Fields(V& v) {
    v.IdList("grant_ids", grant_ids, kMaxGrantsPerGrantee);
  }
};

std::string GrantStateKey(std::string_view grant_id);
std::string GrantIndexKey(std::string_view dataset_id, std::string_view grantee);

// A grant and the grants it derives from: the grant first, its root (an owner's grant) last.
using GrantChain = std::vector<GrantRecord>;

// The chain of `grant_id`: kNotFound if there is no such grant; kCorruption if an ancestor
// is missing or the chain is longer than kMaxRegrantDepth + 1; else a read fault.
Result<GrantChain> LoadGrantChain(const LedgerReader& state, std::string_view grant_id);

// The dataset a stored grant is on (kCorruption if it is missing: grants name only
// registered datasets, and datasets are never removed).
Result<DatasetRecord> LoadDatasetOfGrant(const LedgerReader& state, const GrantRecord& grant);

// Whether the chain is live at `time_ms`: kRevoked if a grant in it was revoked at or
// before that time (the grant itself checked first, then its ancestors upwards), else
// kOutOfWindow if the time is outside a grant's window. Block times strictly increase, so
// at a block's time "revoked at or before" is the same as the record's `revoked` flag.
Status CheckChainLive(const GrantChain& chain, int64_t time_ms);

// kForbidden unless the grant lists `purpose` and (unless `operation` is empty) `operation`.
Status CheckGrantCovers(const GrantRecord& grant, std::string_view purpose,
                        std::string_view operation);

// kInvalidArgument ("<name>: …") unless 0 ≤ time_ms < kMaxBodyTimeMs.
Status CheckBodyTime(std::string_view name, int64_t time_ms);

// A message about chain[index]: "grant <chain[0]>" + self_suffix if index is 0, else
// "grant <chain[0]> derives from <chain[index]>" + ancestor_suffix. So "grant g1 expired at
// …" and "grant g2 derives from g1, which expired at …".
std::string DescribeInChain(const GrantChain& chain, size_t index, std::string_view self_suffix,
                            std::string_view ancestor_suffix);

}  // namespace covalue::contracts
