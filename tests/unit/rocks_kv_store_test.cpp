// What only RocksKvStore does: durability across close and reopen, no log left after a clean
// close, one process per folder, low-priority flushes, a missing folder without
// create_if_missing. The KvStore contract both stores keep is in kv_store_test.cpp.
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "node/storage/rocks_kv_store.h"
#include "tests/support/kv_store_helpers.h"
#include "tests/support/temp_dir.h"

extern char** environ;

namespace covalue::storage {

using covalue::testing::GetString;
using covalue::testing::PutOne;
using covalue::testing::TempDir;

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

}  // namespace covalue::storage
