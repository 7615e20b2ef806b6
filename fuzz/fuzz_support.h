// What the fuzz targets (fuzz/*_fuzz.cpp, docs/fuzzing.md) share: deterministic keys and a
// genesis of four validators and three members, an in-memory chain with one committed block,
// and FUZZ_CHECK, which reports a broken property and aborts (a crash is what libFuzzer and
// the corpus replay both catch). For fuzzing only; nothing here is thread-safe.
#pragma once

#include <memory>
#include <string_view>

#include "crypto/keys.h"
#include "ledger/genesis.h"
#include "node/chain_store.h"
#include "node/storage/memory_kv_store.h"

namespace covalue::fuzz {

// Prints `what` with the location and aborts when `condition` is false.
#define FUZZ_CHECK(condition, what)                                             \
  do {                                                                          \
    if (!(condition)) ::covalue::fuzz::Fail(__FILE__, __LINE__, #condition, what); \
  } while (0)
[[noreturn]] void Fail(const char* file, int line, const char* condition, std::string_view what);

// Ed25519 from seed SHA-256(label), as the tests' KeyFromLabel; the same label, the same key.
crypto::KeyPair LabelKey(std::string_view label);

// Chain "covalue-fuzz": members maker, analytics (role member) and auditor (role auditor),
// validators "validator-0".."validator-3" keyed LabelKey(name).
const ledger::Genesis& FuzzGenesis();

// FuzzGenesis with validator-0 as its only validator, applied to an in-memory store, then
// one block (maker registers dataset "telemetry") made by that validator alone
// (tests/support/solo_producer.h). Built once, on first use; read-only after.
class FuzzChain {
 public:
  static const FuzzChain& Get();
  const ledger::Genesis& genesis() const { return m_genesis; }
  const node::ChainStore& store() const { return *m_store; }

 private:
  FuzzChain();
  ledger::Genesis m_genesis;
  std::unique_ptr<storage::MemoryKvStore> m_kv;
  std::unique_ptr<node::ChainStore> m_store;
};

}  // namespace covalue::fuzz
