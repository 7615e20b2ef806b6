// RequestedState: the state a read route answers from — the head's, or, with the query
// parameter `as_of=H`, the state as it stood after block H (StateAsOf, node/state_as_of.h).
// It borrows the service, which must outlive it; thread-safe as the store's reads are.
#pragma once

#include <optional>
#include <string>

#include "node/api/router.h"
#include "node/ledger_service.h"
#include "node/state_as_of.h"

namespace covalue::node {

class RequestedState {
 public:
  // The state `request` asks for: `as_of` absent, the head's; else a height (decimal),
  // kInvalidArgument if it is not one, and StateAsOf::Open's refusals.
  static Result<RequestedState> From(const LedgerService& service, const api::HttpRequest& request);

  const contracts::LedgerReader& reader() const;
  std::optional<uint64_t> as_of() const;
  // The time a read is judged at by default: the head's time, or block `as_of`'s (the
  // genesis time at 0).
  Result<int64_t> TimeMs() const;
  // "" or " as of height H", to end a message.
  std::string Suffix() const;

 private:
  explicit RequestedState(const LedgerService& service) : m_service(service) {}
  const LedgerService& m_service;
  std::optional<StateAsOf> m_as_of;
};

}  // namespace covalue::node
