// ChainSource: where the auditor's kit reads a chain — blocks with their commit certificates
// by height, and what the source claims its head is — from a node's data folder
// (DataFolderSource: RocksDB opened read-only, so beside a running node or on a copy), from a
// node's HTTP API (ApiChainSource) or from an audit bundle (bundle.h). Nothing a source says
// is trusted: the genesis comes from the auditor and chain_verifier.h checks every block.
// A source is used by one thread at a time (thread-compatible); it owns what it opens.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "ledger/block.h"
#include "ledger/genesis.h"
#include "node/chain_store.h"
#include "node/json_fields.h"
#include "node/storage/kv_store.h"

namespace covalue::audit {

// The blocks a source offers: heights first..last, and what it claims the head at `last` is
// (a data folder's stored head, a node's /v1/status); checked against block `last`.
struct SourceRange {
  uint64_t first = 1;
  uint64_t last = 0;  // 0: no blocks
  std::optional<node::ChainHead> claimed_head;
};

class ChainSource {
 public:
  virtual ~ChainSource() = default;
  // For the report: "data folder /var/covalue/db", "node 127.0.0.1:26680", "bundle q2.cvb".
  virtual std::string Describe() const = 0;
  virtual const SourceRange& range() const = 0;
  // The block at `height` (first <= height <= last), certificate included, as the source
  // holds it. kCorruption when its bytes do not decode, kNotFound when it is missing; the
  // message starts "block H: ". Heights are asked for in increasing order, each once.
  virtual Result<ledger::Block> ReadBlock(uint64_t height) = 0;
  // The source's own key-value store, when it has one (a data folder): the verifier then also
  // compares the node's derived data (state, indexes, log nodes) with its replay.
  virtual const storage::KvStore* stored_kv() const { return nullptr; }
};

// A node's data folder (its RocksDB `data_dir`), opened read-only. kConflict if it holds the
// chain of another genesis, kNotFound if there is no store at `path`.
class DataFolderSource final : public ChainSource {
 public:
  static Result<std::unique_ptr<DataFolderSource>> Open(const std::string& path,
                                                        const ledger::Genesis& genesis);
  ~DataFolderSource() override;

  std::string Describe() const override { return "data folder " + m_path; }
  const SourceRange& range() const override { return m_range; }
  Result<ledger::Block> ReadBlock(uint64_t height) override;
  const storage::KvStore* stored_kv() const override { return m_kv.get(); }

 private:
  DataFolderSource(std::string path, std::unique_ptr<storage::KvStore> kv)
      : m_path(std::move(path)), m_kv(std::move(kv)) {}
  std::string m_path;
  std::unique_ptr<storage::KvStore> m_kv;
  std::unique_ptr<node::ChainStore> m_store;
  SourceRange m_range;
};

// GET `target` on a node's API and its JSON answer; an error answer becomes its Status
// (the CLI's NodeClient::Get, or a test's HTTP call).
using JsonFetcher = std::function<Result<node::Json>(const std::string& target)>;

// A node's API: /v1/status for the head (pinned when opened, so a live node may go on
// committing), GET /v1/blocks/{height}/encoded?count=N for the blocks' exact bytes, fetched
// in batches. kConflict if the node's genesis hash is not the auditor's.
class ApiChainSource final : public ChainSource {
 public:
  static Result<std::unique_ptr<ApiChainSource>> Open(std::string address, JsonFetcher fetch,
                                                      const ledger::Genesis& genesis);

  std::string Describe() const override { return "node " + m_address; }
  const SourceRange& range() const override { return m_range; }
  Result<ledger::Block> ReadBlock(uint64_t height) override;

  // Blocks asked for per request (the node may answer with fewer).
  static constexpr uint64_t kBatch = 100;

 private:
  ApiChainSource(std::string address, JsonFetcher fetch)
      : m_address(std::move(address)), m_fetch(std::move(fetch)) {}
  std::string m_address;
  JsonFetcher m_fetch;
  SourceRange m_range;
  std::deque<std::pair<uint64_t, Bytes>> m_fetched;  // (height, encoded block), in order
};

// A /v1/status answer's head fields as a ChainHead (for the claimed head).
Result<node::ChainHead> ChainHeadFromStatus(const node::Json& status);
// Decodes the bytes held as block `height`: kCorruption "block H: its bytes do not decode: …",
// or when they are the block of another height.
Result<ledger::Block> DecodeBlockAt(uint64_t height, ByteView bytes);

}  // namespace covalue::audit
