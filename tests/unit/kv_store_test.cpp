// KvStore behaviour, run against both MemoryKvStore and RocksKvStore; then what only one
// of them does (RocksDB durability and folder locking, MemoryKvStore crash simulation).
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>

#include "tests/support/temp_dir.h"
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "node/storage/kv_store.h"
#include "node/storage/memory_kv_store.h"
#include "node/storage/rocks_kv_store.h"

extern char** environ;

namespace covalue::storage {
namespace {

using covalue::testing::TempDir;

// Fixtures: each makes one store of its kind, to run the same tests against both.
struct MemoryFixture {
  MemoryKvStore store;
  KvStore& kv() { return store; }
};

struct RocksFixture {
  TempDir dir;
  std::unique_ptr<RocksKvStore> store;
  RocksFixture() {
    auto opened = RocksKvStore::Open(dir.Sub("db"));
    REQUIRE(opened.ok());
    store = std::move(opened).value();
  }
  KvStore& kv() { return *store; }
};

Bytes B(std::string_view s) {
  return Bytes(s.begin(), s.end());
}

std::optional<std::string> GetString(const KvStore& kv, std::string_view key) {
  auto result = kv.Get(AsBytes(key));
  REQUIRE(result.ok());
  if (!result.value()) return std::nullopt;
  return std::string(AsString(*result.value()));
}

Status PutOne(KvStore& kv, std::string_view key, std::string_view value, bool sync = false) {
  WriteBatch batch;
  batch.Put(AsBytes(key), AsBytes(value));
  return kv.Write(batch, sync);
}

// Every (key, value) from `from` onwards, in iteration order.
std::vector<std::pair<Bytes, Bytes>> Scan(const KvStore& kv, ByteView from = {}) {
  std::vector<std::pair<Bytes, Bytes>> out;
  auto it = kv.NewIterator();
  for (it->Seek(from); it->Valid(); it->Next()) {
    out.emplace_back(Bytes(it->key().begin(), it->key().end()),
                     Bytes(it->value().begin(), it->value().end()));
  }
  REQUIRE(it->status().ok());
  return out;
}

}  // namespace

TEMPLATE_TEST_CASE("put, get and delete", "[kv_store]", MemoryFixture, RocksFixture) {
  TestType fixture;
  KvStore& kv = fixture.kv();

  CHECK(GetString(kv, "missing") == std::nullopt);
  REQUIRE(PutOne(kv, "alpha", "1").ok());
  CHECK(GetString(kv, "alpha") == "1");

  REQUIRE(PutOne(kv, "alpha", "2", /*sync=*/true).ok());
  CHECK(GetString(kv, "alpha") == "2");

  // Empty values are values, not absence.
  REQUIRE(PutOne(kv, "empty", "").ok());
  CHECK(GetString(kv, "empty") == "");

  // Binary keys, including zero bytes.
  const Bytes binary_key = {0x00, 0xff, 0x00};
  WriteBatch batch;
  batch.Put(binary_key, B("bin"));
  REQUIRE(kv.Write(batch, false).ok());
  auto got = kv.Get(binary_key);
  REQUIRE(got.ok());
  REQUIRE(got.value().has_value());
  CHECK(*got.value() == B("bin"));

  WriteBatch deletes;
  deletes.Delete(AsBytes("alpha"));
  deletes.Delete(AsBytes("never-written"));  // deleting an absent key is not an error
  REQUIRE(kv.Write(deletes, false).ok());
  CHECK(GetString(kv, "alpha") == std::nullopt);
  CHECK(GetString(kv, "empty") == "");

  // An empty batch is a successful no-op.
  REQUIRE(kv.Write(WriteBatch(), true).ok());
}

TEMPLATE_TEST_CASE("a batch applies its operations in order", "[kv_store]", MemoryFixture,
                   RocksFixture) {
  TestType fixture;
  KvStore& kv = fixture.kv();
  REQUIRE(PutOne(kv, "old", "x").ok());

  WriteBatch batch;
  batch.Put(AsBytes("k"), AsBytes("first"));
  batch.Put(AsBytes("k"), AsBytes("second"));
  batch.Put(AsBytes("gone"), AsBytes("v"));
  batch.Delete(AsBytes("gone"));
  batch.Delete(AsBytes("old"));
  batch.Put(AsBytes("old"), AsBytes("new"));
  CHECK(batch.size() == 6);
  CHECK_FALSE(batch.empty());
  REQUIRE(kv.Write(batch, true).ok());

  CHECK(GetString(kv, "k") == "second");
  CHECK(GetString(kv, "gone") == std::nullopt);
  CHECK(GetString(kv, "old") == "new");

  batch.Clear();
  CHECK(batch.empty());

  // Operations on one key spread among many others, keys out of order: a store may apply a
  // batch in any order of keys, but never reorder the operations on one key.
  for (int i = 0; i < 100; ++i) {
    batch.Put(AsBytes("k"), AsBytes(std::to_string(i)));
    batch.Put(AsBytes("other-" + std::to_string(99 - i)), AsBytes("v"));
    if (i % 2 == 0) batch.Delete(AsBytes("flip"));
    if (i % 2 == 1) batch.Put(AsBytes("flip"), AsBytes(std::to_string(i)));
  }
  batch.Delete(AsBytes("other-0"));
  REQUIRE(kv.Write(batch, true).ok());
  CHECK(GetString(kv, "k") == "99");
  CHECK(GetString(kv, "flip") == "99");
  CHECK(GetString(kv, "other-0") == std::nullopt);
  CHECK(GetString(kv, "other-1") == "v");
}

TEMPLATE_TEST_CASE("WriteMoved applies a batch as Write does", "[kv_store]", MemoryFixture,
                   RocksFixture) {
  TestType copied_fixture;
  TestType moved_fixture;
  KvStore& copied = copied_fixture.kv();
  KvStore& moved = moved_fixture.kv();
  for (KvStore* kv : {&copied, &moved}) {
    REQUIRE(PutOne(*kv, "old", "x").ok());
    REQUIRE(PutOne(*kv, "kept", "y").ok());
  }
  // Overwrites, deletes of present and absent keys, one key among many, built both ways.
  WriteBatch batch;
  for (int i = 0; i < 50; ++i) {
    batch.Put(B("k"), B(std::to_string(i)));  // moved in: a key and a value made for it
    batch.Put(AsBytes("other-" + std::to_string(49 - i)), AsBytes("v"));
  }
  batch.Delete(AsBytes("old"));
  batch.Delete(AsBytes("never-written"));
  batch.Put(AsBytes("gone"), AsBytes("v"));
  batch.Delete(AsBytes("gone"));
  REQUIRE(copied.Write(batch, true).ok());
  REQUIRE(moved.WriteMoved(std::move(batch), true).ok());

  CHECK(GetString(moved, "k") == "49");
  CHECK(GetString(moved, "old") == std::nullopt);
  CHECK(GetString(moved, "gone") == std::nullopt);
  CHECK(GetString(moved, "kept") == "y");
  CHECK(GetString(moved, "other-0") == "v");
  CHECK(Scan(moved) == Scan(copied));
}

TEMPLATE_TEST_CASE("iteration is in bytewise order and Seek finds the first key at or after",
                   "[kv_store]", MemoryFixture, RocksFixture) {
  TestType fixture;
  KvStore& kv = fixture.kv();
  CHECK(Scan(kv).empty());

  // Written out of order; includes a prefix pair, a zero byte and a high byte.
  const std::vector<Bytes> keys_in_order = {B("a"),           Bytes{'a', 0x00}, B("ab"),    B("b"),
                                            Bytes{'b', 0x7f}, Bytes{'b', 0x80}, Bytes{0xff}};
  WriteBatch batch;
  for (size_t i = keys_in_order.size(); i-- > 0;) {
    batch.Put(keys_in_order[i], B("v" + std::to_string(i)));
  }
  REQUIRE(kv.Write(batch, false).ok());

  auto all = Scan(kv);
  REQUIRE(all.size() == keys_in_order.size());
  for (size_t i = 0; i < all.size(); ++i) {
    CHECK(all[i].first == keys_in_order[i]);
    CHECK(all[i].second == B("v" + std::to_string(i)));
  }

  auto from_ab = Scan(kv, AsBytes("ab"));  // exact hit
  REQUIRE(from_ab.size() == 5);
  CHECK(from_ab.front().first == B("ab"));

  auto from_aa = Scan(kv, AsBytes("aa"));  // between keys
  REQUIRE_FALSE(from_aa.empty());
  CHECK(from_aa.front().first == B("ab"));

  const Bytes past_end = {0xff, 0x00};
  CHECK(Scan(kv, past_end).empty());

  // Re-seeking an iterator moves it back.
  auto it = kv.NewIterator();
  it->Seek(AsBytes("b"));
  REQUIRE(it->Valid());
  it->SeekToFirst();
  REQUIRE(it->Valid());
  CHECK(Bytes(it->key().begin(), it->key().end()) == B("a"));
}

TEMPLATE_TEST_CASE("an iterator reads the snapshot taken when it was made", "[kv_store]",
                   MemoryFixture, RocksFixture) {
  TestType fixture;
  KvStore& kv = fixture.kv();
  REQUIRE(PutOne(kv, "a", "1").ok());
  REQUIRE(PutOne(kv, "c", "3").ok());

  auto it = kv.NewIterator();
  WriteBatch later;
  later.Put(AsBytes("b"), AsBytes("2"));
  later.Put(AsBytes("a"), AsBytes("changed"));
  later.Delete(AsBytes("c"));
  REQUIRE(kv.Write(later, false).ok());

  std::vector<std::pair<std::string, std::string>> seen;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    seen.emplace_back(std::string(AsString(it->key())), std::string(AsString(it->value())));
  }
  REQUIRE(it->status().ok());
  CHECK(seen == std::vector<std::pair<std::string, std::string>>{{"a", "1"}, {"c", "3"}});
  CHECK(GetString(kv, "a") == "changed");
  CHECK(GetString(kv, "c") == std::nullopt);
}

