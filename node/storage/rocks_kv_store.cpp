#include "node/storage/rocks_kv_store.h"

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/iterator.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <system_error>
#include <utility>
#include <vector>

namespace covalue::storage {
namespace {

rocksdb::Slice ToSlice(ByteView bytes) {
  return rocksdb::Slice(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

ByteView FromSlice(const rocksdb::Slice& slice) {
  return ByteView(reinterpret_cast<const uint8_t*>(slice.data()), slice.size());
}

// RocksDB reports a held folder lock as an IOError whose text mentions the lock:
// "lock hold by current process ..." (same process) or "While lock file: .../LOCK: ..."
// (another process).
bool IsLockError(const rocksdb::Status& status) {
  if (!status.IsIOError()) return false;
  const std::string text = status.ToString();
  return text.find("lock hold by current process") != std::string::npos ||
         text.find("While lock file") != std::string::npos;
}

Status FromRocks(const rocksdb::Status& status, std::string_view context) {
  if (status.ok()) return Status::Ok();
  std::string message = std::string(context) + ": " + status.ToString();
  if (status.IsCorruption()) return Status(Code::kCorruption, std::move(message));
  if (status.IsNotFound() || status.IsPathNotFound()) {
    return Status(Code::kNotFound, std::move(message));
  }
  return Status(Code::kIoError, std::move(message));
}

class RocksKvIterator final : public KvIterator {
 public:
  explicit RocksKvIterator(std::unique_ptr<rocksdb::Iterator> iterator)
      : m_iterator(std::move(iterator)) {}

  void Seek(ByteView key) override {
    if (key.empty()) {
      m_iterator->SeekToFirst();
    } else {
      m_iterator->Seek(ToSlice(key));
    }
  }
  bool Valid() const override { return m_iterator->Valid(); }
  void Next() override {
    if (m_iterator->Valid()) m_iterator->Next();
  }
  ByteView key() const override { return FromSlice(m_iterator->key()); }
  ByteView value() const override { return FromSlice(m_iterator->value()); }
  Status status() const override { return FromRocks(m_iterator->status(), "iterating the store"); }

 private:
  std::unique_ptr<rocksdb::Iterator> m_iterator;
};

}  // namespace

struct RocksKvStore::Impl {
  std::unique_ptr<rocksdb::DB> db;
  bool read_only = false;
};

RocksKvStore::RocksKvStore(std::string path, std::unique_ptr<Impl> impl)
    : m_path(std::move(path)), m_impl(std::move(impl)) {}

RocksKvStore::~RocksKvStore() {
  if (m_impl && m_impl->db) {
    // The memtables are flushed first, so that the next open (a restart, an audit of the
    // folder) need not replay the write-ahead log into them: about 0.8 s per 64 MiB
    // memtable (BENCHMARKS.md). Best effort: if the flush fails the log still holds it all.
    // Close() waits for background work. Neither status has anywhere to go from a
    // destructor, and every Write that promised durability (sync) has already reached disk.
    if (!m_impl->read_only) (void)m_impl->db->Flush(rocksdb::FlushOptions());
    (void)m_impl->db->Close();
    m_impl->db.reset();
  }
}

Result<std::unique_ptr<RocksKvStore>> RocksKvStore::Open(const std::string& path,
                                                         const RocksOptions& options) {
  if (path.empty()) return Status(Code::kInvalidArgument, "store path is empty");
  if (options.create_if_missing && !options.read_only) {
    std::error_code error;
    std::filesystem::create_directories(path, error);
    if (error) {
      return Status(Code::kIoError, "cannot create store folder " + path + ": " + error.message());
    }
  }

  rocksdb::Options db_options;
  db_options.create_if_missing = options.create_if_missing && !options.read_only;
  db_options.paranoid_checks = true;
  if (options.background_threads > 1) db_options.IncreaseParallelism(options.background_threads);
  db_options.compression = rocksdb::kZSTD;
  if (options.background_at_low_priority && !options.read_only) {
    // The flush pool and the compaction pool. Best effort: an Env that cannot
    // (NotSupported) leaves them as they are.
    for (auto pool : {rocksdb::Env::Priority::HIGH, rocksdb::Env::Priority::LOW}) {
      db_options.env->LowerThreadPoolCPUPriority(pool, rocksdb::CpuPriority::kLow)
          .PermitUncheckedError();
    }
  }

  rocksdb::BlockBasedTableOptions table_options;
  table_options.block_size = options.block_bytes;
  if (options.block_cache_bytes > 0) {
    table_options.block_cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  }
  if (options.bloom_bits_per_key > 0) {
    table_options.filter_policy.reset(rocksdb::NewBloomFilterPolicy(options.bloom_bits_per_key));
  }
  db_options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table_options));

