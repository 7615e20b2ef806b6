#include "tests/support/contract_harness.h"

#include <catch2/catch.hpp>

#include "common/civil_time.h"
#include "contracts/member_record.h"
#include "tests/support/test_support.h"

namespace covalue::testing {

std::string ContractRun::Event(std::string_view kind, std::string_view key) const {
  for (const auto& event : result.events) {
    if (event.kind != kind) continue;
    for (const auto& [k, v] : event.attributes) {
      if (k == key) return v;
    }
  }
  return "";
}

Result<std::optional<Bytes>> ContractHarness::MapState::Get(std::string_view key) const {
  auto it = values.find(key);
  if (it == values.end()) return std::optional<Bytes>();
  return std::optional<Bytes>(it->second);
}

Result<bool> ContractHarness::MapState::IsCommitted(const Hash32& tx_id,
                                                   uint64_t /*earliest_height*/) const {
  return committed.count(tx_id) != 0;
}

ContractHarness::ContractHarness()
    : ContractHarness({{"maker"}, {"startup"}, {"telco"}, {"auditor", ledger::kRoleAuditor}}) {}

ContractHarness::ContractHarness(std::vector<HarnessMember> members, ledger::ChainParams params) {
  m_genesis.chain_id = "covalue-test";
  m_genesis.genesis_time_ms = *ParseUtcTime("2026-01-01");
  m_genesis.params = params;
  for (const auto& m : members) {
    m_keys.emplace(m.id, KeyFromLabel(m.id));
    m_genesis.members.push_back({m.id, m.roles, {m_keys.at(m.id).public_key()}});
  }
  m_genesis.validators = {{"validator", KeyFromLabel("validator").public_key()}};
  REQUIRE(ledger::ValidateGenesis(m_genesis).ok());
  contracts::StateOverlay genesis_state(m_state);
  contracts::WriteGenesisMembers(m_genesis, genesis_state);
  for (const auto& [key, value] : genesis_state.changes()) m_state.values[key] = *value;
  m_root = contracts::NextStateRoot(Hash32{}, 0, genesis_state.changes());
  m_time_ms = *ParseUtcTime("2026-01-15");
}

void ContractHarness::SetTime(std::string_view utc) {
  auto time = ParseUtcTime(utc);
  REQUIRE(time.ok());
  m_time_ms = *time;
}

void ContractHarness::FailLoad(std::string_view key, const Status& status) {
  FAIL("no record at '" << std::string(key) << "': " << status.ToString());
  throw std::logic_error("unreachable");
}

ledger::Transaction ContractHarness::Sign(ledger::TxKind kind, Bytes body,
                                          const std::vector<const crypto::KeyPair*>& keys) {
  ledger::Transaction tx;
  tx.chain_id = m_genesis.chain_id;
  tx.kind = kind;
  tx.nonce = ++m_nonce;
  tx.expiry_height = m_height + 10;
  for (const auto* key : keys) tx.signers.push_back(key->public_key());
  tx.body = std::move(body);
  REQUIRE(ledger::SignTransaction(tx, keys).ok());
  return tx;
}

ContractRun ContractHarness::Run(ledger::TxKind kind, Bytes body, const std::vector<std::string>& signers) {
  std::vector<const crypto::KeyPair*> keys;
  for (const auto& id : signers) keys.push_back(&m_keys.at(id));
  return RunSignedBy(kind, std::move(body), keys);
}

ContractRun ContractHarness::RunSignedBy(ledger::TxKind kind, Bytes body,
                                         const std::vector<const crypto::KeyPair*>& keys) {
  auto runs = RunBlock({Sign(kind, std::move(body), keys)});
  REQUIRE(runs.size() == 1);
  return runs.front();
}

std::vector<ContractRun> ContractHarness::RunBlock(std::vector<ledger::Transaction> txs) {
  m_blocks.push_back({m_time_ms, txs});
  ++m_height;
  contracts::BlockContext context{m_genesis.chain_id, m_height, m_time_ms, m_genesis.params, {}};
  auto execution = contracts::ExecuteBlock(m_state, context, std::move(txs));
  REQUIRE(execution.ok());
  std::vector<ContractRun> runs;
  for (const auto& rejected : execution->rejected) {
    ContractRun run;
    run.result.code = rejected.reason.code();
    run.result.message = rejected.reason.message();
    run.tx_id = rejected.tx_id;
    runs.push_back(std::move(run));
  }
  for (auto& executed : execution->txs) {
    m_state.committed[executed.tx_id] = true;
    runs.push_back({executed.outcome.result, executed.outcome.entities, executed.tx_id});
  }
  for (const auto& [key, value] : execution->changes) {
    if (value) {
      m_state.values[key] = *value;
    } else {
      m_state.values.erase(key);
    }
  }
  m_root = contracts::NextStateRoot(m_root, m_height, execution->changes);
  return runs;
}

void ContractHarness::Replay(const std::vector<RecordedBlock>& blocks) {
  for (const auto& block : blocks) {
    m_time_ms = block.time_ms;
    RunBlock(block.txs);
  }
}

}  // namespace covalue::testing
