#include "contracts/state.h"

#include "codec/writer.h"
#include "crypto/hash.h"

namespace covalue::contracts {

Result<std::optional<Bytes>> StateOverlay::Get(std::string_view key) const {
  auto it = m_changes.find(key);
  if (it != m_changes.end()) return it->second;
  return m_base.Get(key);
}

Result<bool> StateOverlay::IsCommitted(const Hash32& tx_id, uint64_t earliest_height) const {
  if (m_committed.count(tx_id) != 0) return true;
  return m_base.IsCommitted(tx_id, earliest_height);
}

void StateOverlay::MergeInto(StateOverlay& parent) {
  for (auto& [key, value] : m_changes) parent.m_changes[key] = std::move(value);
  for (const auto& [id, flag] : m_committed) parent.m_committed[id] = flag;
  m_changes.clear();
  m_committed.clear();
}

Hash32 NextStateRoot(const Hash32& previous_root, uint64_t height, const StateChanges& changes) {
  codec::Writer w;
  w.String("covalue/state/v1");
  w.Hash(previous_root);
  w.U64(height);
  w.Count(changes.size());
  for (const auto& [key, value] : changes) {
    w.String(key);
    w.Bool(value.has_value());
    if (value) w.Bytes(*value);
  }
  return crypto::Sha256(w.bytes());
}

}  // namespace covalue::contracts
