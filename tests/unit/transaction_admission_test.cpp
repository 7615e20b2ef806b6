// Tests for contracts/admission.h (the envelope checks every transaction passes) and the
// dataset.register contract, on a TestChain: a valid registration is admitted and commits;
// each kind of bad envelope is refused with its own code and changes nothing — not the
// head, not the stored state — and a refused candidate is reported by the block producer
// and left out of the block; the contract's own rules are recorded as results.
#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

#include "contracts/admission.h"
#include "contracts/dataset_register.h"
#include "contracts/executor.h"
#include "crypto/hash.h"
#include "tests/support/test_support.h"

namespace covalue {
namespace {

using testing::DatasetRegisterTx;
using testing::KeyFromLabel;
using testing::ProducedBlock;
using testing::TestChain;

// Everything in the store, and the state part of it ("st/" keys, docs/spec/storage.md).
std::map<Bytes, Bytes> Snapshot(const storage::MemoryKvStore& kv, std::string_view prefix = "") {
  std::map<Bytes, Bytes> out;
  auto it = kv.NewIterator();
  for (it->Seek(AsBytes(prefix)); it->Valid(); it->Next()) {
    Bytes key(it->key().begin(), it->key().end());
    if (AsString(key).substr(0, prefix.size()) != prefix) break;
    out.emplace(std::move(key), Bytes(it->value().begin(), it->value().end()));
  }
  REQUIRE(it->status().ok());
  return out;
}
std::map<Bytes, Bytes> StateSnapshot(const storage::MemoryKvStore& kv) {
  auto state = Snapshot(kv, "st/");
  REQUIRE_FALSE(state.empty());  // the genesis members are there; guards the prefix
  return state;
}

contracts::AdmissionContext NextBlockContext(TestChain& chain) {
  return {chain.genesis().chain_id, chain.store().Head().height + 1, chain.genesis().params, true};
}

Status Admit(TestChain& chain, const ledger::Transaction& tx) {
  return contracts::AdmitTransaction(tx, ledger::TxId(tx), NextBlockContext(chain), chain.store())
      .status();
}

// A signed transaction with any signers and body.
ledger::Transaction SignedTx(const std::vector<const crypto::KeyPair*>& keys, Bytes body,
                             uint64_t expiry_height, uint64_t nonce = 1) {
  ledger::Transaction tx;
  tx.chain_id = "covalue-test";
  tx.nonce = nonce;
  tx.expiry_height = expiry_height;
  for (const auto* key : keys) tx.signers.push_back(key->public_key());
  tx.body = std::move(body);
  REQUIRE(ledger::SignTransaction(tx, keys).ok());
  return tx;
}

Bytes RegisterBody(std::string_view id) {
  return contracts::EncodeDatasetRegisterBody({std::string(id), crypto::Sha256(AsBytes(id)), "d"});
}

// Offers `tx` to the block producer and checks it is refused with `code`, reported in
// `rejected`, and that no block was made and nothing in the store changed.
void ExpectProducerRefuses(TestChain& chain, const ledger::Transaction& tx, Code code) {
  node::ChainHead head = chain.store().Head();
  auto stored = Snapshot(chain.kv());
  const bool was_committed = chain.store().IsCommitted(ledger::TxId(tx), 0).value();
  ProducedBlock produced = chain.Produce({tx});
  CHECK(produced.block.header.height == 0);
  CHECK(produced.block.txs.empty());
  REQUIRE(produced.rejected.size() == 1);
  CHECK(produced.rejected[0].tx_id == ledger::TxId(tx));
  CHECK(produced.rejected[0].reason.code() == code);
  CHECK(chain.store().Head() == head);
  CHECK(Snapshot(chain.kv()) == stored);
  CHECK(chain.store().IsCommitted(ledger::TxId(tx), 0).value() == was_committed);
}

// Runs the executor with signature checks on (as the mempool does) and checks `tx` is
// refused with `code` and produces no state change.
void ExpectExecutorRefuses(TestChain& chain, const ledger::Transaction& tx, Code code) {
  contracts::BlockContext context{chain.genesis().chain_id, chain.store().Head().height + 1,
                                  chain.clock().NowMillis(), chain.genesis().params, {}};
  auto execution = contracts::ExecuteBlock(chain.store(), context, {tx});
  REQUIRE(execution.ok());
  CHECK(execution->txs.empty());
  CHECK(execution->changes.empty());
  REQUIRE(execution->rejected.size() == 1);
  CHECK(execution->rejected[0].reason.code() == code);
}

TEST_CASE("A valid dataset.register is admitted and commits", "[admission]") {
  TestChain chain;
  node::ChainHead before = chain.store().Head();
  ledger::Transaction tx = DatasetRegisterTx(chain.key("maker"), "telemetry", 10);
  auto members =
      contracts::AdmitTransaction(tx, ledger::TxId(tx), NextBlockContext(chain), chain.store());
  REQUIRE(members.ok());
  CHECK(*members == std::vector<std::string>{"maker"});

  ProducedBlock produced = chain.Produce({tx});
  CHECK(produced.rejected.empty());
  REQUIRE(produced.block.txs.size() == 1);
  CHECK(produced.block.txs[0] == tx);
  REQUIRE(produced.block.results.size() == 1);
  CHECK(produced.block.results[0].code == Code::kOk);

  node::ChainHead after = chain.store().Head();
  CHECK(after.height == 1);
  CHECK(after.state_root == produced.block.header.state_root);
  CHECK(after.state_root != before.state_root);
  CHECK(chain.store().IsCommitted(ledger::TxId(tx), 0).value());
  auto stored = chain.store().Get(contracts::DatasetStateKey("telemetry"));
  REQUIRE(stored.ok());
  REQUIRE(stored->has_value());
  auto record = contracts::DecodeDatasetRecord(**stored);
  REQUIRE(record.ok());
  CHECK(record->owner == "maker");
  CHECK(record->registered_height == 1);
}

TEST_CASE("One flipped bit in what was signed is kBadSignature", "[admission]") {
  TestChain chain;
  const ledger::Transaction good = DatasetRegisterTx(chain.key("maker"), "telemetry", 10);
  REQUIRE(Admit(chain, good).ok());

  SECTION("in the body, at every byte") {
    for (size_t i = 0; i < good.body.size(); ++i) {
      ledger::Transaction tx = good;
      tx.body[i] ^= 0x01;
      INFO("body byte " << i);
      CHECK(Admit(chain, tx).code() == Code::kBadSignature);
    }
  }
  SECTION("in the signature, at every bit") {
    for (size_t i = 0; i < good.signatures[0].size() * 8; ++i) {
      ledger::Transaction tx = good;
      tx.signatures[0][i / 8] ^= static_cast<uint8_t>(1u << (i % 8));
      INFO("signature bit " << i);
      CHECK(Admit(chain, tx).code() == Code::kBadSignature);
    }
  }
  SECTION("in the nonce, at every bit") {
    for (int bit = 0; bit < 64; ++bit) {
      ledger::Transaction tx = good;
      tx.nonce ^= uint64_t{1} << bit;
      INFO("nonce bit " << bit);
      CHECK(Admit(chain, tx).code() == Code::kBadSignature);
    }
  }
  SECTION("in the expiry height") {
    ledger::Transaction tx = good;
    tx.expiry_height ^= 0x01;
    CHECK(Admit(chain, tx).code() == Code::kBadSignature);
  }
  SECTION("refused by the executor when it verifies, with no state change") {
    ledger::Transaction tx = good;
    tx.body[5] ^= 0x80;
    ExpectExecutorRefuses(chain, tx, Code::kBadSignature);
  }
}

TEST_CASE("Signature count must match the signers", "[admission]") {
  TestChain chain;
  ledger::Transaction good = DatasetRegisterTx(chain.key("maker"), "telemetry", 10);
  SECTION("missing signature") {
    ledger::Transaction tx = good;
    tx.signatures.clear();
    CHECK(Admit(chain, tx).code() == Code::kBadSignature);
    ExpectExecutorRefuses(chain, tx, Code::kBadSignature);
  }
  SECTION("extra signature") {
    ledger::Transaction tx = good;
    tx.signatures.push_back(tx.signatures[0]);
    CHECK(Admit(chain, tx).code() == Code::kBadSignature);
    ExpectExecutorRefuses(chain, tx, Code::kBadSignature);
  }
  SECTION("two signers, one signature") {
    ledger::Transaction tx =
        SignedTx({&chain.key("maker"), &chain.key("analytics")}, RegisterBody("telemetry"), 10);
    tx.signatures.pop_back();
    CHECK(Admit(chain, tx).code() == Code::kBadSignature);
  }
}

TEST_CASE("A transaction for another chain is kWrongChain", "[admission]") {
  TestChain chain;
  ledger::Transaction tx =
      DatasetRegisterTx(chain.key("maker"), "telemetry", 10, 1, "covalue-other");
  REQUIRE(ledger::VerifyTransactionSignatures(tx).ok());  // validly signed, for the other chain
  CHECK(Admit(chain, tx).code() == Code::kWrongChain);
  ExpectProducerRefuses(chain, tx, Code::kWrongChain);

  SECTION("re-labelled with this chain's id, the signature no longer verifies") {
    tx.chain_id = "covalue-test";
    CHECK(Admit(chain, tx).code() == Code::kBadSignature);
  }
}

TEST_CASE("A signer whose key is not a member key is kUnknownSigner", "[admission]") {
  TestChain chain;
  for (const char* label : {"stranger", "validator"}) {
    INFO(label);
    auto key = KeyFromLabel(label);
    ledger::Transaction tx = DatasetRegisterTx(key, "telemetry", 10);
    CHECK(Admit(chain, tx).code() == Code::kUnknownSigner);
    ExpectProducerRefuses(chain, tx, Code::kUnknownSigner);
  }
  SECTION("one unknown signer among members") {
    auto stranger = KeyFromLabel("stranger");
    ledger::Transaction tx = SignedTx({&chain.key("maker"), &stranger}, RegisterBody("t"), 10);
    CHECK(Admit(chain, tx).code() == Code::kUnknownSigner);
  }
}

TEST_CASE("A committed transaction is a replay", "[admission]") {
  TestChain chain;
  ledger::Transaction tx = DatasetRegisterTx(chain.key("maker"), "telemetry", 10);
  REQUIRE(chain.Produce({tx}).block.txs.size() == 1);
  CHECK(Admit(chain, tx).code() == Code::kReplay);
  ExpectProducerRefuses(chain, tx, Code::kReplay);

  SECTION("the same content with another nonce is a new transaction") {
    ledger::Transaction again = DatasetRegisterTx(chain.key("maker"), "telemetry", 10, 2);
    CHECK(Admit(chain, again).ok());
  }
}

namespace {

// Reads through to a LedgerReader and notes the height the replay check was last given.
class EarliestHeightRecorder final : public contracts::LedgerReader {
 public:
  explicit EarliestHeightRecorder(const contracts::LedgerReader& base) : m_base(base) {}
  Result<std::optional<Bytes>> Get(std::string_view key) const override { return m_base.Get(key); }
  Result<bool> IsCommitted(const Hash32& tx_id, uint64_t earliest_height) const override {
    earliest = earliest_height;
    return m_base.IsCommitted(tx_id, earliest_height);
  }
  mutable std::optional<uint64_t> earliest;

