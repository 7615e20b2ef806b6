// The ledger state as the contracts see it: a key-value map with string keys
// ("dataset/telemetry") and values in the canonical encoding (docs/spec/storage.md), read through LedgerReader and
// changed only through a StateOverlay, whose sorted change set the node writes in the
// block's batch. Also the state root: a hash chain over each block's sorted changes.
// LedgerReader implementations say their own thread-safety; a StateOverlay is not
// thread-safe and borrows its base, which must outlive it.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/status.h"

namespace covalue::contracts {

// key -> new value, or nullopt for a deletion. Sorted by key (bytewise).
using StateChanges = std::map<std::string, std::optional<Bytes>, std::less<>>;

class LedgerReader {
 public:
  virtual ~LedgerReader() = default;
  // The committed value of `key`, nullopt if absent; an error only for I/O or corruption.
  virtual Result<std::optional<Bytes>> Get(std::string_view key) const = 0;
  // True if a transaction with this id is already committed (replay protection).
  // `earliest_height`: the caller knows that such a transaction, if committed, committed at
  // this height or later (its expiry height − max_tx_lifetime, docs/spec/signing.md §Replay
  // protection); a reader may use it to look less far, or ignore it.
  virtual Result<bool> IsCommitted(const Hash32& tx_id, uint64_t earliest_height) const = 0;
};

// Reads through to a base reader; buffers writes. Nested overlays let a transaction's
// writes be dropped when it fails (Discard) or merged into the block's (Commit).
class StateOverlay : public LedgerReader {
 public:
  explicit StateOverlay(const LedgerReader& base) : m_base(base) {}
  // Not copyable: `StateOverlay child(parent)` would copy the parent's changes instead of
  // layering on it. Layer() is the way to nest.
  StateOverlay(const StateOverlay&) = delete;
  StateOverlay& operator=(const StateOverlay&) = delete;
  // A new, empty overlay whose reads fall through to this one.
  StateOverlay Layer() const { return StateOverlay(static_cast<const LedgerReader&>(*this)); }

  Result<std::optional<Bytes>> Get(std::string_view key) const override;
  Result<bool> IsCommitted(const Hash32& tx_id, uint64_t earliest_height) const override;

  void Put(std::string_view key, Bytes value) { m_changes[std::string(key)] = std::move(value); }
  void Delete(std::string_view key) { m_changes[std::string(key)] = std::nullopt; }
  // Marks a transaction id as committed within this overlay (a later duplicate in the
  // same block is then a replay).
  void MarkCommitted(const Hash32& tx_id) { m_committed[tx_id] = true; }

  // Moves this overlay's writes and committed ids into `parent` (its base).
  void MergeInto(StateOverlay& parent);
  const StateChanges& changes() const { return m_changes; }

 private:
  const LedgerReader& m_base;
  StateChanges m_changes;
  std::map<Hash32, bool> m_committed;
};

// state_root(h) = SHA-256( string("covalue/state/v1") ‖ state_root(h-1) ‖ u64 h ‖
//                          u32 count ‖ for each change in key order:
//                          string key ‖ u8 present ‖ [bytes value if present] )
// with state_root(-1) = 32 zero bytes for the genesis (h = 0). Identical on every node that
// applied the same blocks; costs one hash over the block's changes.
Hash32 NextStateRoot(const Hash32& previous_root, uint64_t height, const StateChanges& changes);

}  // namespace covalue::contracts
