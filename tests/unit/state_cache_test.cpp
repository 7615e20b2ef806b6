// StateCache: a hit after a read; no value kept that was read before or during a commit; a
// commit's keys dropped, and only those; eviction by bytes in least-recently-used order; and
// readers racing a committer, in a model of ChainStore, never see a state value older than
// what the store already shows. (ChainStore reading through it: chain_store_test.)
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

// One commit that changes `changes`, its write being `write`.
template <typename Write>
void Commit(StateCache& cache, const contracts::StateChanges& changes, Write write) {
  cache.BeginCommit(changes);
  write();
  cache.EndCommit();
}

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

TEST_CASE("StateCache refuses a value read before or during a commit", "[state_cache]") {
  StateCache cache(1 << 20);
  uint64_t ticket = 0;
  uint64_t again = 0;

  SECTION("a commit begins between the lookup and the Keep") {
    REQUIRE_FALSE(cache.Find("grant/g1", ticket).has_value());
    Commit(cache, {{"venture/v", Value("other")}}, [] {});
    cache.Keep("grant/g1", Value("read before the commit"), ticket);
    CHECK_FALSE(cache.Find("grant/g1", again).has_value());
  }
  SECTION("the lookup happens while a commit is being written") {
    cache.BeginCommit({{"venture/v", Value("other")}});
    REQUIRE_FALSE(cache.Find("grant/g1", ticket).has_value());
    cache.Keep("grant/g1", Value("read during the write"), ticket);
    CHECK_FALSE(cache.Find("grant/g1", again).has_value());
    cache.EndCommit();
    cache.Keep("grant/g1", Value("read during the write"), ticket);  // still that old ticket
    CHECK_FALSE(cache.Find("grant/g1", again).has_value());
  }
  // A lookup after the commit is kept again.
  REQUIRE_FALSE(cache.Find("grant/g1", ticket).has_value());
  cache.Keep("grant/g1", Value("read after"), ticket);
  CHECK(cache.Find("grant/g1", again) == std::optional<Bytes>(Value("read after")));
}

TEST_CASE("StateCache drops the keys a commit changes, and only those", "[state_cache]") {
  StateCache cache(1 << 20);
  uint64_t ticket = 0;
  for (std::string key : {"recoup/v/m", "grant/g2", "member/m"}) {
    REQUIRE_FALSE(cache.Find(key, ticket).has_value());
    cache.Keep(key, Value("old " + key), ticket);
  }
  cache.BeginCommit({{"recoup/v/m", std::nullopt}, {"grant/g2", Value("used")}});
  // Dropped as the commit begins, before its batch is written.
  CHECK_FALSE(cache.Find("recoup/v/m", ticket).has_value());
  CHECK_FALSE(cache.Find("grant/g2", ticket).has_value());
  cache.EndCommit();
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

TEST_CASE("StateCache never serves a value older than what the store already shows",
          "[state_cache]") {
  // A model of ChainStore: the store is a guarded map written atomically, holding a state
  // key and a marker of the last commit (as "tx/" entries mark committed transactions); a
  // state read goes through the cache and to the store on a miss. A reader that has seen
  // commit n in the store must then read state n or later — as an API client that found
  // its transaction committed and reads the record it changed.
  StateCache cache(1 << 20);
  std::mutex store_mutex;
  std::map<std::string, uint64_t> store{{"k", 0}, {"marker", 0}};
  auto encode = [](uint64_t n) { return Value(std::to_string(n)); };
  auto read_store = [&](const std::string& key) {
    std::lock_guard lock(store_mutex);
    return store[key];
  };
  auto read_state = [&]() -> uint64_t {
    uint64_t ticket = 0;
    if (auto cached = cache.Find("k", ticket)) {
      return std::stoull(std::string(cached->begin(), cached->end()));
    }
    uint64_t n = read_store("k");
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
        uint64_t seen = read_store("marker");
        if (read_state() < seen) stale.fetch_add(1);
      }
    });
  }
  for (uint64_t n = 1; n <= kCommits; ++n) {
    Commit(cache, {{"k", encode(n)}}, [&] {
      std::lock_guard lock(store_mutex);
      store["k"] = n;
      store["marker"] = n;
    });
  }
  done.store(true);
  for (auto& reader : readers) reader.join();
  CHECK(stale.load() == 0);
  CHECK(read_state() == kCommits);
}

}  // namespace covalue::node