TEMPLATE_TEST_CASE("readers on other threads never see half a batch", "[kv_store]", MemoryFixture,
                   RocksFixture) {
  TestType fixture;
  KvStore& kv = fixture.kv();
  constexpr int kWrites = 300;

  std::atomic<bool> done{false};
  std::atomic<int> torn{0};
  std::atomic<int> errors{0};
  auto reader = [&] {
    while (!done.load()) {
      auto it = kv.NewIterator();
      std::string left, right;
      for (it->SeekToFirst(); it->Valid(); it->Next()) {
        if (AsString(it->key()) == "left") left = AsString(it->value());
        if (AsString(it->key()) == "right") right = AsString(it->value());
      }
      if (!it->status().ok()) ++errors;
      if (left != right) ++torn;
      if (!kv.Get(AsBytes("left")).ok()) ++errors;
    }
  };
  std::thread reader_one(reader);
  std::thread reader_two(reader);
  for (int i = 0; i < kWrites; ++i) {
    WriteBatch batch;
    const std::string value = std::to_string(i);
    batch.Put(AsBytes("left"), AsBytes(value));
    batch.Put(AsBytes("middle-" + value), AsBytes(value));
    batch.Put(AsBytes("right"), AsBytes(value));
    if (!kv.Write(batch, false).ok()) {
      ++errors;
      break;
    }
  }
  done = true;
  reader_one.join();
  reader_two.join();
  CHECK(torn.load() == 0);
  CHECK(errors.load() == 0);
  CHECK(GetString(kv, "left") == std::to_string(kWrites - 1));
}

