// RocksKvStore: the KvStore on disk, backed by RocksDB (kept behind a pimpl so that only
// covalue_storage sees RocksDB headers). It owns the open database and its folder lock.
// Thread-safe: Get, Write and NewIterator may be called from several threads at once.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "node/storage/kv_store.h"

namespace covalue::storage {

struct RocksOptions {
  bool create_if_missing = true;
  // Shared block cache for uncompressed data blocks.
  size_t block_cache_bytes = 64u << 20;
  // Bloom filter bits per key (about 1% false positives at 10); 0 disables the filter.
  int bloom_bits_per_key = 10;
  // Data blocks of this size, compressed with zstd: 16 KiB blocks let zstd find the keys,
  // ids and field names that repeat between neighbouring entries — 22% smaller than 4 KiB
  // blocks with snappy (BENCHMARKS.md §Bytes on disk).
  size_t block_bytes = 16u << 10;
  // Background flush/compaction threads.
  int background_threads = 2;
  // Runs RocksDB's flushes and compactions at the lowest CPU priority (nice 19), so that
  // on a busy machine they take the CPU the node's own threads leave (BENCHMARKS.md,
  // change 18). If they fall behind, RocksDB slows and then stops writes until they catch
  // up (its write stall): the node's back-pressure. Process-wide and one-way: it lowers the
  // pools of RocksDB's default Env, which every store of the process shares.
  bool background_at_low_priority = true;
  // Opens the database read-only (rocksdb::DB::OpenForReadOnly): no folder lock, so it works
  // beside a running node or on a copy, and reads the store as it was when opened (for the
  // auditor's kit). Write fails with kPermissionDenied; create_if_missing is ignored.
  bool read_only = false;
};

class RocksKvStore final : public KvStore {
 public:
  // Opens (and, with create_if_missing, creates) the database in folder `path`.
  // kUnavailable if another process or RocksKvStore holds it open, kCorruption if its
  // files are damaged, kNotFound if it is missing and create_if_missing is false,
  // kIoError otherwise. With options.read_only no lock is taken (see RocksOptions).
  static Result<std::unique_ptr<RocksKvStore>> Open(const std::string& path,
                                                    const RocksOptions& options = {});

  // Flushes the memtables (unless read-only), so that the folder is left without a write-ahead
  // log to replay, then closes the database and releases the folder lock. Every iterator must
  // be gone.
  ~RocksKvStore() override;
  RocksKvStore(const RocksKvStore&) = delete;
  RocksKvStore& operator=(const RocksKvStore&) = delete;

  Result<std::optional<Bytes>> Get(ByteView key) const override;
  Status Write(const WriteBatch& batch, bool sync) override;
  std::unique_ptr<KvIterator> NewIterator() const override;

  const std::string& path() const { return m_path; }
  // Flushes the memtables and compacts every level into the bottom one: the store at rest,
  // without its write-ahead log or overlapping files (what the benchmark measures as bytes
  // per transaction). Rewrites the whole store; not called by the node.
  Status CompactAll();

 private:
  struct Impl;
  RocksKvStore(std::string path, std::unique_ptr<Impl> impl);

  std::string m_path;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace covalue::storage
