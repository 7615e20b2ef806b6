#include "node/state_as_of.h"

namespace covalue::node {

Result<StateAsOf> StateAsOf::Open(const ChainStore& store, uint64_t height) {
  COVALUE_RETURN_IF_ERROR(store.CheckAsOf(height));
  return StateAsOf(store, height);
}

Result<std::optional<Bytes>> StateAsOf::Get(std::string_view key) const {
  return m_store.GetAsOf(key, m_height);
}

Result<bool> StateAsOf::IsCommitted(const Hash32& tx_id, uint64_t /*earliest_height*/) const {
  COVALUE_ASSIGN_OR_RETURN(auto location, m_store.FindTx(tx_id));
  return location.has_value() && location->height <= m_height;
}

}  // namespace covalue::node