 private:
  const contracts::LedgerReader& m_base;
};

}  // namespace

TEST_CASE("The replay check is told the lowest height an earlier commit can lie at",
          "[admission]") {
  // An earlier commit of the same id passed the expiry checks at its own height h, so
  // h ≥ expiry_height − max_tx_lifetime; a store may look no lower (node/recent_tx_ids.h).
  TestChain chain;
  EarliestHeightRecorder reader(chain.store());
  contracts::AdmissionContext context = NextBlockContext(chain);
  context.params.max_tx_lifetime = 50;
  for (auto [expiry, earliest] : {std::pair<uint64_t, uint64_t>{40, 0}, {50, 0}, {51, 1}}) {
    ledger::Transaction tx = DatasetRegisterTx(chain.key("maker"), "telemetry", expiry);
    reader.earliest.reset();
    REQUIRE(contracts::AdmitTransaction(tx, ledger::TxId(tx), context, reader).ok());
    CHECK(reader.earliest == std::optional<uint64_t>(earliest));
  }
}

TEST_CASE("A duplicate inside one candidate list is left out with kReplay", "[admission]") {
  TestChain chain;
  ledger::Transaction a = DatasetRegisterTx(chain.key("maker"), "telemetry", 10);
  ledger::Transaction b = DatasetRegisterTx(chain.key("analytics"), "weather", 10);
  ProducedBlock produced = chain.Produce({a, a, b, a});
  REQUIRE(produced.block.txs.size() == 2);
  CHECK(produced.block.txs[0] == a);
  CHECK(produced.block.txs[1] == b);
  REQUIRE(produced.rejected.size() == 2);
  for (const auto& rejected : produced.rejected) {
    CHECK(rejected.tx_id == ledger::TxId(a));
    CHECK(rejected.reason.code() == Code::kReplay);
  }
  CHECK(produced.block.results[0].code == Code::kOk);
  CHECK(produced.block.results[1].code == Code::kOk);
  CHECK(chain.store().FindTx(ledger::TxId(a)).value()->index == 0);
}

TEST_CASE("Expiry below the next height is kExpired", "[admission]") {
  TestChain chain;
  REQUIRE(chain.Produce({DatasetRegisterTx(chain.key("maker"), "first", 10)}).block.txs.size() ==
          1);
  REQUIRE(chain.store().Head().height == 1);  // the next height is 2
  for (uint64_t expiry : {uint64_t{0}, uint64_t{1}}) {
    INFO("expiry " << expiry);
    ledger::Transaction tx = DatasetRegisterTx(chain.key("maker"), "telemetry", expiry);
    CHECK(Admit(chain, tx).code() == Code::kExpired);
    ExpectProducerRefuses(chain, tx, Code::kExpired);
  }
  // The last height at which it may commit is its expiry height.
  CHECK(Admit(chain, DatasetRegisterTx(chain.key("maker"), "telemetry", 2)).ok());
}

TEST_CASE("Expiry beyond max_tx_lifetime is kExpiryTooFar", "[admission]") {
  TestChain chain;
  const uint64_t next = chain.store().Head().height + 1;
  const uint64_t lifetime = chain.genesis().params.max_tx_lifetime;
  REQUIRE(lifetime > 0);
  CHECK(Admit(chain, DatasetRegisterTx(chain.key("maker"), "telemetry", next + lifetime)).ok());
  for (uint64_t expiry : {next + lifetime + 1, ~uint64_t{0}}) {
    INFO("expiry " << expiry);
    ledger::Transaction tx = DatasetRegisterTx(chain.key("maker"), "telemetry", expiry);
    CHECK(Admit(chain, tx).code() == Code::kExpiryTooFar);
    ExpectProducerRefuses(chain, tx, Code::kExpiryTooFar);
  }
}

TEST_CASE("A refused candidate is left out while the rest of the block commits", "[admission]") {
  TestChain chain;
  auto stranger = KeyFromLabel("stranger");
  ledger::Transaction good = DatasetRegisterTx(chain.key("maker"), "telemetry", 10);
  ledger::Transaction unknown = DatasetRegisterTx(stranger, "weather", 10);
  ledger::Transaction expired = DatasetRegisterTx(chain.key("analytics"), "weather", 0);
  ProducedBlock produced = chain.Produce({unknown, good, expired});
  REQUIRE(produced.block.txs.size() == 1);
  CHECK(produced.block.txs[0] == good);
  REQUIRE(produced.rejected.size() == 2);
  CHECK(produced.rejected[0].tx_id == ledger::TxId(unknown));
  CHECK(produced.rejected[0].reason.code() == Code::kUnknownSigner);
  CHECK(produced.rejected[1].tx_id == ledger::TxId(expired));
  CHECK(produced.rejected[1].reason.code() == Code::kExpired);
  CHECK_FALSE(chain.store().Get(contracts::DatasetStateKey("weather")).value().has_value());
  CHECK_FALSE(chain.store().IsCommitted(ledger::TxId(unknown), 0).value());
  CHECK_FALSE(chain.store().FindTx(ledger::TxId(expired)).value().has_value());
}

// ---- The dataset.register contract ------------------------------------------------------

// Commits `txs` in one block and checks the stored state did not change at all.
ledger::Block CommitWithoutStateChange(TestChain& chain, std::vector<ledger::Transaction> txs) {
  auto state = StateSnapshot(chain.kv());
  node::ChainHead before = chain.store().Head();
  ProducedBlock produced = chain.Produce(std::move(txs));
  CHECK(produced.rejected.empty());
  CHECK(produced.block.header.height == before.height + 1);
  CHECK(StateSnapshot(chain.kv()) == state);
  CHECK(produced.block.header.state_root ==
        contracts::NextStateRoot(before.state_root, before.height + 1, {}));
  for (const auto& tx : produced.block.txs) {
    CHECK(chain.store().IsCommitted(ledger::TxId(tx), 0).value());  // committed, with its result
  }
  return produced.block;
}

TEST_CASE("dataset.register of a registered id commits with kAlreadyExists", "[contract]") {
  TestChain chain;
  REQUIRE(chain.Produce({DatasetRegisterTx(chain.key("maker"), "telemetry", 10)})
              .block.results.at(0)
              .code == Code::kOk);
  auto record_before = chain.store().Get(contracts::DatasetStateKey("telemetry")).value();
  REQUIRE(record_before.has_value());

  ledger::Block block =
      CommitWithoutStateChange(chain, {DatasetRegisterTx(chain.key("analytics"), "telemetry", 10)});
  REQUIRE(block.results.size() == 1);
  CHECK(block.results[0].code == Code::kAlreadyExists);
  CHECK(block.results[0].events.empty());
  CHECK(chain.store().Get(contracts::DatasetStateKey("telemetry")).value() == record_before);
}

TEST_CASE("dataset.register by a signer without the member role is kForbidden", "[contract]") {
  TestChain chain;
  ledger::Block block =
      CommitWithoutStateChange(chain, {DatasetRegisterTx(chain.key("auditor"), "telemetry", 10)});
  REQUIRE(block.results.size() == 1);
  CHECK(block.results[0].code == Code::kForbidden);
  CHECK_FALSE(chain.store().Get(contracts::DatasetStateKey("telemetry")).value().has_value());
}

TEST_CASE("dataset.register with an invalid id is kInvalidArgument", "[contract]") {
  TestChain chain;
  const std::vector<std::string> ids = {
      "", "Telemetry", "has space", "-leading-dash", ".leading-dot", "slash/inside", "caf\xC3\xA9"};
  std::vector<ledger::Transaction> txs;
  for (size_t i = 0; i < ids.size(); ++i) {
    txs.push_back(DatasetRegisterTx(chain.key("maker"), ids[i], 10, i + 1));
  }
  ledger::Block block = CommitWithoutStateChange(chain, txs);
  REQUIRE(block.results.size() == ids.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    INFO("id '" << ids[i] << "'");
    CHECK(block.results[i].code == Code::kInvalidArgument);
  }
}

TEST_CASE("dataset.register takes exactly one signer", "[contract]") {
  TestChain chain;
  ledger::Transaction tx =
      SignedTx({&chain.key("maker"), &chain.key("analytics")}, RegisterBody("telemetry"), 10);
  auto members =
      contracts::AdmitTransaction(tx, ledger::TxId(tx), NextBlockContext(chain), chain.store());
  REQUIRE(members.ok());  // the envelope is fine; the contract refuses it
  CHECK(*members == std::vector<std::string>{"maker", "analytics"});
  ledger::Block block = CommitWithoutStateChange(chain, {tx});
  REQUIRE(block.results.size() == 1);
  CHECK(block.results[0].code == Code::kInvalidArgument);
  CHECK_FALSE(chain.store().Get(contracts::DatasetStateKey("telemetry")).value().has_value());
}

TEST_CASE("dataset.register with a body that does not decode is refused", "[contract]") {
  TestChain chain;
  Bytes trailing = RegisterBody("telemetry");
  trailing.push_back(0);
  ledger::Block block =
      CommitWithoutStateChange(chain, {SignedTx({&chain.key("maker")}, {1, 2, 3}, 10, 1),
                                       SignedTx({&chain.key("maker")}, trailing, 10, 2)});
  REQUIRE(block.results.size() == 2);
  CHECK(block.results[0].code == Code::kMalformed);
  CHECK(block.results[1].code == Code::kTrailingBytes);
}

}  // namespace
}  // namespace covalue
