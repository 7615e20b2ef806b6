// ChainStore: the chain as it lies in a KvStore (key layout: docs/spec/storage.md) —
// blocks, the transaction index, the Merkle log's nodes, the state, the head, and the
// indexes of node/chain_indexes.h (history, block times, versioned state). A block and
// everything it changes are written in ONE synced batch, so after a crash the store holds
// whole blocks only. It borrows the KvStore, which must outlive it.
// Thread-safety: reads may run on any thread at once; Initialize, CommitBlock and
// AppendConsensusWal must be called from one thread at a time (the node's consensus strand),
// Initialize before any read. The cached head and log frontier are guarded; the state cache
// (node/state_cache.h) and the recent transaction ids (node/recent_tx_ids.h) are
// thread-safe themselves.
// What it keeps in memory (the state cache, the log frontier, where the consensus WAL
// starts, the recent transaction ids) assumes this ChainStore is the only writer of its keys
// while it is open: a crash model such as MemoryKvStore::DropUnsynced must be followed by a
// new ChainStore, as a restart is.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "consensus/safety_guard.h"
#include "contracts/executor.h"
#include "contracts/state.h"
#include "crypto/merkle.h"
#include "ledger/block.h"
#include "ledger/genesis.h"
#include "node/chain_indexes.h"
#include "node/recent_tx_ids.h"
#include "node/state_cache.h"
#include "node/storage/kv_store.h"

namespace covalue::node {

struct ChainHead {
  uint64_t height = 0;  // 0: only the genesis is applied
  Hash32 block_id{};    // the genesis hash at height 0
  int64_t time_ms = 0;
  Hash32 state_root{};
  uint64_t log_size = 0;
  Hash32 log_root{};
  bool operator==(const ChainHead&) const = default;
};

// The store key of the block at `height`: "blk/" ‖ u64 big-endian height
// (docs/spec/storage.md §Keys and values). Exposed for tools that must reach a stored block
// directly (tests/tools/corrupt_block.cpp).
Bytes BlockKey(uint64_t height);

struct TxLocation {
  uint64_t height = 0;
  uint32_t index = 0;
};

class ChainStore : public contracts::LedgerReader, public crypto::MerkleNodeReader {
 public:
  // Enough for the records every transaction reads and the recent ones it builds on.
  static constexpr size_t kStateCacheBytes = 8u << 20;
  // Ids of recently committed transactions kept in memory (node/recent_tx_ids.h): about 24
  // bytes each, so at most about 24 MiB; a full window of max_tx_lifetime blocks at the
  // default parameters (1,000 blocks) holds up to 2,000,000.
  static constexpr size_t kRecentTxIds = 1u << 20;

  // `state_cache_bytes`: the bound of the cache of state values read; 0 for none, which the
  // auditor's replay passes (its store is a map in memory, as fast as the cache).
  // `recent_tx_ids`: the bound of the ids of recent commits kept for the replay check; 0 for
  // none (a reader that never checks transactions for replay, and need not load them).
  explicit ChainStore(storage::KvStore& kv, size_t state_cache_bytes = kStateCacheBytes,
                      size_t recent_tx_ids = kRecentTxIds)
      : m_kv(kv), m_state_cache(state_cache_bytes), m_recent_tx_ids(UINT64_MAX, recent_tx_ids) {}

  // On an empty store, writes the genesis state and head; on a store that holds a chain,
  // checks it is this genesis's chain (kConflict if not) and loads the head, and the ids of
  // the transactions of the last max_tx_lifetime blocks (as many as the bound allows).
  Status Initialize(const ledger::Genesis& genesis);

  ChainHead Head() const;
  Result<std::optional<ledger::Block>> GetBlock(uint64_t height) const;
  // The block at `height` as stored: its canonical encoding (ledger::EncodeBlock), certificate
  // included, not decoded.
  Result<std::optional<Bytes>> GetBlockBytes(uint64_t height) const;
  Result<std::optional<TxLocation>> FindTx(const Hash32& tx_id) const;
  // Entries for `entity` ("dataset/telemetry") from position (from_height, from_index)
  // on, up to height `to_height`, oldest first, at most `limit`.
  Result<std::vector<HistoryEntry>> History(std::string_view entity, uint64_t from_height,
                                            uint32_t from_index, size_t limit,
                                            uint64_t to_height = UINT64_MAX) const;
  // The height of the first block whose time is at or after `time_ms`; the head height + 1
  // if there is none yet.
  Result<uint64_t> FirstHeightAtOrAfter(int64_t time_ms) const;