TEST_CASE("RocksKvStore keeps its data across close and reopen", "[kv_store][rocks]") {
  TempDir dir;
  const std::string path = dir.Sub("nested/db");  // missing parents are created
  {
    auto opened = RocksKvStore::Open(path);
    REQUIRE(opened.ok());
    auto& store = *opened.value();
    CHECK(store.path() == path);
    WriteBatch batch;
    batch.Put(AsBytes("synced"), AsBytes("yes"));
    batch.Put(AsBytes("deleted-later"), AsBytes("x"));
    REQUIRE(store.Write(batch, true).ok());
    WriteBatch second;
    second.Delete(AsBytes("deleted-later"));
    second.Put(AsBytes("unsynced"), AsBytes("also kept on a clean close"));
    REQUIRE(store.Write(second, false).ok());
  }
  auto reopened = RocksKvStore::Open(path);
  REQUIRE(reopened.ok());
  auto& store = *reopened.value();
  CHECK(GetString(store, "synced") == "yes");
  CHECK(GetString(store, "unsynced") == "also kept on a clean close");
  CHECK(GetString(store, "deleted-later") == std::nullopt);
}

TEST_CASE("RocksKvStore leaves no write-ahead log to replay after a clean close",
          "[kv_store][rocks]") {
  // The memtables are flushed on close, so the next open (a restart, an audit of the folder)
  // reads table files only. RocksDB keeps its log in *.log files of the folder.
  TempDir dir;
  const std::string path = dir.Sub("db");
  auto log_bytes = [&] {
    uintmax_t bytes = 0;
    for (const auto& entry : std::filesystem::directory_iterator(path)) {
      if (entry.path().extension() == ".log") bytes += entry.file_size();
    }
    return bytes;
  };
  {
    auto opened = RocksKvStore::Open(path);
    REQUIRE(opened.ok());
    WriteBatch batch;
    for (int i = 0; i < 100; ++i) batch.Put(AsBytes("key" + std::to_string(i)), AsBytes("value"));
    REQUIRE(opened.value()->Write(batch, true).ok());
    CHECK(log_bytes() > 0);  // the batch is in the log (and the memtable) only
  }
  CHECK(log_bytes() == 0);
  RocksOptions read_only;
  read_only.read_only = true;
  auto reopened = RocksKvStore::Open(path, read_only);
  REQUIRE(reopened.ok());
  CHECK(GetString(*reopened.value(), "key99") == "value");
}

