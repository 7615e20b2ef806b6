// BundleWriter: writes an audit bundle (docs/spec/audit-bundle.md) as a stream — the genesis
// and range frames when created, then one block frame per Append, so the blocks are never
// all in memory. The file is written as PATH.part, fsynced, renamed to PATH and the folder
// fsynced by Finish, so a bundle that exists under its name is whole and durable.
// The writer owns the part file (removed if it is destroyed unfinished). Thread-compatible.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "ledger/block.h"
#include "node/audit/bundle_format.h"

namespace covalue::audit {

class BundleWriter {
 public:
  // Starts `path` + ".part" with the genesis and range frames; kInvalidArgument for an
  // `info` that CheckBundleInfo refuses, kIoError if the file cannot be written.
  static Result<std::unique_ptr<BundleWriter>> Create(const std::string& path,
                                                      const BundleInfo& info);
  // Appends the next block (from, from+1, …); kInvalidArgument for another height.
  Status Append(const ledger::Block& block);
  // After block `to`: fsyncs the part file, renames it into place and fsyncs the folder.
  // kFailedPrecondition before block `to`.
  Status Finish();
  ~BundleWriter();  // an unfinished bundle's part file is removed

  BundleWriter(const BundleWriter&) = delete;
  BundleWriter& operator=(const BundleWriter&) = delete;

 private:
  BundleWriter(std::string path, uint64_t next, uint64_t to)
      : m_path(std::move(path)), m_next(next), m_to(to) {}
  std::string part_path() const { return m_path + ".part"; }
  Status WriteAll(ByteView bytes);
  Status WriteFrame(ByteView payload);
  std::string m_path;
  int m_fd = -1;          // the part file, open until Finish
  bool m_opened = false;  // the part file was created (so it is ours to remove)
  uint64_t m_next;
  uint64_t m_to;
  bool m_finished = false;
};

}  // namespace covalue::audit
