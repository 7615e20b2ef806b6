// The access check (docs/spec/contracts/grants.md#access-check): may `party` use `dataset`
// for `purpose` (and `operation`) at `time_ms`, according to the ledger? A read-only query
// over the state that the API and the CLI serve; it answers for any time, so an auditor can
// ask about the past (revocations and used-up caps count from the time they committed).
// Pure over a LedgerReader; thread-compatible.
#pragma once

#include <string>

#include "contracts/state.h"

namespace covalue::contracts {

struct AccessQuery {
  std::string party;      // member id
  std::string dataset;    // dataset id
  std::string purpose;    // required
  std::string operation;  // empty: any operation
  int64_t time_ms = 0;
};

struct AccessDecision {
  bool allowed = false;
  // The grant that allows ("owner" when the party owns the dataset), or, when refused,
  // the grant the reason is about ("" if none).
  std::string deciding_grant;
  // kOk when allowed; else kNotFound (no such dataset), kForbidden (no grant, or none covers
  // the purpose/operation), kRevoked, kOutOfWindow or kCapExceeded.
  Code code = Code::kForbidden;
  std::string reason;
  bool operator==(const AccessDecision&) const = default;
};

// The decision for `query`. The dataset's owner is always allowed. Otherwise each of the
// party's grants on the dataset is judged in id order — covers the purpose and operation,
// then neither it nor an ancestor revoked by the time, then the time inside every window,
// then no cap in the chain used up by the time — and the first that passes allows. If none
// does, the refusal is the one of the grant that passed the most of those steps (the first
// such in id order). Errors: kInvalidArgument for a query with an invalid id or no purpose,
// else only I/O or corruption.
Result<AccessDecision> CheckAccess(const LedgerReader& state, const AccessQuery& query);

}  // namespace covalue::contracts
