// Mempool: arrival order, one entry per id, limits, exact-match lookups for the
// verify-once rule, and dropping what expired.
#include <catch2/catch.hpp>

#include "node/mempool.h"
#include "tests/support/test_support.h"

using namespace covalue;
using covalue::testing::DatasetRegisterTx;
using covalue::testing::KeyFromLabel;

TEST_CASE("the mempool keeps arrival order, refuses when full and is idempotent per id") {
  node::Mempool pool(2, 1 << 20);
  auto a = DatasetRegisterTx(KeyFromLabel("maker"), "a", 10);
  auto b = DatasetRegisterTx(KeyFromLabel("maker"), "b", 20);
  auto c = DatasetRegisterTx(KeyFromLabel("maker"), "c", 30);
  REQUIRE(*pool.Add(a, ledger::TxId(a), 100) == node::Mempool::AddResult::kAdded);
  REQUIRE(*pool.Add(a, ledger::TxId(a), 100) == node::Mempool::AddResult::kAlreadyPending);
  REQUIRE(*pool.Add(b, ledger::TxId(b), 100) == node::Mempool::AddResult::kAdded);
  CHECK(pool.Add(c, ledger::TxId(c), 100).status().code() == Code::kMempoolFull);
  auto peeked = pool.Peek(10);
  REQUIRE(peeked.size() == 2);
  CHECK(peeked[0] == a);
  CHECK(peeked[1] == b);
  CHECK(pool.bytes() == 200);
  pool.Remove({ledger::TxId(a)});
  CHECK(pool.size() == 1);
  CHECK(pool.bytes() == 100);
  CHECK_FALSE(pool.Contains(ledger::TxId(a)));
}

TEST_CASE("the byte limit holds too") {
  node::Mempool pool(100, 150);
  auto a = DatasetRegisterTx(KeyFromLabel("maker"), "a", 10);
  auto b = DatasetRegisterTx(KeyFromLabel("maker"), "b", 10);
  REQUIRE(pool.Add(a, ledger::TxId(a), 100).ok());
  CHECK(pool.Add(b, ledger::TxId(b), 100).status().code() == Code::kMempoolFull);
}

TEST_CASE("only the exact transaction the mempool verified counts as verified") {
  node::Mempool pool(10, 1 << 20);
  auto tx = DatasetRegisterTx(KeyFromLabel("maker"), "a", 10);
  Hash32 id = ledger::TxId(tx);
  REQUIRE(pool.Add(tx, id, 100).ok());
  CHECK(pool.ContainsExact(tx, id));
  auto forged = tx;  // same id (the id does not cover signatures), other signature bytes
  forged.signatures[0][5] ^= 1;
  REQUIRE(ledger::TxId(forged) == id);
  CHECK_FALSE(pool.ContainsExact(forged, id));
}

TEST_CASE("expired transactions leave the mempool") {
  node::Mempool pool(10, 1 << 20);
  auto soon = DatasetRegisterTx(KeyFromLabel("maker"), "soon", 5);
  auto later = DatasetRegisterTx(KeyFromLabel("maker"), "later", 50);
  REQUIRE(pool.Add(soon, ledger::TxId(soon), 100).ok());
  REQUIRE(pool.Add(later, ledger::TxId(later), 100).ok());
  CHECK(pool.RemoveExpired(5).empty());  // still valid at height 5
  auto expired = pool.RemoveExpired(6);
  REQUIRE(expired.size() == 1);
  CHECK(expired[0] == ledger::TxId(soon));
  CHECK(pool.size() == 1);
}
