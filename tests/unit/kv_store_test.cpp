// The KvStore contract (node/storage/kv_store.h), run against both MemoryKvStore and
// RocksKvStore. What only one of them does is in rocks_kv_store_test.cpp and
// memory_kv_store_test.cpp.
#include <atomic>
#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "node/storage/kv_store.h"
#include "node/storage/memory_kv_store.h"
#include "node/storage/rocks_kv_store.h"
#include "tests/support/kv_store_helpers.h"
#include "tests/support/temp_dir.h"

namespace covalue::storage {
namespace {

using covalue::testing::GetString;
using covalue::testing::PutOne;
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

}  // namespace covalue::storage
