// WorkerPool (every item once, on several threads, from concurrent callers) and the parallel
// signature check of a block replay: with a pool, ReplayBlock accepts and refuses exactly the
// blocks it does without one, with the same status, and never re-verifies what the caller
// vouches for.
#include <catch2/catch.hpp>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "node/block_builder.h"
#include "node/signature_check.h"
#include "node/worker_pool.h"
#include "tests/support/test_support.h"

using namespace covalue;
using covalue::testing::DatasetRegisterTx;
using covalue::testing::TestChain;

TEST_CASE("a worker pool runs every item once, on more than one thread") {
  node::WorkerPool pool(3);
  CHECK(pool.threads() == 3);
  for (size_t n : {0u, 1u, 2u, 7u, 1000u}) {
    std::vector<std::atomic<int>> runs(n);
    std::mutex mutex;
    std::set<std::thread::id> threads;
    pool.ParallelFor(n, [&](size_t i) {
      runs[i].fetch_add(1);
      std::this_thread::sleep_for(std::chrono::microseconds(50));
      std::lock_guard<std::mutex> lock(mutex);
      threads.insert(std::this_thread::get_id());
    });
    for (size_t i = 0; i < n; ++i) CHECK(runs[i].load() == 1);
    if (n == 1000) CHECK(threads.size() > 1);
  }
}

TEST_CASE("a worker pool serves concurrent callers one job at a time, each completely") {
  node::WorkerPool pool(2);
  std::atomic<long> sum{0};
  std::atomic<int> incomplete{0};  // counted here, checked on this thread: Catch2 is not thread-safe
  std::vector<std::thread> callers;
  for (int c = 0; c < 4; ++c) {
    callers.emplace_back([&] {
      for (int job = 0; job < 50; ++job) {
        std::atomic<long> mine{0};
        pool.ParallelFor(100, [&](size_t i) { mine.fetch_add(static_cast<long>(i)); });
        // ParallelFor returned only after its own items ran.
        if (mine.load() != 4950) incomplete.fetch_add(1);
        sum.fetch_add(mine.load());
      }
    });
  }
  for (auto& t : callers) t.join();
  CHECK(incomplete.load() == 0);
  CHECK(sum.load() == 4L * 50 * 4950);
}

TEST_CASE("a single-thread pool runs everything on the caller's thread") {
  node::WorkerPool pool(1);
  CHECK(pool.threads() == 1);
  std::set<std::thread::id> threads;
  pool.ParallelFor(20, [&](size_t) { threads.insert(std::this_thread::get_id()); });
  CHECK(threads == std::set<std::thread::id>{std::this_thread::get_id()});
}

namespace {

// A block of `n` transactions by maker, as a proposer built it.
ledger::Block ProposedBlock(TestChain& proposer, int n) {
  std::vector<ledger::Transaction> txs;
  for (int i = 0; i < n; ++i) {
    txs.push_back(DatasetRegisterTx(proposer.key("maker"), "set-" + std::to_string(i), 20, i));
  }
  return proposer.Produce(std::move(txs)).block;
}

// What a dishonest proposer could send: transaction `i`'s signature broken, the body's root
// recomputed over it so that only verifying the signature can tell.
ledger::Block BreakSignature(ledger::Block block, size_t i) {
  block.txs[i].signatures[0][3] ^= 1;
  block.header.txs_root = ledger::TransactionsRoot(block.txs);
  return block;
}

}  // namespace

TEST_CASE("signatures are checked per transaction, skipping the ones vouched for") {
  TestChain chain;
  ledger::Block block = BreakSignature(ProposedBlock(chain, 5), 2);
  node::WorkerPool pool(2);
  for (node::WorkerPool* p : {&pool, static_cast<node::WorkerPool*>(nullptr)}) {
    auto checked = node::VerifySignatures(block.txs, {}, p);
    REQUIRE(checked.size() == 5);
    for (size_t i = 0; i < 5; ++i) CHECK(checked[i].ok() == (i != 2));
    CHECK(checked[2].code() == Code::kBadSignature);
    auto skipped = node::VerifySignatures(block.txs, {false, false, true, false, false}, p);
    for (const auto& status : skipped) CHECK(status.ok());
  }
}

TEST_CASE("a check beside a block's signatures runs once, and changes none of their results") {
  TestChain chain;
  ledger::Block block = BreakSignature(ProposedBlock(chain, 5), 3);
  node::WorkerPool pool(2);
  for (node::WorkerPool* p : {&pool, static_cast<node::WorkerPool*>(nullptr)}) {
    for (size_t txs : {size_t{0}, size_t{1}, size_t{5}}) {
      std::vector<ledger::Transaction> some(block.txs.begin(), block.txs.begin() + txs);
      std::atomic<int> ran{0};
      auto checked = node::VerifySignatures(some, {}, p, [&] { ++ran; });
      CHECK(ran == 1);
      REQUIRE(checked.size() == txs);
      for (size_t i = 0; i < txs; ++i) CHECK(checked[i].ok() == (i != 3));
      ran = 0;
      auto verified = node::VerifiedTxs::Check(some, {}, p, [&] { ++ran; });
      CHECK(ran == 1);
      for (size_t i = 0; i < txs; ++i) {
        CHECK(verified.Holds(some[i], ledger::TxId(some[i])) == (i != 3));
      }
    }
  }
}

TEST_CASE("a replay with a pool accepts and refuses exactly what one without does") {
  TestChain proposer;
  ledger::Block honest = ProposedBlock(proposer, 40);
  ledger::Block broken = BreakSignature(honest, 17);
  node::WorkerPool pool(2);
  node::VerifiedPredicate none;
  node::VerifiedPredicate all = [](const ledger::Transaction&, const Hash32&) { return true; };

  for (node::WorkerPool* p : {static_cast<node::WorkerPool*>(nullptr), &pool}) {
    INFO((p ? "with a pool" : "without a pool"));
    TestChain validator;
    auto replayed = node::ReplayBlock(validator.store(), validator.genesis(), honest, none,
                                      std::nullopt, p);
    REQUIRE(replayed.ok());
    CHECK(replayed->block.results == honest.results);
    CHECK(replayed->block.header.state_root == honest.header.state_root);

    auto refused = node::ReplayBlock(validator.store(), validator.genesis(), broken, none,
                                     std::nullopt, p);
    CHECK(refused.status().code() == Code::kInvalidArgument);
    CHECK(refused.status().message().find("bad_signature") != std::string::npos);
    CHECK(refused.status().message().find("signature 0 does not verify") != std::string::npos);

    // What the caller vouches for (its mempool verified it) is not verified again: the broken
    // signature goes unnoticed by both, as the predicate says.
    CHECK(node::ReplayBlock(validator.store(), validator.genesis(), broken, all, std::nullopt, p)
              .ok());
  }
}
