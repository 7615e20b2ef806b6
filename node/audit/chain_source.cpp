#include "node/audit/chain_source.h"

#include "node/storage/rocks_kv_store.h"

namespace covalue::audit {

namespace {

Status CheckHeldHeight(uint64_t height, const ledger::Block& block) {
  if (block.header.height == height) return Status::Ok();
  return Status(Code::kCorruption, "block " + std::to_string(height) +
                                       ": the bytes held for it are block " +
                                       std::to_string(block.header.height));
}

}  // namespace

Result<ledger::Block> DecodeBlockAt(uint64_t height, ByteView bytes) {
  auto block = ledger::DecodeBlock(bytes);
  if (!block.ok()) {
    return Status(Code::kCorruption, "block " + std::to_string(height) +
                                         ": its bytes do not decode: " + block.status().message());
  }
  COVALUE_RETURN_IF_ERROR(CheckHeldHeight(height, *block));
  return std::move(block).value();
}

// --- DataFolderSource ---------------------------------------------------------------------

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
  source->m_store = std::make_unique<node::ChainStore>(*source->m_kv);
  // On a folder with a chain in the current layout, Initialize only reads: the stored genesis
  // hash (kConflict for another genesis) and the head. It would write to an empty folder, or
  // to upgrade an older layout's indexes, which read-only refuses.
  Status initialized = source->m_store->Initialize(genesis);
  if (initialized.code() == Code::kPermissionDenied) {
    auto any = source->m_kv->NewIterator();
    any->SeekToFirst();
    if (!any->Valid()) return Status(Code::kNotFound, "the data folder " + path + " holds no chain");
    return Status(Code::kFailedPrecondition,
                  "the data folder " + path +
                      " is in an older layout: start its node once (it upgrades the folder), "
                      "then audit it");
  }
  COVALUE_RETURN_IF_ERROR(initialized);
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

// --- ApiChainSource -----------------------------------------------------------------------

Result<node::ChainHead> ChainHeadFromStatus(const node::Json& status) {
  node::ChainHead head;
  COVALUE_ASSIGN_OR_RETURN(head.height, node::UintField(status, "height"));
  COVALUE_ASSIGN_OR_RETURN(head.block_id, node::Hash32Field(status, "block_id"));
  if (!status.contains("time_ms") || !status["time_ms"].is_number_integer()) {
    return Status(Code::kMalformed, "status: field 'time_ms' must be an integer");
  }
  head.time_ms = status["time_ms"].get<int64_t>();
  COVALUE_ASSIGN_OR_RETURN(head.state_root, node::Hash32Field(status, "state_root"));
  COVALUE_ASSIGN_OR_RETURN(head.log_size, node::UintField(status, "log_size"));
  COVALUE_ASSIGN_OR_RETURN(head.log_root, node::Hash32Field(status, "log_root"));
  return head;
}

Result<std::unique_ptr<ApiChainSource>> ApiChainSource::Open(std::string address, JsonFetcher fetch,
                                                             const ledger::Genesis& genesis) {
  std::unique_ptr<ApiChainSource> source(new ApiChainSource(std::move(address), std::move(fetch)));
  COVALUE_ASSIGN_OR_RETURN(node::Json status, source->m_fetch("/v1/status"));
  COVALUE_ASSIGN_OR_RETURN(Hash32 genesis_hash, node::Hash32Field(status, "genesis_hash"));
  if (genesis_hash != ledger::GenesisHash(genesis)) {
    return Status(Code::kConflict, "node " + source->m_address +
                                       " serves the chain of another genesis (" +
                                       ToHex(genesis_hash) + ")");
  }
  COVALUE_ASSIGN_OR_RETURN(node::ChainHead head, ChainHeadFromStatus(status));
  source->m_range.first = 1;
  source->m_range.last = head.height;
  source->m_range.claimed_head = head;
  return source;
}

Result<ledger::Block> ApiChainSource::ReadBlock(uint64_t height) {
  while (!m_fetched.empty() && m_fetched.front().first < height) m_fetched.pop_front();
  if (m_fetched.empty()) {
    uint64_t count = std::min(kBatch, m_range.last >= height ? m_range.last - height + 1 : 1);
    COVALUE_ASSIGN_OR_RETURN(node::Json answer, m_fetch("/v1/blocks/" + std::to_string(height) +
                                                        "/encoded?count=" + std::to_string(count)));
    if (!answer.contains("blocks") || !answer["blocks"].is_array()) {
      return Status(Code::kMalformed, "encoded blocks answer has no 'blocks' list");
    }
    for (const auto& entry : answer["blocks"]) {
      COVALUE_ASSIGN_OR_RETURN(uint64_t at, node::UintField(entry, "height"));
      COVALUE_ASSIGN_OR_RETURN(std::string hex, node::StringField(entry, "block"));
      auto bytes = FromHex(hex);
      if (!bytes.ok())
        return Status(Code::kMalformed, "block " + std::to_string(at) + " is not hex");
      m_fetched.emplace_back(at, std::move(bytes).value());
    }
  }
  if (m_fetched.empty() || m_fetched.front().first != height) {
    return Status(Code::kNotFound,
                  "block " + std::to_string(height) + ": the node did not send it");
  }
  Bytes bytes = std::move(m_fetched.front().second);
  m_fetched.pop_front();
  return DecodeBlockAt(height, bytes);
}

}  // namespace covalue::audit