  rocksdb::DB* raw_db = nullptr;
  rocksdb::Status status = options.read_only
                               ? rocksdb::DB::OpenForReadOnly(db_options, path, &raw_db)
                               : rocksdb::DB::Open(db_options, path, &raw_db);
  std::unique_ptr<rocksdb::DB> db(raw_db);
  if (!status.ok()) {
    if (IsLockError(status)) {
      return Status(Code::kUnavailable,
                    "store " + path +
                        " is already open (another covalue process, or another store in "
                        "this one, holds its lock): " +
                        status.ToString());
    }
    if (status.IsInvalidArgument() && !db_options.create_if_missing) {
      // RocksDB reports "does not exist (create_if_missing is false)" as InvalidArgument.
      return Status(Code::kNotFound, "store " + path + " does not exist: " + status.ToString());
    }
    return FromRocks(status, "opening store " + path);
  }
  auto impl = std::make_unique<Impl>();
  impl->db = std::move(db);
  impl->read_only = options.read_only;
  return std::unique_ptr<RocksKvStore>(new RocksKvStore(path, std::move(impl)));
}

Status RocksKvStore::CompactAll() {
  COVALUE_RETURN_IF_ERROR(FromRocks(m_impl->db->Flush(rocksdb::FlushOptions()), "flushing the store"));
  rocksdb::CompactRangeOptions options;
  options.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  return FromRocks(m_impl->db->CompactRange(options, nullptr, nullptr), "compacting the store");
}

Result<std::optional<Bytes>> RocksKvStore::Get(ByteView key) const {
  rocksdb::PinnableSlice value;
  rocksdb::Status status = m_impl->db->Get(rocksdb::ReadOptions(),
                                           m_impl->db->DefaultColumnFamily(), ToSlice(key), &value);
  if (status.IsNotFound()) return std::optional<Bytes>();
  if (!status.ok()) return FromRocks(status, "reading the store");
  ByteView view = FromSlice(value);
  return std::optional<Bytes>(Bytes(view.begin(), view.end()));
}

Status RocksKvStore::Write(const WriteBatch& batch, bool sync) {
  if (m_impl->read_only) {
    return Status(Code::kPermissionDenied, "store " + m_path + " is open read-only");
  }
  // In key order (stable: a later operation on the same key still comes later, and wins).
  // The memtable's skip list keeps where its last insert went and starts the next search
  // there, so inserts in order search only the levels where neighbouring keys differ.
  const std::vector<WriteBatch::Op>& ops = batch.ops();
  std::vector<size_t> order(ops.size());
  // RocksDB's encoding of the batch, reserved at once rather than grown by doubling (a block
  // of 2,000 transactions is a few MB, and each doubling copied it into fresh pages): a
  // 12-byte header, and per operation a tag, two varint lengths (up to 5 bytes each), the key
  // and the value.
  size_t encoded_bytes = 12;
  for (size_t i = 0; i < order.size(); ++i) {
    order[i] = i;
    encoded_bytes += 11 + ops[i].key.size() + ops[i].value.size();
  }
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return CompareBytes(ops[a].key, ops[b].key) < 0;
  });
  rocksdb::WriteBatch rocks_batch(encoded_bytes);
  for (size_t i : order) {
    const WriteBatch::Op& op = ops[i];
    rocksdb::Status status = op.kind == WriteBatch::OpKind::kPut
                                 ? rocks_batch.Put(ToSlice(op.key), ToSlice(op.value))
                                 : rocks_batch.Delete(ToSlice(op.key));
    if (!status.ok()) return FromRocks(status, "building a write batch");
  }
  rocksdb::WriteOptions write_options;
  write_options.sync = sync;
  return FromRocks(m_impl->db->Write(write_options, &rocks_batch), "writing the store");
}

std::unique_ptr<KvIterator> RocksKvStore::NewIterator() const {
  // With no explicit snapshot, a RocksDB iterator reads the implicit snapshot taken when it
  // is created.
  return std::make_unique<RocksKvIterator>(
      std::unique_ptr<rocksdb::Iterator>(m_impl->db->NewIterator(rocksdb::ReadOptions())));
}

}  // namespace covalue::storage
