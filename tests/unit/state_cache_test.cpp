// StateCache: a hit after a read, no stale value kept across a commit, a commit's keys
// dropped, eviction by bytes in least-recently-used order; and ChainStore reads the
// committed state through it.
#include <catch2/catch.hpp>

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "node/state_cache.h"

namespace covalue::node {
namespace {

Bytes Value(std::string_view text) { return Bytes(text.begin(), text.end()); }

}  // namespace

TEST_CASE("StateCache keeps a value read under a current ticket", "[state_cache]") {
  StateCache cache(1 << 20);
  uint64_t ticket = 0;
  CHECK_FALSE(cache.Find("grant/g1", ticket).has_value());
  cache.Keep("grant/g1", Value("v1"), ticket);
  auto hit = cache.Find("grant/g1", ticket);
  REQUIRE(hit.has_value());
  CHECK(*hit == Value("v1"));
}

TEST_CASE("StateCache refuses a value read before a commit", "[state_cache]") {
  StateCache cache(1 << 20);
  uint64_t ticket = 0;
  REQUIRE_FALSE(cache.Find("grant/g1", ticket).has_value());
  // A commit lands between the reader's lookup and its Keep: what it read may be older.
  cache.Forget({{"venture/v", Value("other")}});
  cache.Keep("grant/g1", Value("read before the commit"), ticket);
  uint64_t again = 0;
  CHECK_FALSE(cache.Find("grant/g1", again).has_value());
  CHECK(again != ticket);
}

TEST_CASE("StateCache drops the keys a commit changes, and only those", "[state_cache]") {
  StateCache cache(1 << 20);
  uint64_t ticket = 0;
  for (std::string key : {"recoup/v/m", "grant/g2", "member/m"}) {
    REQUIRE_FALSE(cache.Find(key, ticket).has_value());
    cache.Keep(key, Value("old " + key), ticket);
  }
  cache.Forget({{"recoup/v/m", std::nullopt}, {"grant/g2", Value("used")}});
  CHECK_FALSE(cache.Find("recoup/v/m", ticket).has_value());
  CHECK_FALSE(cache.Find("grant/g2", ticket).has_value());
  auto member = cache.Find("member/m", ticket);
  REQUIRE(member.has_value());
  CHECK(*member == Value("old member/m"));
}

TEST_CASE("StateCache stays within its bytes, least recently used out first", "[state_cache]") {
  const Bytes value(1000, 0xab);
  StateCache cache(4 * 1200);  // room for four such entries with their overhead
  uint64_t ticket = 0;
  auto keep = [&](const std::string& key, ByteView bytes) {
    REQUIRE_FALSE(cache.Find(key, ticket).has_value());
    cache.Keep(key, bytes, ticket);
  };
  for (int i = 0; i < 4; ++i) keep("k" + std::to_string(i), value);
  REQUIRE(cache.Find("k0", ticket).has_value());  // k0 is now the most recently used
  keep("k4", value);                               // pushes out the least recently used: k1
  CHECK(cache.bytes() <= 4 * 1200);
  CHECK(cache.Find("k0", ticket).has_value());
  CHECK_FALSE(cache.Find("k1", ticket).has_value());
  CHECK(cache.Find("k4", ticket).has_value());
  // A value larger than the whole cache is not kept, and pushes nothing out.
  keep("huge", Bytes(10'000, 1));
  CHECK_FALSE(cache.Find("huge", ticket).has_value());
  CHECK(cache.Find("k4", ticket).has_value());
}

TEST_CASE("StateCache with no capacity keeps nothing", "[state_cache]") {
  StateCache cache(0);
  uint64_t ticket = 0;
  REQUIRE_FALSE(cache.Find("member/m", ticket).has_value());
  cache.Keep("member/m", Value("v"), ticket);
  CHECK_FALSE(cache.Find("member/m", ticket).has_value());
  CHECK(cache.bytes() == 0);
}

TEST_CASE("StateCache never serves a value older than the last commit, under concurrent reads",
          "[state_cache]") {
  // A model of ChainStore: the store is a guarded map, a commit writes it and then tells the
  // cache, and a read goes to the store on a miss. Each commit writes a higher number; a
  // read that starts after commit n must see n or later.
  StateCache cache(1 << 20);
  std::mutex store_mutex;
  std::map<std::string, uint64_t> store{{"k", 0}};
  std::atomic<uint64_t> committed{0};
  auto encode = [](uint64_t n) { return Value(std::to_string(n)); };
  auto read = [&]() -> uint64_t {
    uint64_t ticket = 0;
    if (auto cached = cache.Find("k", ticket)) {
      return std::stoull(std::string(cached->begin(), cached->end()));
    }
    uint64_t n;
    {
      std::lock_guard lock(store_mutex);
      n = store["k"];
    }
    cache.Keep("k", encode(n), ticket);
    return n;
  };
  constexpr uint64_t kCommits = 20'000;
  std::atomic<uint64_t> stale{0};
  std::atomic<bool> done{false};
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&] {
      while (!done.load()) {
        uint64_t floor = committed.load();
        if (read() < floor) stale.fetch_add(1);
      }
    });
  }
  for (uint64_t n = 1; n <= kCommits; ++n) {
    {
      std::lock_guard lock(store_mutex);
      store["k"] = n;
    }
    cache.Forget({{"k", encode(n)}});
    committed.store(n);
  }
  done.store(true);
  for (auto& reader : readers) reader.join();
  CHECK(stale.load() == 0);
  CHECK(read() == kCommits);
}

}  // namespace covalue::node
