// Proves that decoders refuse forged lengths and counts BEFORE allocating what they claim:
// this file replaces the global operator new/delete (every replaceable form) to record the
// largest single allocation made while tracking is on, then feeds codec::Reader,
// ledger::DecodeTransaction and ledger::DecodeBlock inputs whose prefixes claim far more
// than is present. Each must fail, and no allocation may come near the claimed size.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <limits>
#include <new>
#include <string>
#include <vector>

#include "codec/reader.h"
#include "codec/writer.h"
#include "ledger/block.h"
#include "ledger/transaction.h"

namespace {

std::atomic<bool> g_tracking{false};
std::atomic<size_t> g_largest{0};

void Record(size_t size) {
  if (!g_tracking.load(std::memory_order_relaxed)) return;
  size_t seen = g_largest.load(std::memory_order_relaxed);
  while (size > seen && !g_largest.compare_exchange_weak(seen, size)) {
  }
}

void* Allocate(size_t size) {
  Record(size);
  void* p = std::malloc(size == 0 ? 1 : size);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

void* AllocateAligned(size_t size, std::align_val_t alignment) {
  Record(size);
  size_t align = static_cast<size_t>(alignment);
  if (align < sizeof(void*)) align = sizeof(void*);
  void* p = nullptr;
  if (posix_memalign(&p, align, size == 0 ? 1 : size) != 0) throw std::bad_alloc();
  return p;
}

}  // namespace

// The replaceable global allocation functions ([new.delete]). All memory comes from
// malloc/posix_memalign, so every delete form is free().
void* operator new(size_t size) {
  return Allocate(size);
}
void* operator new[](size_t size) {
  return Allocate(size);
}
void* operator new(size_t size, const std::nothrow_t&) noexcept {
  try {
    return Allocate(size);
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](size_t size, const std::nothrow_t&) noexcept {
  try {
    return Allocate(size);
  } catch (...) {
    return nullptr;
  }
}
void* operator new(size_t size, std::align_val_t al) {
  return AllocateAligned(size, al);
}
void* operator new[](size_t size, std::align_val_t al) {
  return AllocateAligned(size, al);
}
void* operator new(size_t size, std::align_val_t al, const std::nothrow_t&) noexcept {
  try {
    return AllocateAligned(size, al);
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](size_t size, std::align_val_t al, const std::nothrow_t&) noexcept {
  try {
    return AllocateAligned(size, al);
  } catch (...) {
    return nullptr;
  }
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete[](void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, size_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, size_t) noexcept {
  std::free(p);
}
void operator delete(void* p, const std::nothrow_t&) noexcept {
  std::free(p);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept {
  std::free(p);
}
void operator delete(void* p, std::align_val_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::align_val_t) noexcept {
  std::free(p);
}
void operator delete(void* p, size_t, std::align_val_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, size_t, std::align_val_t) noexcept {
  std::free(p);
}
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept {
  std::free(p);
}

namespace covalue {
namespace {

// Far below every claimed size below (the smallest claim is 60 KiB).
constexpr size_t kAllocationCeiling = 4096;

// Runs `f` with tracking on; returns the largest single allocation it made.
template <typename F>
size_t LargestAllocationDuring(F&& f) {
  g_largest.store(0);
  g_tracking.store(true);
  f();
  g_tracking.store(false);
  return g_largest.load();
}

Bytes Concat(Bytes a, ByteView b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

TEST_CASE("The allocation hook sees large allocations", "[decoder][allocation]") {
  // Without this the other tests could pass because the hook is not in use.
  static Bytes keep;
  size_t largest = LargestAllocationDuring([] { keep.assign(100'000, 1); });
  CHECK(largest >= 100'000);
  keep = Bytes();
  // Nothing is recorded while tracking is off.
  CHECK(LargestAllocationDuring([] {}) == 0);
}

TEST_CASE("A decoder that trusted a forged count would be caught", "[decoder][allocation]") {
  // What the checks below guard against: reserving a claimed count before looking at the
  // input. The same forged count as below must push the largest allocation over the ceiling.
  const Bytes forged = {0xFF, 0xFF, 0x00, 0x00, 1, 2, 3, 4, 5};
  size_t largest = LargestAllocationDuring([&] {
    codec::Reader r(forged);
    uint32_t count = 0;
    REQUIRE(r.U32(&count).ok());
    std::vector<Hash32> elements(count);
  });
  CHECK(largest >= kAllocationCeiling);
}

TEST_CASE("Reader::Bytes and String refuse a forged huge length without allocating it",
          "[decoder][allocation]") {
  const Bytes forged = {0xF0, 0xFF, 0xFF, 0xFF, 'a', 'b', 'c'};  // claims 0xFFFFFFF0
  constexpr uint32_t kNoLimit = std::numeric_limits<uint32_t>::max();
  Status status;
  size_t largest = 0;

  SECTION("bytes, default limit") {
    Bytes out;
    largest = LargestAllocationDuring([&] { status = codec::Reader(forged).Bytes(&out); });
    CHECK(status.code() == Code::kTooLarge);
  }
  SECTION("bytes, no limit: the remaining-input check must catch it") {
    Bytes out;
    largest =
        LargestAllocationDuring([&] { status = codec::Reader(forged).Bytes(&out, kNoLimit); });
    CHECK(status.code() == Code::kMalformed);
  }
  SECTION("string, default limit") {
    std::string out;
    largest = LargestAllocationDuring([&] { status = codec::Reader(forged).String(&out); });
    CHECK(status.code() == Code::kTooLarge);
  }
  SECTION("string, no limit") {
    std::string out;
    largest =
        LargestAllocationDuring([&] { status = codec::Reader(forged).String(&out, kNoLimit); });
    CHECK(status.code() == Code::kMalformed);
  }
  CHECK(largest < kAllocationCeiling);
}

TEST_CASE("Reader::Count refuses 65535 elements with a few bytes left", "[decoder][allocation]") {
  const Bytes forged = {0xFF, 0xFF, 0x00, 0x00, 1, 2, 3, 4, 5};
  uint32_t count = 0;
  Status status;
  size_t largest = LargestAllocationDuring([&] {
    codec::Reader r(forged);
    status = r.Count(&count, 65535, 1);
    // A caller that trusted the count would now reserve it; the reader must stop it first.
    if (status.ok()) {
      std::vector<Hash32> elements(count);
    }
  });
  CHECK(status.code() == Code::kMalformed);
  CHECK(count == 0);
  CHECK(largest < kAllocationCeiling);
}

ledger::Transaction SampleTx() {
  ledger::Transaction tx;
  tx.chain_id = "covalue-test";
  tx.nonce = 1;
  tx.expiry_height = 10;
  tx.signers = {crypto::PublicKey{}};
  tx.body = {1, 2, 3};
  tx.signatures = {crypto::Signature{}};
  return tx;
}

// Everything of SampleTx's encoding up to (not including) the body's length prefix.
Bytes TxPrefixBeforeBody() {
  codec::Writer w;
  w.U16(ledger::kTxVersion);
  w.String("covalue-test");
  w.U16(static_cast<uint16_t>(ledger::TxKind::kDatasetRegister));
  w.U64(1);
  w.U64(10);
  w.Count(1);
  w.Raw(crypto::PublicKey{});
  return std::move(w).Take();
}

TEST_CASE("DecodeTransaction refuses a body length of 60 KiB with 10 bytes present",
          "[decoder][allocation]") {
  // The prefix matches the real encoder, so only the forged length is wrong.
  Bytes real = ledger::EncodeTransaction(SampleTx());
  Bytes prefix = TxPrefixBeforeBody();
  REQUIRE(std::equal(prefix.begin(), prefix.end(), real.begin()));

  codec::Writer forged_tail;
  forged_tail.U32(ledger::kMaxTxBodyBytes);  // 60 KiB, exactly the limit
  forged_tail.Raw(Bytes(10, 0xAB));
  Bytes forged = Concat(prefix, forged_tail.bytes());

  Result<ledger::Transaction> decoded = ledger::Transaction{};
  size_t largest = LargestAllocationDuring([&] { decoded = ledger::DecodeTransaction(forged); });
  REQUIRE_FALSE(decoded.ok());
  CHECK(decoded.status().code() == Code::kMalformed);
  CHECK(largest < kAllocationCeiling);

  SECTION("and a 0xFFFFFFF0 body length is over the limit") {
    codec::Writer huge;
    huge.U32(0xFFFFFFF0u);
    huge.Raw(Bytes(10, 0xAB));
    Bytes forged_huge = Concat(prefix, huge.bytes());
    largest = LargestAllocationDuring([&] { decoded = ledger::DecodeTransaction(forged_huge); });
    CHECK(decoded.status().code() == Code::kTooLarge);
    CHECK(largest < kAllocationCeiling);
  }
}

ledger::BlockHeader SampleHeader() {
  ledger::BlockHeader h;
  h.chain_id = "covalue-test";
  h.height = 3;
  h.time_ms = 1000;
  return h;
}

TEST_CASE("DecodeBlock refuses forged counts and lengths without allocating them",
          "[decoder][allocation]") {
  const Bytes header = ledger::EncodeBlockHeader(SampleHeader());
  Result<ledger::Block> decoded = ledger::Block{};
  auto decode = [&](const Bytes& bytes) {
    return LargestAllocationDuring([&] { decoded = ledger::DecodeBlock(bytes); });
  };

  SECTION("a sane block decodes (the forgeries below differ only where they say)") {
    ledger::Block block;
    block.header = SampleHeader();
    block.txs = {SampleTx()};
    block.results = {ledger::TxResult{}};
    Bytes bytes = ledger::EncodeBlock(block);
    REQUIRE(ledger::DecodeBlock(bytes).ok());
    CHECK(ledger::DecodeBlock(bytes).value() == block);
  }
  SECTION("transaction count at its limit (10000) with 20 bytes left") {
    codec::Writer w;
    w.Count(ledger::kMaxBlockTxs);
    w.Raw(Bytes(20, 0));
    size_t largest = decode(Concat(header, w.bytes()));
    CHECK(decoded.status().code() == Code::kMalformed);
    CHECK(largest < kAllocationCeiling);
  }
  SECTION("transaction count 65535 is over the limit") {
    codec::Writer w;
    w.Count(65535);
    w.Raw(Bytes(20, 0));
    size_t largest = decode(Concat(header, w.bytes()));
    CHECK(decoded.status().code() == Code::kTooLarge);
    CHECK(largest < kAllocationCeiling);
  }
  SECTION("a transaction inside the block claims a 60 KiB body with 10 bytes present") {
    codec::Writer w;
    w.Count(1);
    w.Raw(TxPrefixBeforeBody());
    w.U32(ledger::kMaxTxBodyBytes);
    w.Raw(Bytes(10, 0));
    size_t largest = decode(Concat(header, w.bytes()));
    CHECK(decoded.status().code() == Code::kMalformed);
    CHECK(largest < kAllocationCeiling);
  }
  SECTION("result count claims 10000 with a few bytes left") {
    codec::Writer w;
    w.Count(0);
    w.Count(ledger::kMaxBlockTxs);
    w.Raw(Bytes(30, 0));
    size_t largest = decode(Concat(header, w.bytes()));
    CHECK(decoded.status().code() == Code::kMalformed);
    CHECK(largest < kAllocationCeiling);
  }
  SECTION("a result's message claims 0xFFFFFFF0 bytes") {
    codec::Writer w;
    w.Count(1);
    ledger::EncodeTransaction(w, SampleTx());
    w.Count(1);
    w.U16(0);            // code ok
    w.U32(0xFFFFFFF0u);  // message length
    w.Raw(Bytes(40, 'a'));
    size_t largest = decode(Concat(header, w.bytes()));
    CHECK(decoded.status().code() == Code::kTooLarge);
    CHECK(largest < kAllocationCeiling);
  }
  SECTION("certificate signature count 1024 (its limit) with one entry present") {
    codec::Writer w;
    w.Count(0);
    w.Count(0);
    w.U64(3);
    w.U32(0);
    w.Hash(Hash32{});
    w.Count(1024);  // 1024 * 68 bytes claimed
    w.U32(0);
    w.Raw(crypto::Signature{});
    size_t largest = decode(Concat(header, w.bytes()));
    CHECK(decoded.status().code() == Code::kMalformed);
    CHECK(largest < kAllocationCeiling);
  }
  SECTION("header chain id claims 0xFFFFFFF0 bytes") {
    codec::Writer w;
    w.U16(ledger::kBlockVersion);
    w.U32(0xFFFFFFF0u);
    w.Raw(Bytes(64, 'c'));
    size_t largest = decode(w.bytes());
    CHECK(decoded.status().code() == Code::kTooLarge);
    CHECK(largest < kAllocationCeiling);
  }
}

}  // namespace
}  // namespace covalue