TEST_CASE("RocksKvStore refuses a folder that is already open", "[kv_store][rocks]") {
  TempDir dir;
  const std::string path = dir.Sub("db");
  auto first = RocksKvStore::Open(path);
  REQUIRE(first.ok());

  SECTION("in this process") {
    auto second = RocksKvStore::Open(path);
    REQUIRE_FALSE(second.ok());
    CHECK(second.status().code() == Code::kUnavailable);
    CHECK(second.status().message().find("already open") != std::string::npos);
  }

  SECTION("in another process") {
    // Re-runs this test binary, selecting only the hidden child test below, which tries to
    // open `path` and passes only if it gets kUnavailable.
    ::setenv("COVALUE_KV_LOCK_CHILD_PATH", path.c_str(), 1);
    std::string exe = std::filesystem::read_symlink("/proc/self/exe").string();
    std::string test_name = "RocksKvStore child: open a folder another process holds";
    std::vector<char*> argv = {exe.data(), test_name.data(), nullptr};
    pid_t pid = 0;
    REQUIRE(::posix_spawn(&pid, exe.c_str(), nullptr, nullptr, argv.data(), environ) == 0);
    ::unsetenv("COVALUE_KV_LOCK_CHILD_PATH");
    int wait_status = 0;
    REQUIRE(::waitpid(pid, &wait_status, 0) == pid);
    REQUIRE(WIFEXITED(wait_status));
    CHECK(WEXITSTATUS(wait_status) == 0);
  }

  // Once the holder closes, the folder opens again.
  first = Status(Code::kInternal, "closed");
  CHECK(RocksKvStore::Open(path).ok());
}

// Hidden ([.]): run only by the test above, in a child process.
TEST_CASE("RocksKvStore child: open a folder another process holds", "[.][kv_store][rocks]") {
  const char* path = std::getenv("COVALUE_KV_LOCK_CHILD_PATH");
  if (path == nullptr) return;
  auto opened = RocksKvStore::Open(path);
  REQUIRE_FALSE(opened.ok());
  INFO(opened.status().ToString());
  CHECK(opened.status().code() == Code::kUnavailable);
}

namespace {

// The nice value of each of this process's threads RocksDB names "rocksdb:high…" (the flush
// pool; /proc/self/task/<tid>/comm and field 19 of .../stat).
std::vector<int> FlushThreadNiceValues() {
  std::vector<int> nice;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream comm(task.path() / "comm");
    std::string name;
    std::getline(comm, name);
    if (name.rfind("rocksdb:high", 0) != 0) continue;
    std::ifstream stat(task.path() / "stat");
    std::string line;
    std::getline(stat, line);
    std::istringstream fields(line.substr(line.rfind(')') + 2));  // after "pid (comm) "
    std::string field;
    for (int i = 3; i <= 19 && fields >> field; ++i) {
      if (i == 19) nice.push_back(std::stoi(field));
    }
  }
  return nice;
}

// Opens a store in `path`, writes one key and closes it, which flushes on the flush pool.
void WriteAndClose(const std::string& path) {
  RocksOptions options;
  options.background_at_low_priority = true;
  auto store = RocksKvStore::Open(path, options);
  REQUIRE(store.ok());
  REQUIRE(PutOne(**store, "key", "value").ok());
}

}  // namespace

TEST_CASE("RocksKvStore runs its flushes at the lowest CPU priority", "[kv_store][rocks]") {
  // The pools are the process's (a store opened earlier in this process may have lowered
  // them already), so this checks the outcome, not the change.
  TempDir dir;
  WriteAndClose(dir.Sub("low"));
  auto nice = FlushThreadNiceValues();
  REQUIRE_FALSE(nice.empty());
  for (int value : nice) CHECK(value == 19);
}

