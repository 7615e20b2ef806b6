// StateAsOf: the committed state as it stood after block H, as a contracts::LedgerReader
// read through the versioned state (node/chain_indexes.h), so every read the contracts
// offer — records, period totals, the access check — can answer as of H. It borrows the
// store, which must outlive it; thread-safe as the store's reads are.
#pragma once

#include <optional>

#include "contracts/state.h"
#include "node/chain_store.h"

namespace covalue::node {

class StateAsOf final : public contracts::LedgerReader {
 public:
  // kFailedPrecondition below the height state versions start at, kInvalidArgument above
  // the head (ChainStore::CheckAsOf).
  static Result<StateAsOf> Open(const ChainStore& store, uint64_t height);

  Result<std::optional<Bytes>> Get(std::string_view key) const override;
  // Committed at or before the height.
  Result<bool> IsCommitted(const Hash32& tx_id, uint64_t earliest_height) const override;
  uint64_t height() const { return m_height; }

 private:
  StateAsOf(const ChainStore& store, uint64_t height) : m_store(store), m_height(height) {}
  const ChainStore& m_store;
  uint64_t m_height;
};

}  // namespace covalue::node
