// ContractHarness: the ledger state in memory, started from a genesis of members, with a
// way to run signed transactions through the real executor (admission, then the contract)
// one block at a time at a chosen block time. For contract unit and property tests: no
// storage, no consensus. Records every block it ran so a test can replay them from the
// genesis into a fresh harness and compare state roots. Not thread-safe.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "contracts/executor.h"
#include "contracts/fields.h"
#include "crypto/keys.h"
#include "ledger/genesis.h"

namespace covalue::testing {

// What running one transaction gave: its result (an admission refusal is reported here
// too, with its code) and its history entities.
struct ContractRun {
  ledger::TxResult result;
  std::vector<std::string> entities;
  Hash32 tx_id{};
  bool ok() const { return result.ok(); }
  Code code() const { return result.code; }
  // The first event of `kind`'s attribute `key` ("" if absent).
  std::string Event(std::string_view kind, std::string_view key) const;
};

struct HarnessMember {
  std::string id;
  uint32_t roles = ledger::kRoleMember;
};

class ContractHarness {
 public:
  // Members maker, startup, telco (role member) and auditor (role auditor), each with the
  // key KeyFromLabel(id); chain "covalue-test"; block time 2026-01-15.
  ContractHarness();
  explicit ContractHarness(std::vector<HarnessMember> members,
                           ledger::ChainParams params = ledger::ChainParams());

  const ledger::Genesis& genesis() const { return m_genesis; }
  const crypto::KeyPair& key(const std::string& member) const { return m_keys.at(member); }
  const contracts::LedgerReader& state() const { return m_state; }
  const Hash32& state_root() const { return m_root; }
  uint64_t height() const { return m_height; }
  int64_t time_ms() const { return m_time_ms; }
  // The block time of the next block ("2026-04-01" or ms).
  void SetTime(int64_t time_ms) { m_time_ms = time_ms; }
  void SetTime(std::string_view utc);

  // Signs a `kind` transaction with `body` by the keys of `signers` (member ids, first key
  // of each) and runs it alone in the next block.
  ContractRun Run(ledger::TxKind kind, Bytes body, const std::vector<std::string>& signers);
  template <class Body>
  ContractRun Run(ledger::TxKind kind, const Body& body, const std::vector<std::string>& signers) {
    return Run(kind, contracts::EncodeFields(body), signers);
  }
  // The same with explicit keys (a retired, foreign or unknown key).
  ContractRun RunSignedBy(ledger::TxKind kind, Bytes body, const std::vector<const crypto::KeyPair*>& keys);
  // Runs already signed transactions together in the next block: the runs of those left
  // out at admission first, then those executed, in block order.
  std::vector<ContractRun> RunBlock(std::vector<ledger::Transaction> txs);
  // A signed transaction, not run.
  ledger::Transaction Sign(ledger::TxKind kind, Bytes body, const std::vector<const crypto::KeyPair*>& keys);

  // The blocks run so far, each with its time, for Replay.
  struct RecordedBlock {
    int64_t time_ms = 0;
    std::vector<ledger::Transaction> txs;
  };
  const std::vector<RecordedBlock>& blocks() const { return m_blocks; }
  // Runs `blocks` in order (into a harness made with the same members).
  void Replay(const std::vector<RecordedBlock>& blocks);

  // Whether the state holds a value at `key`.
  bool Has(std::string_view key) const { return m_state.values.find(key) != m_state.values.end(); }

  // Reads the record at `key`; REQUIREs that it exists and decodes.
  template <class T>
  T Load(std::string_view key) const {
    auto record = contracts::LoadRecord<T>(m_state, key);
    if (!record.ok() || !*record) FailLoad(key, record.status());
    return std::move(**record);
  }

 private:
  class MapState final : public contracts::LedgerReader {
   public:
    Result<std::optional<Bytes>> Get(std::string_view key) const override;
    Result<bool> IsCommitted(const Hash32& tx_id, uint64_t earliest_height) const override;
    std::map<std::string, Bytes, std::less<>> values;
    std::map<Hash32, bool> committed;
  };
  [[noreturn]] static void FailLoad(std::string_view key, const Status& status);

  ledger::Genesis m_genesis;
  std::map<std::string, crypto::KeyPair> m_keys;
  MapState m_state;
  Hash32 m_root{};
  uint64_t m_height = 0;
  int64_t m_time_ms = 0;
  uint64_t m_nonce = 0;
  std::vector<RecordedBlock> m_blocks;
};

}  // namespace covalue::testing