TEST_CASE("RocksKvStore without create_if_missing reports a missing folder", "[kv_store][rocks]") {
  TempDir dir;
  RocksOptions options;
  options.create_if_missing = false;
  auto opened = RocksKvStore::Open(dir.Sub("absent"), options);
  REQUIRE_FALSE(opened.ok());
  CHECK(opened.status().code() == Code::kNotFound);
}

TEST_CASE("MemoryKvStore::DropUnsynced loses exactly the writes since the last sync",
          "[kv_store][memory]") {
  MemoryKvStore store;
  REQUIRE(PutOne(store, "durable", "1", /*sync=*/true).ok());
  REQUIRE(PutOne(store, "to-delete", "d", /*sync=*/true).ok());
  CHECK(store.UnsyncedWriteCount() == 0);

  WriteBatch unsynced;
  unsynced.Put(AsBytes("durable"), AsBytes("overwritten"));
  unsynced.Put(AsBytes("fresh"), AsBytes("f"));
  unsynced.Delete(AsBytes("to-delete"));
  REQUIRE(store.Write(unsynced, false).ok());
  REQUIRE(PutOne(store, "fresh", "f2").ok());
  CHECK(store.UnsyncedWriteCount() == 2);
  WriteBatch moved;  // handed over: undone all the same
  moved.Put(AsBytes("durable"), AsBytes("moved-over"));
  moved.Put(AsBytes("moved-fresh"), AsBytes("m"));
  moved.Put(AsBytes("moved-fresh"), AsBytes("m2"));  // a new key twice in one batch
  REQUIRE(store.WriteMoved(std::move(moved), false).ok());
  CHECK(GetString(store, "durable") == "moved-over");
  CHECK(GetString(store, "moved-fresh") == "m2");
  CHECK(store.UnsyncedWriteCount() == 3);

  auto before_crash = store.NewIterator();  // an open iterator keeps its snapshot
  store.DropUnsynced();
  CHECK(GetString(store, "durable") == "1");
  CHECK(GetString(store, "to-delete") == "d");
  CHECK(GetString(store, "fresh") == std::nullopt);
  CHECK(GetString(store, "moved-fresh") == std::nullopt);
  CHECK(store.UnsyncedWriteCount() == 0);
  before_crash->Seek(AsBytes("fresh"));
  REQUIRE(before_crash->Valid());
  CHECK(AsString(before_crash->value()) == "f2");

  // A synced write makes the unsynced writes before it durable too.
  REQUIRE(PutOne(store, "a", "unsynced").ok());
  REQUIRE(PutOne(store, "b", "synced", /*sync=*/true).ok());
  REQUIRE(PutOne(store, "c", "lost").ok());
  store.DropUnsynced();
  CHECK(GetString(store, "a") == "unsynced");
  CHECK(GetString(store, "b") == "synced");
  CHECK(GetString(store, "c") == std::nullopt);

  store.DropUnsynced();  // nothing left to drop
  CHECK(GetString(store, "a") == "unsynced");
}

TEST_CASE("MemoryKvStore::FailNextWrites fails writes without changing anything",
          "[kv_store][memory]") {
  MemoryKvStore store;
  REQUIRE(PutOne(store, "k", "before", /*sync=*/true).ok());
  store.FailNextWrites(2);

  WriteBatch batch;
  batch.Put(AsBytes("k"), AsBytes("after"));
  batch.Put(AsBytes("other"), AsBytes("x"));
  for (int i = 0; i < 2; ++i) {
    Status status = store.Write(batch, true);
    CHECK(status.code() == Code::kIoError);
    CHECK(GetString(store, "k") == "before");
    CHECK(GetString(store, "other") == std::nullopt);
  }
  CHECK(store.UnsyncedWriteCount() == 0);
  REQUIRE(store.Write(batch, true).ok());
  CHECK(GetString(store, "k") == "after");
  CHECK(GetString(store, "other") == "x");

  // WriteMoved fails the same way, and uses up one failure.
  store.FailNextWrites(1);
  WriteBatch moved;
  moved.Put(AsBytes("k"), AsBytes("moved"));
  CHECK(store.WriteMoved(std::move(moved), true).code() == Code::kIoError);
  CHECK(GetString(store, "k") == "after");
  WriteBatch again;
  again.Put(AsBytes("k"), AsBytes("moved"));
  REQUIRE(store.WriteMoved(std::move(again), true).ok());
  CHECK(GetString(store, "k") == "moved");
}

}  // namespace covalue::storage
