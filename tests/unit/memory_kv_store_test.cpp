// What only MemoryKvStore does: the crash simulation the tests of other components use
// (DropUnsynced loses the writes since the last sync; FailNextWrites fails writes). The KvStore
// contract both stores keep is in kv_store_test.cpp.
#include <catch2/catch.hpp>
#include <string>
#include <utility>

#include "node/storage/memory_kv_store.h"
#include "tests/support/kv_store_helpers.h"

namespace covalue::storage {

using covalue::testing::GetString;
using covalue::testing::PutOne;

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
