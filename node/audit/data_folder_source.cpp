#include "node/audit/data_folder_source.h"

#include "node/chain_indexes.h"
#include "node/storage/rocks_kv_store.h"

namespace covalue::audit {

DataFolderSource::~DataFolderSource() {
  m_store.reset();  // borrows m_kv
}

Result<std::unique_ptr<DataFolderSource>> DataFolderSource::Open(const std::string& path,
                                                                 const ledger::Genesis& genesis) {
  storage::RocksOptions options;
  options.read_only = true;
  options.create_if_missing = false;
  options.background_threads = 1;
  COVALUE_ASSIGN_OR_RETURN(auto kv, storage::RocksKvStore::Open(path, options));
  std::unique_ptr<DataFolderSource> source(new DataFolderSource(path, std::move(kv)));
  const storage::KvStore& store = *source->m_kv;
  // The records ChainStore::Initialize relies on are checked here first, by name: on a folder
  // without them Initialize would start a chain or upgrade the folder (docs/spec/storage.md
  // §Genesis initialisation), which a read-only store refuses with a less useful message.
  COVALUE_ASSIGN_OR_RETURN(auto stored_genesis, store.Get(AsBytes("meta/genesis")));
  if (!stored_genesis) {
    auto any = store.NewIterator();
    any->SeekToFirst();
    COVALUE_RETURN_IF_ERROR(any->status());
    if (!any->Valid()) {
      return Status(Code::kNotFound, "the data folder " + path + " holds no chain");
    }
    return Status(Code::kCorruption,
                  "the data folder " + path +
                      " holds data but no meta/genesis record (the hash of the genesis its "
                      "chain started from): it is not a covalue chain store, or that record "
                      "was lost");
  }
  COVALUE_ASSIGN_OR_RETURN(auto versions_from, node::indexes::ReadIndexMeta(store));
  if (!versions_from) {
    return Status(Code::kFailedPrecondition,
                  "the data folder " + path +
                      " predates the index layout (it has no meta/indexes record), so its "
                      "derived data cannot be compared; `covalue audit verify --node ADDR` "
                      "checks the same chain over its node's API");
  }
  // No recent transaction ids: this store is read, never checked for replays.
  source->m_store = std::make_unique<node::ChainStore>(*source->m_kv, node::ChainStore::kStateCacheBytes,
                                                       /*recent_tx_ids=*/0);
  // With meta/genesis and meta/indexes present, Initialize only reads: the stored genesis
  // hash (kConflict for another genesis), the head, the consensus WAL's keys and the Merkle
  // log's frontier.
  COVALUE_RETURN_IF_ERROR(source->m_store->Initialize(genesis));
  node::ChainHead head = source->m_store->Head();
  source->m_range.first = 1;
  source->m_range.last = head.height;
  source->m_range.claimed_head = head;
  return source;
}

Result<ledger::Block> DataFolderSource::ReadBlock(uint64_t height) {
  auto read = m_store->GetBlock(height);
  if (read.status().code() == Code::kCorruption) {  // "block H: <the decoder's complaint>"
    std::string message = read.status().message();
    std::string name = "block " + std::to_string(height) + ": ";
    if (message.rfind(name, 0) == 0) message.erase(0, name.size());
    return Status(Code::kCorruption, name + "its bytes do not decode: " + message);
  }
  COVALUE_ASSIGN_OR_RETURN(auto block, std::move(read));
  if (!block) {
    return Status(Code::kNotFound, "block " + std::to_string(height) + ": missing");
  }
  COVALUE_RETURN_IF_ERROR(CheckHeldHeight(height, *block));
  return std::move(*block);
}

}  // namespace covalue::audit