  // The state as it stood after block `height` (versioned state). kFailedPrecondition below
  // the height versions start at (a folder written before them keeps versions from the head
  // it had when first opened by a node that keeps them), kInvalidArgument above the head.
  Status CheckAsOf(uint64_t height) const;
  Result<std::optional<Bytes>> GetAsOf(std::string_view key, uint64_t height) const;
  uint64_t state_versions_from() const { return m_versions_from; }

  // LedgerReader: committed state and transaction ids. IsCommitted answers from memory when
  // the recent ids cover `earliest_height` and none matches; otherwise from the store.
  Result<std::optional<Bytes>> Get(std::string_view key) const override;
  Result<bool> IsCommitted(const Hash32& tx_id, uint64_t earliest_height) const override;
  // MerkleNodeReader: the log's stored nodes. The head's log frontier comes from memory.
  Result<Hash32> GetNode(uint8_t level, uint64_t index) const override;

  // The validator's safety state (consensus/safety_guard.h), written with sync: it must be
  // durable before a signature made under it leaves the process.
  Result<std::optional<consensus::SafetyState>> LoadSafetyState() const;
  Status SaveSafetyState(const consensus::SafetyState& state);
  // The write-ahead log of consensus messages received for a height not yet committed,
  // replayed into the engine after a restart. Appended without sync (the next synced write
  // — the safety state before any vote — makes it durable); pruned when the height commits.
  Status AppendConsensusWal(uint64_t height, ByteView message);
  Result<std::vector<Bytes>> ReadConsensusWal(uint64_t height) const;

  // Writes `block` (which must extend the head), its transaction index, the log nodes it
  // adds, the state changes and the indexes (history, block time, state versions) in one
  // batch, then moves the head. The batch is synced unless `sync` is false: then a power loss
  // may take it (and the blocks after it) away as a whole until the next synced write, which
  // makes it durable too (the store's log is written in order) — for block sync, which commits
  // a run of certified blocks and syncs the last.
  Status CommitBlock(const ledger::Block& block, const contracts::BlockExecution& execution,
                     const std::vector<crypto::MerkleNode>& new_log_nodes, bool sync = true);

 private:
  // Writes a batch that changes `changes`, keeping the state cache equal to the store. The
  // batch is handed over (KvStore::WriteMoved).
  Status WriteChanges(storage::WriteBatch&& batch, const contracts::StateChanges& changes,
                      bool sync);
  // Moves the head to `head` (whose batch is written) with its log frontier: the nodes of
  // `new_log_nodes` or of the current frontier that make up a log of head.log_size leaves.
  void MoveHead(const ChainHead& head, const std::vector<crypto::MerkleNode>& new_log_nodes);
  // Loads the ids of the transactions committed in the last max_tx_lifetime blocks up to
  // `head_height`, newest first, as many as m_recent_tx_ids holds, down to a block that
  // cannot be read (not an error here: the store answers for the heights left).
  Status LoadRecentTxIds(uint64_t head_height);
  // The lowest height a transaction still admissible after `head_height` can have committed
  // at (contracts::EarliestCommitHeight of an expiry of head_height + 1).
  uint64_t LowestReplayHeight(uint64_t head_height) const;

  storage::KvStore& m_kv;
  mutable StateCache m_state_cache;
  mutable std::mutex m_head_mutex;  // guards m_head and m_log_frontier
  ChainHead m_head;
  // The log's frontier at the head: the root of each perfect subtree that makes up a log of
  // m_head.log_size leaves (one per set bit of the size), the only stored nodes that
  // appending to the log and computing its root read. Stored nodes never change, so these
  // are served from memory instead of the store. A node missing here is read from the store.
  std::vector<crypto::MerkleNode> m_log_frontier;
  uint64_t m_wal_sequence = 0;  // next WAL entry number (only the consensus strand appends)
  uint64_t m_wal_floor = 0;     // no WAL entry lies below this height (the strand's too)
  uint64_t m_versions_from = 0;  // set by Initialize: state versions are kept from here on
  // The ids committed in the recent blocks, for IsCommitted; complete from nothing
  // (UINT64_MAX) until Initialize sets them up. Thread-safe itself.
  RecentTxIds m_recent_tx_ids;
  ledger::ChainParams m_params;  // the genesis's, set by Initialize
};

}  // namespace covalue::node
