// ChainSource: the interface through which the auditor's kit reads a chain — blocks with
// their commit certificates by height, and what the source claims its head is. Implemented
// by DataFolderSource (data_folder_source.h), ApiChainSource (api_chain_source.h) and
// BundleChainSource (bundle_chain_source.h). Nothing a source says is trusted: the genesis
// comes from the auditor and ChainVerifier (chain_verifier.h) checks every block.
// A source owns what it opens and is used by one thread at a time (thread-compatible).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "ledger/block.h"
#include "node/chain_store.h"
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

// Decodes the bytes held as block `height`: kCorruption "block H: its bytes do not decode: …",
// or (CheckHeldHeight) when they are the block of another height.
Result<ledger::Block> DecodeBlockAt(uint64_t height, ByteView bytes);
// kCorruption "block H: the bytes held for it are block G" unless `block` is at `height`.
Status CheckHeldHeight(uint64_t height, const ledger::Block& block);

}  // namespace covalue::audit
