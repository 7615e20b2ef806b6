// Audit bundles (docs/spec/audit-bundle.md): one self-contained file with the genesis and the
// blocks from..to with their commit certificates — and, when from > 1, the certified block
// from−1 and the Merkle log's frontier at it — that `covalue audit verify-bundle` checks on a
// machine with no node. BundleWriter writes one (streaming: the blocks are never all in
// memory); BundleChainSource reads one as a ChainSource; ExportBundle fetches one from a
// node's API. Each object owns its file; thread-compatible.
#pragma once

#include <cstdint>
#include <fstream>
#include <memory>
#include <optional>
#include <string>

#include "node/audit/chain_source.h"
#include "node/audit/chain_verifier.h"

namespace covalue::audit {

inline constexpr std::string_view kBundleMagic = "covalue-audit-bundle";
inline constexpr uint16_t kBundleVersion = 1;
// The largest frame (a block, the genesis document, the range); above every block limit.
inline constexpr uint32_t kMaxBundleFrame = 64u << 20;

// What a bundle holds besides its blocks.
struct BundleInfo {
  ledger::Genesis genesis;
  uint64_t from = 1;
  uint64_t to = 0;
  std::optional<RangeAnchor> anchor;  // exactly when from > 1: block from−1
};

class BundleWriter {
 public:
  // Starts `path` + ".part"; kInvalidArgument unless 1 <= from <= to and the anchor is there
  // exactly when from > 1 (and is block from−1).
  static Result<std::unique_ptr<BundleWriter>> Create(const std::string& path,
                                                      const BundleInfo& info);
  // Appends the next block (from, from+1, …); kInvalidArgument for another height.
  Status Append(const ledger::Block& block);
  // After block `to`: flushes and renames the file into place. kFailedPrecondition earlier.
  Status Finish();
  ~BundleWriter();  // an unfinished bundle's part file is removed

 private:
  BundleWriter(std::string path, uint64_t next, uint64_t to)
      : m_path(std::move(path)), m_next(next), m_to(to) {}
  Status WriteFrame(ByteView payload);
  std::string m_path;
  std::ofstream m_out;
  uint64_t m_next;
  uint64_t m_to;
  bool m_finished = false;
};

class BundleChainSource final : public ChainSource {
 public:
  // Reads the bundle's header frames: kMalformed for a file that is not a bundle (or is
  // damaged there), kUnsupportedVersion for another version.
  static Result<std::unique_ptr<BundleChainSource>> Open(const std::string& path);

  const BundleInfo& info() const { return m_info; }
  std::string Describe() const override { return "bundle " + m_path; }
  const SourceRange& range() const override { return m_range; }
  // The next block frame; after block `to`, the file must end.
  Result<ledger::Block> ReadBlock(uint64_t height) override;

 private:
  explicit BundleChainSource(std::string path) : m_path(std::move(path)) {}
  Result<Bytes> ReadFrame(const std::string& what);
  std::string m_path;
  std::ifstream m_in;
  BundleInfo m_info;
  SourceRange m_range;
};

// Fetches blocks from..to (and for from > 1 the anchor: block from−1 and the log frontier
// at it, GET /v1/log/frontier) and the genesis (GET /v1/genesis) from a node's API and
// writes them to `path`. kInvalidArgument unless 1 <= from <= to <= the node's head.
Status ExportBundle(const std::string& address, const JsonFetcher& fetch, uint64_t from,
                    uint64_t to, const std::string& path);

}  // namespace covalue::audit
