// Reads "as of" a past height. StateAsOf is the committed state as it stood after block H,
// as a contracts::LedgerReader read through the versioned state (node/chain_indexes.h), so
// every read the contracts offer — records, period totals, the access check — can answer as
// of H. RequestedState is what a read route answers from: the head's state, or, with the
// query parameter `as_of=H`, the state after block H. Both borrow the store (and service),
// which must outlive them; thread-safe as the store's reads are.
#pragma once

#include <optional>
#include <string>

#include "contracts/state.h"
#include "node/api/router.h"
#include "node/ledger_service.h"

namespace covalue::node {

class StateAsOf final : public contracts::LedgerReader {
 public:
  // kFailedPrecondition below the height state versions start at, kInvalidArgument above
  // the head (ChainStore::CheckAsOf).
  static Result<StateAsOf> Open(const ChainStore& store, uint64_t height);

  Result<std::optional<Bytes>> Get(std::string_view key) const override;
  // Committed at or before the height.
  Result<bool> IsCommitted(const Hash32& tx_id) const override;
  uint64_t height() const { return m_height; }

 private:
  StateAsOf(const ChainStore& store, uint64_t height) : m_store(store), m_height(height) {}
  const ChainStore& m_store;
  uint64_t m_height;
};

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
