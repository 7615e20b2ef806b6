// BundleChainSource: a ChainSource over an audit bundle file (docs/spec/audit-bundle.md),
// read as a stream — the header frames when opened, then one block frame per ReadBlock, so a
// bundle of any length needs memory for one block. Its genesis and anchor (info()) are for
// reading only: the caller compares the genesis with the auditor's own. The source owns the
// open file. Thread-compatible: one thread at a time.
#pragma once

#include <cstdint>
#include <fstream>
#include <memory>
#include <string>

#include "node/audit/bundle_format.h"
#include "node/audit/chain_source.h"

namespace covalue::audit {

class BundleChainSource final : public ChainSource {
 public:
  // Reads the bundle's header frames: kNotFound if `path` cannot be opened, kMalformed for a
  // file that is not a bundle (or is damaged there), kUnsupportedVersion for another version.
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

}  // namespace covalue::audit
