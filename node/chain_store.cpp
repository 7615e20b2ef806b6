#include "node/chain_store.h"

#include <algorithm>

#include "codec/reader.h"
#include "codec/writer.h"
#include "contracts/admission.h"
#include "contracts/member_record.h"
#include "node/store_keys.h"

namespace covalue::node {
namespace {

using keys::AppendBigEndian;
using keys::Key;
using keys::ReadBigEndian;

// Key layout (docs/spec/storage.md). Heights and indexes in keys are big-endian so that
// the bytewise key order is numeric order.
constexpr std::string_view kHeadKey = "meta/head";
constexpr std::string_view kGenesisKey = "meta/genesis";
constexpr std::string_view kSafetyKey = "meta/safety";

Bytes TxKey(const Hash32& tx_id) { return Key("tx/", tx_id); }

Bytes LogNodeKey(uint8_t level, uint64_t index) {
  Bytes key = Key("log/");
  key.push_back(level);
  AppendBigEndian(key, index, 8);
  return key;
}

Bytes StateKey(std::string_view key) { return Key("st/", AsBytes(key)); }

// wal/<u64 height> <u64 sequence>
Bytes WalKey(uint64_t height, uint64_t sequence) {
  Bytes key = Key("wal/");
  AppendBigEndian(key, height, 8);
  AppendBigEndian(key, sequence, 8);
  return key;
}

Bytes EncodeHead(const ChainHead& head) {
  codec::Writer w;
  w.U64(head.height);
  w.Hash(head.block_id);
  w.I64(head.time_ms);
  w.Hash(head.state_root);
  w.U64(head.log_size);
  w.Hash(head.log_root);
  return std::move(w).Take();
}

Status DecodeHead(ByteView bytes, ChainHead* head) {
  codec::Reader r(bytes);
  COVALUE_RETURN_IF_ERROR(r.U64(&head->height));
  COVALUE_RETURN_IF_ERROR(r.Hash(&head->block_id));
  COVALUE_RETURN_IF_ERROR(r.I64(&head->time_ms));
  COVALUE_RETURN_IF_ERROR(r.Hash(&head->state_root));
  COVALUE_RETURN_IF_ERROR(r.U64(&head->log_size));
  COVALUE_RETURN_IF_ERROR(r.Hash(&head->log_root));
  return r.Finish();
}

Status Corrupt(std::string what, const Status& status) {
  return Status(Code::kCorruption, what + ": " + status.message());
}

}  // namespace

Bytes BlockKey(uint64_t height) {
  Bytes key = Key("blk/");
  AppendBigEndian(key, height, 8);
  return key;
}

Status ChainStore::Initialize(const ledger::Genesis& genesis) {
  m_params = genesis.params;
  Hash32 genesis_hash = ledger::GenesisHash(genesis);
  COVALUE_ASSIGN_OR_RETURN(auto stored_genesis, m_kv.Get(Key(kGenesisKey)));
  if (stored_genesis) {
    if (*stored_genesis != Bytes(genesis_hash.begin(), genesis_hash.end())) {
      return Status(Code::kConflict, "the data folder holds the chain of another genesis (" +
                                         ToHex(*stored_genesis) + ")");
    }
    COVALUE_ASSIGN_OR_RETURN(auto head_bytes, m_kv.Get(Key(kHeadKey)));
    if (!head_bytes) return Status(Code::kCorruption, "the data folder has a genesis but no head");
    ChainHead head;
    Status decoded = DecodeHead(*head_bytes, &head);
    if (!decoded.ok()) return Corrupt("head", decoded);
    // A folder written before the indexes of node/chain_indexes.h is upgraded once.
    COVALUE_ASSIGN_OR_RETURN(auto versions_from, indexes::ReadIndexMeta(m_kv));
    if (!versions_from) {
      COVALUE_RETURN_IF_ERROR(indexes::UpgradeFolder(m_kv, head.height));
      versions_from = head.height;
    }
    m_versions_from = *versions_from;
    // WAL entries continue after the last one written before the restart; the lowest height
    // that holds any is where commits look for entries to delete.
    m_wal_floor = head.height + 1;
    auto wal = m_kv.NewIterator();
    for (wal->Seek(Key("wal/")); wal->Valid(); wal->Next()) {
      ByteView key = wal->key();
      if (key.size() != 4 + 16 || !std::equal(key.begin(), key.begin() + 4, Key("wal/").begin())) break;
      m_wal_floor = std::min(m_wal_floor, ReadBigEndian(key, 4, 8));
      m_wal_sequence = std::max(m_wal_sequence, ReadBigEndian(key, 12, 8) + 1);
    }
    COVALUE_RETURN_IF_ERROR(wal->status());
    // The log's frontier from the store. A node that cannot be read is left out, to be
    // read (and reported missing) when it is asked for, as before there was a frontier in
    // memory; the others are kept.
    std::vector<crypto::MerkleNode> frontier;
    for (crypto::MerkleNode node : crypto::MerkleFrontierPlaces(head.log_size)) {
      auto hash = GetNode(node.level, node.index);
      if (!hash.ok()) continue;
      node.hash = *hash;
      frontier.push_back(node);
    }
    MoveHead(head, frontier);
    return LoadRecentTxIds(head.height);
  }

  // A new chain: the genesis state is height 0, written in one batch.
  COVALUE_RETURN_IF_ERROR(ledger::ValidateGenesis(genesis));
  contracts::StateOverlay state(*this);
  contracts::WriteGenesisMembers(genesis, state);
  ChainHead head;
  head.block_id = genesis_hash;
  head.time_ms = genesis.genesis_time_ms;
  head.state_root = contracts::NextStateRoot(Hash32{}, 0, state.changes());
  head.log_root = crypto::MerkleEmptyRoot();
  storage::WriteBatch batch;
  for (const auto& [key, value] : state.changes()) batch.Put(StateKey(key), *value);
  indexes::AddStateVersions(batch, 0, state.changes());
  indexes::PutIndexMeta(batch, 0);
  batch.Put(Key(kGenesisKey), genesis_hash);
  batch.Put(Key(kHeadKey), EncodeHead(head));
  COVALUE_RETURN_IF_ERROR(WriteChanges(std::move(batch), state.changes(), /*sync=*/true));
  MoveHead(head, {});
  return LoadRecentTxIds(0);
}

uint64_t ChainStore::LowestReplayHeight(uint64_t head_height) const {
  // A transaction still admissible after the head expires at head_height + 1 or later.
  return contracts::EarliestCommitHeight(head_height + 1, m_params);
}

Status ChainStore::LoadRecentTxIds(uint64_t head_height) {
  if (m_recent_tx_ids.capacity() == 0) return Status::Ok();
  // Newest first, while they fit; then recorded oldest first, as commits record them.
  std::vector<std::pair<uint64_t, std::vector<Hash32>>> heights;
  size_t count = 0;
  uint64_t lowest = std::max<uint64_t>(LowestReplayHeight(head_height), 1);
  uint64_t from = head_height + 1;
  for (uint64_t height = head_height; height >= lowest; --height) {
    // A block that cannot be read ends the loading: the heights from it down are left to the
    // store, and the block's damage is reported where it is read for itself.
    auto block = GetBlock(height);
    if (!block.ok() || !*block) break;
    if (count + (*block)->txs.size() > m_recent_tx_ids.capacity()) break;
    std::vector<Hash32> ids;
    ids.reserve((*block)->txs.size());
    for (const ledger::Transaction& tx : (*block)->txs) ids.push_back(ledger::TxId(tx));
    count += ids.size();
    heights.emplace_back(height, std::move(ids));
    from = height;
  }
  // The genesis (height 0) commits no transaction: complete from 1 is complete from 0.
  m_recent_tx_ids.Reset(from <= 1 ? 0 : from);
  for (auto it = heights.rbegin(); it != heights.rend(); ++it) m_recent_tx_ids.Add(it->first, it->second);
  return Status::Ok();
}

Status ChainStore::WriteChanges(storage::WriteBatch&& batch,
                                const contracts::StateChanges& changes, bool sync) {
  m_state_cache.BeginCommit(changes);
  Status written = m_kv.WriteMoved(std::move(batch), sync);
  m_state_cache.EndCommit();
  return written;
}

void ChainStore::MoveHead(const ChainHead& head,
                          const std::vector<crypto::MerkleNode>& new_log_nodes) {
  std::vector<crypto::MerkleNode> frontier = crypto::MerkleFrontierPlaces(head.log_size);
  std::lock_guard<std::mutex> lock(m_head_mutex);
  size_t kept = 0;
  for (const crypto::MerkleNode& at : frontier) {
    auto same_place = [&](const crypto::MerkleNode& n) {
      return n.level == at.level && n.index == at.index;
    };
    auto found = std::find_if(new_log_nodes.begin(), new_log_nodes.end(), same_place);
    if (found == new_log_nodes.end()) {
      found = std::find_if(m_log_frontier.begin(), m_log_frontier.end(), same_place);
      if (found == m_log_frontier.end()) continue;  // read from the store when asked for
    }
    frontier[kept++] = *found;
  }
  frontier.resize(kept);
  m_log_frontier = std::move(frontier);
  m_head = head;
}

ChainHead ChainStore::Head() const {
  std::lock_guard<std::mutex> lock(m_head_mutex);
  return m_head;
}

Result<std::optional<Bytes>> ChainStore::GetBlockBytes(uint64_t height) const {
  return m_kv.Get(BlockKey(height));
}

Result<std::optional<ledger::Block>> ChainStore::GetBlock(uint64_t height) const {
  COVALUE_ASSIGN_OR_RETURN(auto bytes, GetBlockBytes(height));
  if (!bytes) return std::optional<ledger::Block>();
  auto block = ledger::DecodeBlock(*bytes);
  if (!block.ok()) return Corrupt("block " + std::to_string(height), block.status());
  return std::optional<ledger::Block>(std::move(block).value());
}

Result<std::optional<TxLocation>> ChainStore::FindTx(const Hash32& tx_id) const {
  COVALUE_ASSIGN_OR_RETURN(auto bytes, m_kv.Get(TxKey(tx_id)));
  if (!bytes) return std::optional<TxLocation>();
  codec::Reader r(*bytes);
  TxLocation location;
  if (!r.U64(&location.height).ok() || !r.U32(&location.index).ok() || !r.Finish().ok()) {
    return Status(Code::kCorruption, "transaction index entry");
  }
  return std::optional<TxLocation>(location);
}

Result<std::vector<HistoryEntry>> ChainStore::History(std::string_view entity,
                                                      uint64_t from_height, uint32_t from_index,
                                                      size_t limit, uint64_t to_height) const {
  return indexes::ReadHistory(m_kv, entity, from_height, from_index, to_height, limit);
}

Result<uint64_t> ChainStore::FirstHeightAtOrAfter(int64_t time_ms) const {
  uint64_t next = Head().height + 1;  // read first: a block committed meanwhile is indexed
  COVALUE_ASSIGN_OR_RETURN(auto height, indexes::FirstHeightAtOrAfter(m_kv, time_ms));
  return height ? std::min(*height, next) : next;
}

Status ChainStore::CheckAsOf(uint64_t height) const {
  if (height < m_versions_from) {
    return Status(Code::kFailedPrecondition,
                  "state as of a past height is kept from height " +
                      std::to_string(m_versions_from) +
                      " on (this data folder was written before versioned state)");
  }
  uint64_t head = Head().height;
  if (height > head) {
    return Status(Code::kInvalidArgument, "no state as of height " + std::to_string(height) +
                                              ": the head is at height " + std::to_string(head));
  }
  return Status::Ok();
}

Result<std::optional<Bytes>> ChainStore::GetAsOf(std::string_view key, uint64_t height) const {
  COVALUE_RETURN_IF_ERROR(CheckAsOf(height));
  return indexes::ReadStateAsOf(m_kv, key, height);
}

Result<std::optional<Bytes>> ChainStore::Get(std::string_view key) const {
  uint64_t ticket = 0;
  std::optional<Bytes> cached = m_state_cache.Find(key, ticket);
  if (cached) return cached;
  COVALUE_ASSIGN_OR_RETURN(auto value, m_kv.Get(StateKey(key)));
  if (value) m_state_cache.Keep(key, *value, ticket);
  return value;
}

Result<bool> ChainStore::IsCommitted(const Hash32& tx_id, uint64_t earliest_height) const {
  if (m_recent_tx_ids.CertainlyAbsent(tx_id, earliest_height)) return false;
  COVALUE_ASSIGN_OR_RETURN(auto bytes, m_kv.Get(TxKey(tx_id)));
  return bytes.has_value();
}

Result<Hash32> ChainStore::GetNode(uint8_t level, uint64_t index) const {
  {
    std::lock_guard<std::mutex> lock(m_head_mutex);
    for (const crypto::MerkleNode& node : m_log_frontier) {
      if (node.level == level && node.index == index) return node.hash;
    }
  }
  COVALUE_ASSIGN_OR_RETURN(auto bytes, m_kv.Get(LogNodeKey(level, index)));
  if (!bytes || bytes->size() != 32) {
    return Status(Code::kCorruption, "Merkle log node (" + std::to_string(level) + ", " +
                                         std::to_string(index) + ") is missing");
  }
  Hash32 hash;
  std::copy(bytes->begin(), bytes->end(), hash.begin());
  return hash;
}

Result<std::optional<consensus::SafetyState>> ChainStore::LoadSafetyState() const {
  COVALUE_ASSIGN_OR_RETURN(auto bytes, m_kv.Get(Key(kSafetyKey)));
  if (!bytes) return std::optional<consensus::SafetyState>();
  auto state = consensus::DecodeSafetyState(*bytes);
  if (!state.ok()) return Corrupt("safety state", state.status());
  return std::optional<consensus::SafetyState>(std::move(state).value());
}

Status ChainStore::SaveSafetyState(const consensus::SafetyState& state) {
  storage::WriteBatch batch;
  batch.Put(Key(kSafetyKey), consensus::EncodeSafetyState(state));
  return m_kv.Write(batch, /*sync=*/true);
}

Status ChainStore::AppendConsensusWal(uint64_t height, ByteView message) {
  storage::WriteBatch batch;
  batch.Put(WalKey(height, m_wal_sequence++), message);
  m_wal_floor = std::min(m_wal_floor, height);
  return m_kv.Write(batch, /*sync=*/false);
}

Result<std::vector<Bytes>> ChainStore::ReadConsensusWal(uint64_t height) const {
  std::vector<Bytes> messages;
  Bytes start = WalKey(height, 0);
  Bytes end = WalKey(height + 1, 0);
  auto it = m_kv.NewIterator();
  for (it->Seek(start); it->Valid(); it->Next()) {
    ByteView key = it->key();
    if (CompareBytes(key, end) >= 0) break;
    messages.emplace_back(it->value().begin(), it->value().end());
  }
  COVALUE_RETURN_IF_ERROR(it->status());
  return messages;
}

Status ChainStore::CommitBlock(const ledger::Block& block,
                               const contracts::BlockExecution& execution,
                               const std::vector<crypto::MerkleNode>& new_log_nodes, bool sync) {
  const ledger::BlockHeader& header = block.header;
  ChainHead previous = Head();
  if (header.height != previous.height + 1 || header.previous_id != previous.block_id) {
    return Status(Code::kConflict, "block " + std::to_string(header.height) +
                                       " does not extend the head at height " +
                                       std::to_string(previous.height));
  }
  storage::WriteBatch batch;
  batch.Put(BlockKey(header.height), ledger::EncodeBlock(block));
  for (uint32_t i = 0; i < execution.txs.size(); ++i) {
    const auto& executed = execution.txs[i];
    codec::Writer location;  // value: u64 height ‖ u32 index (little-endian, like all values)
    location.U64(header.height);
    location.U32(i);
    batch.Put(TxKey(executed.tx_id), std::move(location).Take());
  }
  indexes::AddBlockIndexes(batch, header, execution);
  for (const auto& node : new_log_nodes) batch.Put(LogNodeKey(node.level, node.index), node.hash);
  for (const auto& [key, value] : execution.changes) {
    if (value) {
      batch.Put(StateKey(key), *value);
    } else {
      batch.Delete(StateKey(key));
    }
  }
  // The consensus WAL of this height (and any older leftovers) is no longer needed. The walk
  // starts at the lowest height that may hold entries, not at "wal/": the entries of every
  // earlier height were deleted, and RocksDB would step over each of their tombstones (a
  // fifth of a validator's CPU at 1,000 tx/s, BENCHMARKS.md). The iterator is closed before
  // the write: an open one pins a snapshot (RocksDB's memtables, MemoryKvStore's whole map,
  // which the write would then copy).
  {
    auto wal = m_kv.NewIterator();
    Bytes wal_end = WalKey(header.height + 1, 0);
    for (wal->Seek(WalKey(m_wal_floor, 0)); wal->Valid(); wal->Next()) {
      ByteView key = wal->key();
      if (CompareBytes(key, wal_end) >= 0) break;
      batch.Delete(key);
    }
    COVALUE_RETURN_IF_ERROR(wal->status());
  }
  ChainHead head{header.height,     ledger::BlockId(header), header.time_ms, header.state_root,
                 header.log_size, header.log_root};
  batch.Put(Key(kHeadKey), EncodeHead(head));
  // The ids are recorded before the batch is written, so that no reader finds a transaction
  // committed in the store but not in memory. Until the write returns, a reader that matches
  // one of them looks in the store, as before; if the write fails, the retry of this height
  // replaces them.
  std::vector<Hash32> tx_ids;
  tx_ids.reserve(execution.txs.size());
  for (const auto& executed : execution.txs) tx_ids.push_back(executed.tx_id);
  m_recent_tx_ids.Add(header.height, tx_ids);
  m_recent_tx_ids.DropBelow(LowestReplayHeight(header.height));
  COVALUE_RETURN_IF_ERROR(WriteChanges(std::move(batch), execution.changes, sync));
  m_wal_floor = std::max(m_wal_floor, header.height + 1);
  MoveHead(head, new_log_nodes);
  return Status::Ok();
}

}  // namespace covalue::node
