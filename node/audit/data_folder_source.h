// DataFolderSource: a ChainSource over a node's data folder (its RocksDB `data_dir`), opened
// read-only — no lock is taken and nothing is written, so it works beside a running node or
// on a copy. It reads blocks through a ChainStore and offers its store for the comparison of
// the node's derived data with the replay (chain_verifier.h). It owns the store it opens.
// Thread-compatible: one thread at a time.
#pragma once

#include <memory>
#include <string>

#include "ledger/genesis.h"
#include "node/audit/chain_source.h"
#include "node/chain_store.h"
#include "node/storage/kv_store.h"

namespace covalue::audit {

class DataFolderSource final : public ChainSource {
 public:
  // Opens the folder at `path` and checks what it holds, changing nothing: kNotFound if there
  // is no store or no chain in it; kCorruption if it holds data but no meta/genesis record;
  // kConflict if it holds the chain of another genesis; kFailedPrecondition if it predates
  // the index layout (no meta/indexes: audit its node with --node instead);
  // kUnsupportedVersion for a newer index layout.
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
  std::unique_ptr<node::ChainStore> m_store;  // borrows m_kv
  SourceRange m_range;
};

}  // namespace covalue::audit
