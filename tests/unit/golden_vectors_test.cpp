// Golden vectors: the exact bytes of every signed or hashed structure of the chain, built
// here from fixed inputs and compared with the hex in tests/vectors/*.json (transaction
// bodies and contract records: body_vectors_test.cpp; file machinery:
// tests/support/golden_vectors.h). Any change to a field's order, width, prefix or domain
// tag changes a byte and fails this test. When a format change is intended, run with
// COVALUE_UPDATE_VECTORS=1 to rewrite the files, review the diff, and bump the structure's
// version (tests/vectors/README.md).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "consensus/commit_certificate.h"
#include "contracts/dataset_register.h"
#include "contracts/member_record.h"
#include "contracts/state.h"
#include "crypto/hash.h"
#include "crypto/merkle.h"
#include "crypto/signing.h"
#include "ledger/block.h"
#include "ledger/genesis.h"
#include "ledger/transaction.h"
#include "ledger/tx_result.h"
#include "tests/support/golden_vectors.h"
#include "tests/support/test_support.h"

namespace covalue {
namespace {

using testing::CheckVectorFile;
using testing::H;
using testing::KeyFromLabel;
using testing::StoredBytes;
using testing::ToBytes;
using testing::UpdateMode;
using testing::VectorFile;

constexpr std::string_view kChain = "covalue-test";
constexpr int64_t kBlockTime = 1'700'000'000'123;

// ---- Fixed inputs ---------------------------------------------------------------------

contracts::DatasetRegisterBody SampleBody() {
  return {"telemetry", H("telemetry-v1 contents"), "ship telemetry, 2024"};
}
constexpr const char* kBodyInputs =
    "dataset_id 'telemetry', content_hash SHA-256('telemetry-v1 contents'), "
    "description 'ship telemetry, 2024'";

ledger::Transaction SampleTx() {
  ledger::Transaction tx;
  tx.chain_id = std::string(kChain);
  tx.kind = ledger::TxKind::kDatasetRegister;
  tx.nonce = 258;
  tx.expiry_height = 1000;
  auto maker = KeyFromLabel("maker");
  tx.signers = {maker.public_key()};
  tx.body = contracts::EncodeDatasetRegisterBody(SampleBody());
  REQUIRE(ledger::SignTransaction(tx, {&maker}).ok());
  return tx;
}
constexpr const char* kTxInputs =
    "chain_id 'covalue-test', kind dataset.register (1), nonce 258, expiry_height 1000, "
    "signers [KeyFromLabel('maker')], body = dataset_register_body, signed by "
    "KeyFromLabel('maker')";

ledger::Transaction TwoSignerTx() {
  ledger::Transaction tx;
  tx.chain_id = std::string(kChain);
  tx.nonce = 2;
  tx.expiry_height = 1001;
  auto maker = KeyFromLabel("maker");
  auto analytics = KeyFromLabel("analytics");
  tx.signers = {maker.public_key(), analytics.public_key()};
  tx.body = contracts::EncodeDatasetRegisterBody(SampleBody());
  REQUIRE(ledger::SignTransaction(tx, {&maker, &analytics}).ok());
  return tx;
}
constexpr const char* kTwoSignerInputs =
    "chain_id 'covalue-test', kind 1, nonce 2, expiry_height 1001, signers "
    "[KeyFromLabel('maker'), KeyFromLabel('analytics')], body = dataset_register_body, "
    "signed by both";

ledger::TxResult OkResult() {
  ledger::TxResult r;
  r.events.push_back({"dataset.registered",
                      {{"dataset", "telemetry"},
                       {"owner", "maker"},
                       {"content_hash", ToHex(SampleBody().content_hash)}}});
  return r;
}
constexpr const char* kOkResultInputs =
    "code ok (0), message '', events [dataset.registered {dataset: telemetry, owner: maker, "
    "content_hash: hex of SHA-256('telemetry-v1 contents')}]";

ledger::BlockHeader SampleHeader() {
  ledger::BlockHeader h;
  h.chain_id = std::string(kChain);
  h.height = 5;
  h.time_ms = kBlockTime;
  h.previous_id = H("block-4");
  h.txs_root = ledger::TransactionsRoot({SampleTx()});
  h.log_root = H("log-root");
  h.log_size = 9;
  h.state_root = H("state-5");
  h.proposer = KeyFromLabel("validator").public_key();
  return h;
}
constexpr const char* kHeaderInputs =
    "chain_id 'covalue-test', height 5, time_ms 1700000000123, previous_id SHA-256('block-4'), "
    "txs_root = transactions_root.one, log_root SHA-256('log-root'), log_size 9, "
    "state_root SHA-256('state-5'), proposer KeyFromLabel('validator')";

contracts::DatasetRecord SampleRecord() {
  return {"telemetry", "maker", SampleBody().content_hash, SampleBody().description, 5, kBlockTime};
}

// ---- The vectors ----------------------------------------------------------------------

TEST_CASE("Golden vectors: keys", "[vectors]") {
  VectorFile f{
      "keys.json", "Public keys of KeyFromLabel(label) = Ed25519 from seed SHA-256(label).", {}};
  for (const char* label :
       {"maker", "maker-2", "analytics", "auditor", "validator", "validator-0", "validator-2"}) {
    f.vectors.push_back({std::string("public_key.") + label,
                         std::string("KeyFromLabel('") + label + "')",
                         ToBytes(KeyFromLabel(label).public_key())});
  }
  CheckVectorFile(f);
}

TEST_CASE("Golden vectors: transaction", "[vectors]") {
  ledger::Transaction tx = SampleTx();
  ledger::Transaction two = TwoSignerTx();
  VectorFile f{"transaction.json",
               "Transaction envelope: u16 version ‖ string chain_id ‖ u16 kind ‖ u64 nonce ‖ u64 "
               "expiry_height ‖ u32 count ‖ signer keys (32 each) ‖ bytes body ‖ u32 count ‖ "
               "signatures (64 each). Payload: the same without chain_id and signatures. Sign "
               "bytes: string 'covalue/transaction/v1' ‖ string chain_id ‖ payload. Id: SHA-256 "
               "of the sign bytes.",
               {}};
  f.vectors = {
      {"dataset_register_body", kBodyInputs, contracts::EncodeDatasetRegisterBody(SampleBody())},
      {"one_signer.encoding", kTxInputs, ledger::EncodeTransaction(tx)},
      {"one_signer.payload", kTxInputs, ledger::EncodeTxPayload(tx)},
      {"one_signer.sign_bytes", kTxInputs, ledger::TxSignBytes(tx)},
      {"one_signer.id", kTxInputs, ToBytes(ledger::TxId(tx))},
      {"one_signer.signature", kTxInputs, ToBytes(tx.signatures.at(0))},
      {"two_signers.encoding", kTwoSignerInputs, ledger::EncodeTransaction(two)},
      {"two_signers.id", kTwoSignerInputs, ToBytes(ledger::TxId(two))},
  };
  CheckVectorFile(f);
  if (!UpdateMode()) {
    auto decoded =
        ledger::DecodeTransaction(StoredBytes("transaction.json", "one_signer.encoding"));
    REQUIRE(decoded.ok());
    CHECK(*decoded == tx);
    CHECK(ledger::VerifyTransactionSignatures(*decoded).ok());
  }
}

TEST_CASE("Golden vectors: vote", "[vectors]") {
  auto key = KeyFromLabel("validator");
  Hash32 id = H("block-5");
  auto payload = consensus::VotePayload(consensus::VoteType::kPrecommit, 5, 2, id);
  const char* inputs =
      "precommit (2), height 5, round 2, block_id SHA-256('block-5'), chain "
      "'covalue-test', KeyFromLabel('validator')";
  VectorFile f{"vote.json",
               "Vote payload: u8 type ‖ u64 height ‖ u32 round ‖ hash32 block_id. Sign bytes: "
               "string 'covalue/vote/v1' ‖ string chain_id ‖ payload.",
               {}};
  f.vectors = {
      {"precommit.payload", inputs, payload},
      {"precommit.sign_bytes", inputs, crypto::SignBytes(crypto::Domain::kVote, kChain, payload)},
      {"precommit.signature", inputs,
       ToBytes(consensus::SignVote(key, kChain, consensus::VoteType::kPrecommit, 5, 2, id))},
      {"prevote.payload", "prevote (1), height 5, round 2, block_id SHA-256('block-5')",
       consensus::VotePayload(consensus::VoteType::kPrevote, 5, 2, id)},
  };
  CheckVectorFile(f);
}

TEST_CASE("Golden vectors: commit certificate", "[vectors]") {
  Hash32 id = H("block-5");
  consensus::CommitCertificate c;
  c.height = 5;
  c.round = 2;
  c.block_id = id;
  for (uint32_t index : {0u, 2u}) {
    auto key = KeyFromLabel("validator-" + std::to_string(index));
    c.signatures.push_back(
        {index, consensus::SignVote(key, kChain, consensus::VoteType::kPrecommit, 5, 2, id)});
  }
  codec::Writer w;
  consensus::EncodeCommitCertificate(w, c);
  VectorFile f{"commit_certificate.json",
               "Commit certificate: u64 height ‖ u32 round ‖ hash32 block_id ‖ u32 count ‖ "
               "(u32 validator_index ‖ signature 64) each.",
               {{"two_signatures.encoding",
                 "height 5, round 2, block_id SHA-256('block-5'), precommits of validator 0 "
                 "(KeyFromLabel('validator-0')) and 2 (KeyFromLabel('validator-2')), chain "
                 "'covalue-test'",
                 w.bytes()}}};
  CheckVectorFile(f);
}

TEST_CASE("Golden vectors: transaction result", "[vectors]") {
  ledger::TxResult rejected;
  rejected.code = Code::kAlreadyExists;
  rejected.message = "dataset 'telemetry' is registered";
  VectorFile f{"tx_result.json",
               "Result: u16 code ‖ string message ‖ u32 count ‖ events (string kind ‖ u32 count "
               "‖ (string key ‖ string value) each).",
               {{"ok_with_event.encoding", kOkResultInputs, ledger::EncodeTxResult(OkResult())},
                {"already_exists.encoding",
                 "code already_exists (21), message \"dataset 'telemetry' is registered\", no "
                 "events",
                 ledger::EncodeTxResult(rejected)}}};
  CheckVectorFile(f);
}

TEST_CASE("Golden vectors: block", "[vectors]") {
  ledger::Block block;
  block.header = SampleHeader();
  block.txs = {SampleTx()};
  block.results = {OkResult()};
  Hash32 id = ledger::BlockId(block.header);
  block.certificate.height = 5;
  block.certificate.round = 0;
  block.certificate.block_id = id;
  block.certificate.signatures = {
      {0, consensus::SignVote(KeyFromLabel("validator"), kChain, consensus::VoteType::kPrecommit, 5,
                              0, id)}};
  VectorFile f{"block.json",
               "Header: u16 version ‖ string chain_id ‖ u64 height ‖ i64 time_ms ‖ hash32 "
               "previous_id ‖ hash32 txs_root ‖ hash32 log_root ‖ u64 log_size ‖ hash32 "
               "state_root ‖ key32 proposer. Block id: SHA-256 of the header. Block: header ‖ "
               "u32 count ‖ transactions ‖ u32 count ‖ results ‖ commit certificate.",
               {}};
  f.vectors = {
      {"header.encoding", kHeaderInputs, ledger::EncodeBlockHeader(block.header)},
      {"header.block_id", kHeaderInputs, ToBytes(id)},
      {"block.encoding",
       std::string("header as header.encoding, txs [transaction one_signer], results "
                   "[ok_with_event], certificate height 5 round 0 block_id header.block_id with "
                   "the precommit of validator 0 = KeyFromLabel('validator')"),
       ledger::EncodeBlock(block)},
  };
  CheckVectorFile(f);
  if (!UpdateMode()) {
    auto decoded = ledger::DecodeBlock(StoredBytes("block.json", "block.encoding"));
    REQUIRE(decoded.ok());
    CHECK(*decoded == block);
  }
  // With a certificate in place of its own (the consensus value's empty one): the same bytes as
  // the block holding that certificate.
  ledger::Block bare = block;
  bare.certificate = {};
  CHECK(ledger::EncodeBlock(block, consensus::CommitCertificate{}) == ledger::EncodeBlock(bare));
  CHECK(ledger::EncodeBlock(bare, block.certificate) == ledger::EncodeBlock(block));
}

TEST_CASE("Golden vectors: Merkle log leaf and transactions root", "[vectors]") {
  ledger::Transaction tx = SampleTx();
  ledger::Transaction two = TwoSignerTx();
  Bytes leaf = ledger::EncodeLogLeaf(5, 3, ledger::TxId(tx), OkResult());
  const char* leaf_inputs =
      "height 5, index 3, tx id of transaction one_signer, result ok_with_event";
  VectorFile f{"merkle.json",
               "Log leaf: u64 height ‖ u32 index ‖ hash32 tx_id ‖ hash32 SHA-256(result). Leaf "
               "hash: SHA-256(0x00 ‖ leaf). Transactions root: RFC 6962 root over leaves = tx ids.",
               {}};
  f.vectors = {
      {"log_leaf.encoding", leaf_inputs, leaf},
      {"log_leaf.hash", leaf_inputs, ToBytes(crypto::MerkleLeafHash(leaf))},
      {"transactions_root.empty", "no transactions", ToBytes(ledger::TransactionsRoot({}))},
      {"transactions_root.one", "[one_signer]", ToBytes(ledger::TransactionsRoot({tx}))},
      {"transactions_root.three", "[one_signer, two_signers, one_signer]",
       ToBytes(ledger::TransactionsRoot({tx, two, tx}))},
  };
  CheckVectorFile(f);
}

TEST_CASE("Golden vectors: genesis", "[vectors]") {
  ledger::Genesis g;
  g.chain_id = std::string(kChain);
  g.genesis_time_ms = 1'600'000'000'000;
  g.members = {{"analytics", ledger::kRoleMember, {KeyFromLabel("analytics").public_key()}},
               {"auditor", ledger::kRoleAuditor, {KeyFromLabel("auditor").public_key()}},
               {"maker",
                ledger::kRoleMember | ledger::kRoleValidator,
                {KeyFromLabel("maker").public_key(), KeyFromLabel("maker-2").public_key()}}};
  g.validators = {{"validator", KeyFromLabel("validator").public_key()}};
  g.params.max_block_txs = 500;
  g.params.max_block_bytes = 1u << 20;
  g.params.max_tx_lifetime = 300;
  REQUIRE(ledger::ValidateGenesis(g).ok());
  const char* inputs =
      "chain 'covalue-test', time 1600000000000, members analytics (member, "
      "[KeyFromLabel('analytics')]), auditor (auditor, [KeyFromLabel('auditor')]), maker "
      "(member|validator, [KeyFromLabel('maker'), KeyFromLabel('maker-2')]); validators "
      "[validator: KeyFromLabel('validator')]; max_block_txs 500, max_block_bytes 1048576, "
      "max_tx_lifetime 300";
  VectorFile f{"genesis.json",
               "Genesis: u16 version ‖ string chain_id ‖ i64 time_ms ‖ u32 count ‖ members "
               "(string id ‖ u32 roles ‖ u32 count ‖ keys) ‖ u32 count ‖ validators (string name "
               "‖ key32) ‖ u32 max_block_txs ‖ u64 max_tx_lifetime. Hash: SHA-256.",
               {{"encoding", inputs, ledger::EncodeGenesis(g)},
                {"hash", inputs, ToBytes(ledger::GenesisHash(g))}}};
  CheckVectorFile(f);
}

TEST_CASE("Golden vectors: contract records", "[vectors]") {
  contracts::MemberRecord member{
      "maker",
      ledger::kRoleMember | ledger::kRoleValidator,
      {KeyFromLabel("maker").public_key(), KeyFromLabel("maker-2").public_key()}};
  VectorFile f{"records.json",
               "Stored records. Member: u16 version ‖ string id ‖ u32 roles ‖ u32 count ‖ keys. "
               "Dataset: u16 version ‖ string id ‖ string owner ‖ hash32 content_hash ‖ string "
               "description ‖ u64 registered_height ‖ i64 registered_time_ms.",
               {}};
  f.vectors = {
      {"member_record",
       "maker, roles member|validator (3), keys [KeyFromLabel('maker'), "
       "KeyFromLabel('maker-2')]",
       contracts::EncodeMemberRecord(member)},
      {"dataset_record", std::string(kBodyInputs) + ", owner 'maker', height 5, time 1700000000123",
       contracts::EncodeDatasetRecord(SampleRecord())},
  };
  CheckVectorFile(f);
}

TEST_CASE("Golden vectors: state root", "[vectors]") {
  contracts::StateChanges genesis_changes;
  genesis_changes["member/maker"] = Bytes{0x01, 0x02};
  genesis_changes["key/abcd"] = ToBytes(AsBytes("maker"));
  contracts::StateChanges block_changes;
  block_changes["dataset/telemetry"] = contracts::EncodeDatasetRecord(SampleRecord());
  block_changes["dataset/old"] = std::nullopt;
  block_changes["member/maker"] = Bytes{};
  VectorFile f{"state_root.json",
               "state_root(h) = SHA-256(string 'covalue/state/v1' ‖ previous root ‖ u64 h ‖ u32 "
               "count ‖ (string key ‖ u8 present ‖ [bytes value]) in key order).",
               {}};
  f.vectors = {
      {"genesis",
       "previous 32 zero bytes, height 0, changes {key/abcd: 'maker', member/maker: 0102}",
       ToBytes(contracts::NextStateRoot(Hash32{}, 0, genesis_changes))},
      {"block",
       "previous SHA-256('state-4'), height 5, changes {dataset/old: deleted, dataset/telemetry: "
       "records.dataset_record, member/maker: empty value}",
       ToBytes(contracts::NextStateRoot(H("state-4"), 5, block_changes))},
      {"empty_block", "previous SHA-256('state-5'), height 6, no changes",
       ToBytes(contracts::NextStateRoot(H("state-5"), 6, {}))},
  };
  CheckVectorFile(f);
}

}  // namespace
}  // namespace covalue
