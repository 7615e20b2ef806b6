// The indexes ChainStore writes in each block's batch next to the block (grammars:
// docs/spec/storage.md §History, time and state versions): the history of every entity
// (hist/, with each transaction's kind and block time), the block times (time/, to turn a
// time range into a height range with one seek) and the versioned state (sv/, every changed
// state key's new value at its height, to read the state as of a past height) — their reads,
// and the one-time upgrade of a data folder written before them. Free functions over a
// KvStore: writes only go into a batch the caller applies; reads are thread-safe as the
// KvStore is.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "contracts/executor.h"
#include "ledger/block.h"
#include "node/storage/kv_store.h"

namespace covalue::node {

struct HistoryEntry {
  uint64_t height = 0;
  uint32_t index = 0;
  Hash32 tx_id{};
  ledger::TxKind kind = ledger::TxKind::kDatasetRegister;
  int64_t time_ms = 0;  // the block's time
  bool operator==(const HistoryEntry&) const = default;
};

namespace indexes {

// The layout version recorded in "meta/indexes" with the height state versions start at.
inline constexpr uint16_t kIndexFormat = 1;

// The hist/, time/ and sv/ entries of a block whose header is `header`.
void AddBlockIndexes(storage::WriteBatch& batch, const ledger::BlockHeader& header,
                     const contracts::BlockExecution& execution);
// The sv/ entries of `changes` made at `height` (the genesis state at height 0).
void AddStateVersions(storage::WriteBatch& batch, uint64_t height,
                      const contracts::StateChanges& changes);
// "meta/indexes": this layout, with state versions kept from `versions_from` on.
void PutIndexMeta(storage::WriteBatch& batch, uint64_t versions_from);
// The height state versions start at, or nullopt for a folder written before these
// indexes existed (kUnsupportedVersion for a newer layout).
Result<std::optional<uint64_t>> ReadIndexMeta(const storage::KvStore& kv);
// One synced batch that brings a folder written before these indexes up to date: time/
// entries for every stored block, hist/ values completed with kind and time, the current
// state copied into sv/ at `head_height`, and "meta/indexes" with versions from there.
Status UpgradeFolder(storage::KvStore& kv, uint64_t head_height);

// Entries of `entity` at positions ≥ (from_height, from_index) and heights ≤ to_height,
// oldest first, at most `limit`.
Result<std::vector<HistoryEntry>> ReadHistory(const storage::KvStore& kv, std::string_view entity,
                                              uint64_t from_height, uint32_t from_index,
                                              uint64_t to_height, size_t limit);
// The height of the first block whose time is at or after `time_ms`; nullopt if none is
// (block times strictly increase, so one seek answers).
Result<std::optional<uint64_t>> FirstHeightAtOrAfter(const storage::KvStore& kv, int64_t time_ms);
// The value of state key `key` as it stood after block `height` (nullopt: absent then), if
// `height` is at or after the height versions start at.
Result<std::optional<Bytes>> ReadStateAsOf(const storage::KvStore& kv, std::string_view key,
                                           uint64_t height);

}  // namespace indexes
}  // namespace covalue::node
