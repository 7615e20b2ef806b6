#include "node/chain_indexes.h"

#include <unordered_map>

#include "codec/reader.h"
#include "codec/writer.h"
#include "node/store_keys.h"

namespace covalue::node::indexes {
namespace {

using keys::AppendBigEndian;
using keys::HasPrefix;
using keys::Key;
using keys::ReadBigEndian;

constexpr std::string_view kIndexMetaKey = "meta/indexes";
constexpr std::string_view kTimePrefix = "time/";
constexpr size_t kHistoryValueSize = 32 + 2 + 8;  // tx id ‖ u16 kind ‖ i64 block time

// hist/<entity> 0x00: entities (state keys) never contain 0x00.
Bytes HistoryPrefix(std::string_view entity) {
  Bytes key = Key("hist/", AsBytes(entity));
  key.push_back(0);
  return key;
}

Bytes HistoryValue(const Hash32& tx_id, ledger::TxKind kind, int64_t time_ms) {
  codec::Writer w;
  w.Hash(tx_id);
  w.U16(static_cast<uint16_t>(kind));
  w.I64(time_ms);
  return std::move(w).Take();
}

// time/<u64be time ^ 2^63>: the sign bit flipped so that negative times sort first.
Bytes TimeKey(int64_t time_ms) {
  Bytes key = Key(kTimePrefix);
  AppendBigEndian(key, static_cast<uint64_t>(time_ms) ^ (uint64_t{1} << 63), 8);
  return key;
}

Bytes HeightValue(uint64_t height) {
  codec::Writer w;
  w.U64(height);
  return std::move(w).Take();
}

// sv/<state key> 0x00 <u64be ~height>: the complement makes the newest version sort first,
// so a forward seek to ~H lands on the greatest height ≤ H.
Bytes StateVersionPrefix(std::string_view key) {
  Bytes out = Key("sv/", AsBytes(key));
  out.push_back(0);
  return out;
}

Bytes StateVersionKey(std::string_view key, uint64_t height) {
  Bytes out = StateVersionPrefix(key);
  AppendBigEndian(out, ~height, 8);
  return out;
}

// u8 present ‖ the value's bytes (absent: just 0).
Bytes StateVersionValue(const std::optional<Bytes>& value) {
  Bytes out;
  out.reserve(1 + (value ? value->size() : 0));
  out.push_back(value ? 1 : 0);
  if (value) out.insert(out.end(), value->begin(), value->end());
  return out;
}

Status Corrupt(std::string what) { return Status(Code::kCorruption, std::move(what)); }

}  // namespace

void AddBlockIndexes(storage::WriteBatch& batch, const ledger::BlockHeader& header,
                     const contracts::BlockExecution& execution) {
  for (uint32_t i = 0; i < execution.txs.size(); ++i) {
    const auto& executed = execution.txs[i];
    Bytes value = HistoryValue(executed.tx_id, executed.tx.kind, header.time_ms);
    for (const auto& entity : executed.outcome.entities) {
      Bytes key = HistoryPrefix(entity);
      AppendBigEndian(key, header.height, 8);
      AppendBigEndian(key, i, 4);
      batch.Put(key, value);
    }
  }
  batch.Put(TimeKey(header.time_ms), HeightValue(header.height));
  AddStateVersions(batch, header.height, execution.changes);
}

void AddStateVersions(storage::WriteBatch& batch, uint64_t height,
                      const contracts::StateChanges& changes) {
  for (const auto& [key, value] : changes) {
    batch.Put(StateVersionKey(key, height), StateVersionValue(value));
  }
}

void PutIndexMeta(storage::WriteBatch& batch, uint64_t versions_from) {
  codec::Writer w;
  w.U16(kIndexFormat);
  w.U64(versions_from);
  batch.Put(Key(kIndexMetaKey), w.bytes());
}

Result<std::optional<uint64_t>> ReadIndexMeta(const storage::KvStore& kv) {
  COVALUE_ASSIGN_OR_RETURN(auto bytes, kv.Get(Key(kIndexMetaKey)));
  if (!bytes) return std::optional<uint64_t>();
  codec::Reader r(*bytes);
  uint16_t format = 0;
  uint64_t versions_from = 0;
  if (!r.U16(&format).ok()) return Corrupt("meta/indexes");
  if (format != kIndexFormat) {
    return Status(Code::kUnsupportedVersion,
                  "the data folder's indexes are in layout " + std::to_string(format) +
                      "; this node knows layout " + std::to_string(kIndexFormat));
  }
  if (!r.U64(&versions_from).ok() || !r.Finish().ok()) return Corrupt("meta/indexes");
  return std::optional<uint64_t>(versions_from);
}

Status UpgradeFolder(storage::KvStore& kv, uint64_t head_height) {
  storage::WriteBatch batch;
  // Block times, and each block's time and transaction kinds for its history entries.
  struct BlockFacts {
    int64_t time_ms = 0;
    std::vector<ledger::TxKind> kinds;
  };
  std::unordered_map<uint64_t, BlockFacts> blocks;
  const Bytes block_prefix = Key("blk/");
  auto it = kv.NewIterator();
  for (it->Seek(block_prefix); it->Valid() && HasPrefix(it->key(), block_prefix); it->Next()) {
    auto block = ledger::DecodeBlock(it->value());
    if (!block.ok()) return Corrupt("block while upgrading the indexes: " + block.status().message());
    BlockFacts& facts = blocks[block->header.height];
    facts.time_ms = block->header.time_ms;
    for (const auto& tx : block->txs) facts.kinds.push_back(tx.kind);
    batch.Put(TimeKey(facts.time_ms), HeightValue(block->header.height));
  }
  COVALUE_RETURN_IF_ERROR(it->status());
  // History values were the tx id alone (32 bytes).
  const Bytes history_prefix = Key("hist/");
  for (it->Seek(history_prefix); it->Valid() && HasPrefix(it->key(), history_prefix); it->Next()) {
    ByteView key = it->key();
    if (it->value().size() == kHistoryValueSize) continue;
    if (it->value().size() != 32 || key.size() < history_prefix.size() + 13) {
      return Corrupt("history entry while upgrading the indexes");
    }
    uint64_t height = ReadBigEndian(key, key.size() - 12, 8);
    uint64_t index = ReadBigEndian(key, key.size() - 4, 4);
    auto facts = blocks.find(height);
    if (facts == blocks.end() || index >= facts->second.kinds.size()) {
      return Corrupt("history entry at " + std::to_string(height) + "." + std::to_string(index) +
                     " has no transaction");
    }
    Hash32 tx_id;
    std::copy(it->value().begin(), it->value().end(), tx_id.begin());
    batch.Put(key, HistoryValue(tx_id, facts->second.kinds[index], facts->second.time_ms));
  }
  COVALUE_RETURN_IF_ERROR(it->status());
  // The state as it is now is the state at the head: versions start there.
  const Bytes state_prefix = Key("st/");
  for (it->Seek(state_prefix); it->Valid() && HasPrefix(it->key(), state_prefix); it->Next()) {
    std::string_view key = AsString(it->key().subspan(state_prefix.size()));
    batch.Put(StateVersionKey(key, head_height),
              StateVersionValue(Bytes(it->value().begin(), it->value().end())));
  }
  COVALUE_RETURN_IF_ERROR(it->status());
  it.reset();
  PutIndexMeta(batch, head_height);
  return kv.Write(batch, /*sync=*/true);
}

Result<std::vector<HistoryEntry>> ReadHistory(const storage::KvStore& kv, std::string_view entity,
                                              uint64_t from_height, uint32_t from_index,
                                              uint64_t to_height, size_t limit) {
  Bytes prefix = HistoryPrefix(entity);
  Bytes start = prefix;
  AppendBigEndian(start, from_height, 8);
  AppendBigEndian(start, from_index, 4);
  std::vector<HistoryEntry> entries;
  if (from_height > to_height || limit == 0) return entries;
  auto it = kv.NewIterator();
  for (it->Seek(start); it->Valid() && entries.size() < limit; it->Next()) {
    ByteView key = it->key();
    if (key.size() != prefix.size() + 12 || !HasPrefix(key, prefix)) break;
    HistoryEntry entry;
    entry.height = ReadBigEndian(key, prefix.size(), 8);
    if (entry.height > to_height) break;
    entry.index = static_cast<uint32_t>(ReadBigEndian(key, prefix.size() + 8, 4));
    codec::Reader r(it->value());
    uint16_t kind = 0;
    if (!r.Hash(&entry.tx_id).ok() || !r.U16(&kind).ok() || !r.I64(&entry.time_ms).ok() ||
        !r.Finish().ok() || !ledger::IsKnownTxKind(kind)) {
      return Corrupt("history entry of " + std::string(entity) + " at " +
                     std::to_string(entry.height) + "." + std::to_string(entry.index));
    }
    entry.kind = static_cast<ledger::TxKind>(kind);
    entries.push_back(entry);
  }
  COVALUE_RETURN_IF_ERROR(it->status());
  return entries;
}

Result<std::optional<uint64_t>> FirstHeightAtOrAfter(const storage::KvStore& kv, int64_t time_ms) {
  auto it = kv.NewIterator();
  it->Seek(TimeKey(time_ms));
  if (!it->Valid()) {
    COVALUE_RETURN_IF_ERROR(it->status());
    return std::optional<uint64_t>();
  }
  if (it->key().size() != kTimePrefix.size() + 8 || !HasPrefix(it->key(), AsBytes(kTimePrefix))) {
    return std::optional<uint64_t>();
  }
  codec::Reader r(it->value());
  uint64_t height = 0;
  if (!r.U64(&height).ok() || !r.Finish().ok()) return Corrupt("block time index entry");
  return std::optional<uint64_t>(height);
}

Result<std::optional<Bytes>> ReadStateAsOf(const storage::KvStore& kv, std::string_view key,
                                           uint64_t height) {
  Bytes prefix = StateVersionPrefix(key);
  auto it = kv.NewIterator();
  it->Seek(StateVersionKey(key, height));
  if (!it->Valid()) {
    COVALUE_RETURN_IF_ERROR(it->status());
    return std::optional<Bytes>();
  }
  // Past the key's versions (or only newer ones exist): the key was absent at `height`.
  if (it->key().size() != prefix.size() + 8 || !HasPrefix(it->key(), prefix)) {
    return std::optional<Bytes>();
  }
  ByteView value = it->value();
  if (value.empty() || value[0] > 1 || (value[0] == 0 && value.size() != 1)) {
    return Corrupt("state version of '" + std::string(key) + "'");
  }
  if (value[0] == 0) return std::optional<Bytes>();
  return std::optional<Bytes>(Bytes(value.begin() + 1, value.end()));
}

}  // namespace covalue::node::indexes
