// The auditor's kit (node/audit/): a chain of four validators, certified by three, checked
// with only the genesis as trust — every single-byte change of a stored block, a changed
// certificate signature or result, a broken link, even a block the validators re-certified
// with a wrong state root or time or with a transaction that is not admissible, stops the
// audit naming the block; a data folder is read beside an open store and its state compared
// with the replay; bundles from block 1 and ranges from a certified anchor pass, and damaged
// ones fail. (Stored data and state versions: audit_stored_data_test.cpp; a hostile node API:
// audit_api_source_test.cpp.)
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "node/audit/bundle_chain_source.h"
#include "node/audit/bundle_writer.h"
#include "node/audit/chain_verifier.h"
#include "node/audit/data_folder_source.h"
#include "node/block_builder.h"
#include "node/proofs_api.h"
#include "node/storage/rocks_kv_store.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_support.h"
#include "tests/support/audit_certified_chain.h"

using namespace covalue;
using covalue::testing::BytesSource;
using covalue::testing::CertifiedChain;
using covalue::testing::DatasetRegisterTx;
using covalue::testing::KeyFromLabel;
using covalue::testing::NamesBlock;
using covalue::testing::Verify;

TEST_CASE(
    "audit: a sound chain passes with the genesis alone, and the report counts what was checked") {
  storage::MemoryKvStore kv;
  CertifiedChain chain(kv);
  auto blocks = chain.AddFive();
  BytesSource source(blocks);
  source.m_range.claimed_head = chain.store().Head();
  auto [status, report] = Verify(source, chain.genesis());
  INFO(status.ToString());
  REQUIRE(status.ok());
  CHECK(report.first_height == 1);
  CHECK(report.blocks == 5);
  CHECK(report.transactions == 6);
  CHECK(report.tx_signatures == 6);
  CHECK(report.certificates == 5);
  CHECK(report.certificate_signatures == 15);
  CHECK(report.state_replayed);
  CHECK(report.state_root == chain.store().Head().state_root);
  CHECK(report.log_size == 6);
  CHECK(report.log_root == chain.store().Head().log_root);
  CHECK(report.genesis_hash == ledger::GenesisHash(chain.genesis()));
  CHECK(blocks[2].results[0].code == Code::kAlreadyExists);  // a refused result is replayed too
}

TEST_CASE("audit: every single-byte change of a stored block stops the audit at that block") {
  storage::MemoryKvStore kv;
  CertifiedChain chain(kv);
  auto blocks = chain.AddFive();
  BytesSource source(blocks);
  const Bytes original = source.m_encoded[1];
  for (size_t offset = 0; offset < original.size(); ++offset) {
    source.m_encoded[1] = original;
    source.m_encoded[1][offset] ^= 0x01;
    auto [status, report] = Verify(source, chain.genesis());
    INFO("offset " << offset << ": " << status.ToString());
    REQUIRE(!status.ok());
    REQUIRE(NamesBlock(status, 2));
    CHECK(report.blocks == 1);
  }
}

TEST_CASE(
    "audit: certificates: a changed signature, too few signers or an unknown validator fail") {
  storage::MemoryKvStore kv;
  CertifiedChain chain(kv);
  auto blocks = chain.AddFive();
  struct Case {
    const char* name;
    std::function<void(consensus::CommitCertificate&)> change;
    const char* expected;
  };
  const std::vector<Case> cases = {
      {"a signature's bit", [](auto& c) { c.signatures[1].signature[7] ^= 0x10; },
       "does not verify"},
      {"below quorum", [](auto& c) { c.signatures.pop_back(); }, "quorum is 3"},
      {"unknown validator", [](auto& c) { c.signatures.back().validator_index = 9; },
       "validator 9"},
      {"another round", [](auto& c) { c.round = 1; }, "does not verify"},
      {"another block", [](auto& c) { c.block_id[0] ^= 1; }, "another block id"},
      {"signers repeated", [](auto& c) { c.signatures[1] = c.signatures[0]; }, "increasing order"},
  };
  for (const auto& c : cases) {
    auto changed = blocks;
    c.change(changed[3].certificate);
    BytesSource source(changed);
    auto [status, report] = Verify(source, chain.genesis());
    INFO(c.name << ": " << status.ToString());
    CHECK(NamesBlock(status, 4));
    CHECK(status.message().find("commit certificate") != std::string::npos);
    CHECK(status.message().find(c.expected) != std::string::npos);
    CHECK(report.blocks == 3);
  }
}

TEST_CASE("audit: a stored result that is not the replay's names the block and the transaction") {
  storage::MemoryKvStore kv;
  CertifiedChain chain(kv);
  auto blocks = chain.AddFive();
  auto changed = blocks;
  changed[1].results[1].message = "paid";
  BytesSource source(changed);
  auto [status, report] = Verify(source, chain.genesis());
  INFO(status.ToString());
  CHECK(NamesBlock(status, 2));
  CHECK(status.message().find("result of transaction 1") != std::string::npos);
  CHECK(status.message().find("the replay gives ok") != std::string::npos);

  changed = blocks;
  changed[2].results[0].code = Code::kOk;  // the refused duplicate made to look accepted
  BytesSource refused(changed);
  CHECK(NamesBlock(Verify(refused, chain.genesis()).first, 3));
}

TEST_CASE(
    "audit: links: a missing block, another chain's block, and blocks re-certified with a wrong "
    "time or "
    "state") {
  storage::MemoryKvStore kv;
  CertifiedChain chain(kv);
  auto blocks = chain.AddFive();

  auto gap = blocks;
  gap.erase(gap.begin() + 2);  // block 4 offered as block 3
  BytesSource gap_source(gap);
  Status status = Verify(gap_source, chain.genesis()).first;
  CHECK(NamesBlock(status, 3));

  // A quorum of validators that certifies a block does not make it right: the replay decides.
  auto recertified = [&](int index, const std::function<void(ledger::BlockHeader&)>& change) {
    auto changed = blocks;
    change(changed[index].header);
    changed[index].certificate = chain.Certify(changed[index].header);
    BytesSource source(changed);
    return Verify(source, chain.genesis()).first;
  };
  status = recertified(3, [](auto& h) { h.state_root[5] ^= 1; });
  INFO(status.ToString());
  CHECK(NamesBlock(status, 4));
  CHECK(status.message().find("'state_root'") != std::string::npos);
  status = recertified(3, [&](auto& h) { h.time_ms = blocks[2].header.time_ms; });
  CHECK(NamesBlock(status, 4));
  CHECK(status.message().find("is not after") != std::string::npos);
  status = recertified(1, [](auto& h) { h.log_size += 1; });
  CHECK(NamesBlock(status, 2));
  status = recertified(0, [](auto& h) { h.previous_id[0] ^= 1; });
  CHECK(NamesBlock(status, 1));
  CHECK(status.message().find("the genesis") != std::string::npos);
  status = recertified(2, [](auto& h) { h.proposer = KeyFromLabel("maker").public_key(); });
  CHECK(status.message().find("proposer is not a validator") != std::string::npos);

  // The same blocks under another genesis (another chain id): refused at block 1.
  ledger::Genesis other = chain.genesis();
  other.chain_id = "another-chain";
  BytesSource source(blocks);
  status = Verify(source, other).first;
  CHECK(NamesBlock(status, 1));
  CHECK(status.code() == Code::kWrongChain);
}

TEST_CASE(
    "audit: a certified block with a transaction that is not admissible fails at the replay") {
  storage::MemoryKvStore kv;
  CertifiedChain chain(kv);
  auto blocks = chain.AddFive();
  // The forger's method is sound: a forged block of admissible transactions would pass every
  // check before the replay, so what fails below fails at admission.
  {
    auto forged = blocks;
    forged.push_back(chain.Forge({}));
    BytesSource source(forged);
    auto [status, report] = Verify(source, chain.genesis());
    INFO(status.ToString());
    CHECK(status.ok());
    CHECK(report.blocks == 6);
  }
  struct Case {
    const char* name;
    ledger::Transaction tx;
    const char* expected;
  };
  const std::vector<Case> cases = {
      // Signed correctly, but by a key no member holds.
      {"unknown key", DatasetRegisterTx(KeyFromLabel("stranger"), "forged", 100, 1),
       "not admissible"},
      // Block 1's transaction again, byte for byte (its signature verifies).
      {"replayed from block 1", blocks[0].txs[0], "not admissible"},
  };
  for (const auto& c : cases) {
    auto forged = blocks;
    forged.push_back(chain.Forge({c.tx}));
    BytesSource source(forged);
    auto [status, report] = Verify(source, chain.genesis());
    INFO(c.name << ": " << status.ToString());
    CHECK(NamesBlock(status, 6));
    CHECK(status.message().find("the replay disagrees") != std::string::npos);
    CHECK(status.message().find(c.expected) != std::string::npos);
    CHECK(report.blocks == 5);
  }
}

namespace {

// A source over `blocks` that records the heights it is asked for (on VerifyChain's reading
// thread; looked at only once VerifyChain has returned) and fails the read of `fail_at`.
class RecordingSource final : public audit::ChainSource {
 public:
  explicit RecordingSource(const std::vector<ledger::Block>& blocks) : m_blocks(blocks) {}
  std::string Describe() const override { return "recording"; }
  const audit::SourceRange& range() const override { return m_blocks.range(); }
  Result<ledger::Block> ReadBlock(uint64_t height) override {
    read.push_back(height);
    if (height == fail_at) return Status(Code::kIoError, "injected read failure");
    return m_blocks.ReadBlock(height);
  }
  uint64_t fail_at = 0;
  std::vector<uint64_t> read;

 private:
  BytesSource m_blocks;
};

std::vector<uint64_t> Heights(uint64_t first, uint64_t last) {
  std::vector<uint64_t> heights;
  for (uint64_t h = first; h <= last; ++h) heights.push_back(h);
  return heights;
}

}  // namespace

TEST_CASE("audit: blocks are read once each, in order, a few ahead, and none after a failure") {
  storage::MemoryKvStore kv;
  CertifiedChain chain(kv);
  auto blocks = chain.AddFive();
  for (int i = 0; i < 15; ++i) blocks.push_back(chain.Add({}));

  SECTION("a sound chain: every block, once") {
    RecordingSource source(blocks);
    auto [status, report] = Verify(source, chain.genesis());
    REQUIRE(status.ok());
    CHECK(report.blocks == 20);
    CHECK(source.read == Heights(1, 20));
  }
  SECTION("a read that fails ends the audit at that block, and no later block is read") {
    RecordingSource source(blocks);
    source.fail_at = 8;
    auto [status, report] = Verify(source, chain.genesis());
    CHECK(status.code() == Code::kIoError);
    CHECK(status.message() == "block 8: injected read failure");
    CHECK(report.blocks == 7);
    CHECK(source.read == Heights(1, 8));
  }
  SECTION("a block that fails its check stops the reading a few blocks later") {
    blocks[2].header.state_root[5] ^= 1;
    blocks[2].certificate = chain.Certify(blocks[2].header);
    RecordingSource source(blocks);
    auto [status, report] = Verify(source, chain.genesis());
    CHECK(NamesBlock(status, 3));
    CHECK(report.blocks == 2);
    // Up to 4 verified blocks wait ahead of the one being checked, and one more may be under
    // way: at most block 3 + 5.
    REQUIRE(source.read.size() >= 3);
    CHECK(source.read.size() <= 8);
    CHECK(source.read == Heights(1, source.read.size()));
  }
}

TEST_CASE("audit: the head a source claims must be its last block") {
  storage::MemoryKvStore kv;
  CertifiedChain chain(kv);
  auto blocks = chain.AddFive();
  BytesSource source(blocks);
  node::ChainHead claimed = chain.store().Head();
  claimed.state_root[0] ^= 1;
  source.m_range.claimed_head = claimed;
  Status status = Verify(source, chain.genesis()).first;
  CHECK(status.message().rfind("head: ", 0) == 0);
}

TEST_CASE(
    "audit: a data folder is audited read-only beside its open store, its stored data compared") {
  covalue::testing::TempDir dir;
  const std::string path = dir.Sub("db");
  ledger::Genesis genesis;
  {
    auto kv = storage::RocksKvStore::Open(path);
    REQUIRE(kv.ok());
    CertifiedChain chain(**kv);
    chain.AddFive();
    genesis = chain.genesis();
    // The writer still holds the folder's lock: the auditor opens it read-only beside it.
    auto source = audit::DataFolderSource::Open(path, genesis);
    REQUIRE(source.ok());
    auto [status, report] = Verify(**source, genesis);
    INFO(status.ToString());
    CHECK(status.ok());
    CHECK(report.blocks == 5);
    CHECK(report.stored_data_compared);
    // Read-only means read-only.
    storage::RocksOptions read_only;
    read_only.read_only = true;
    auto reader = storage::RocksKvStore::Open(path, read_only);
    REQUIRE(reader.ok());
    storage::WriteBatch batch;
    batch.Put(AsBytes("st/x"), AsBytes("y"));
    CHECK((*reader)->Write(batch, true).code() == Code::kPermissionDenied);
  }
  ledger::Genesis other = genesis;
  other.chain_id = "another-chain";
  CHECK(audit::DataFolderSource::Open(path, other).status().code() == Code::kConflict);
  CHECK(audit::DataFolderSource::Open(dir.Sub("nothing-here"), genesis).status().code() ==
        Code::kNotFound);
  REQUIRE(storage::RocksKvStore::Open(dir.Sub("empty")).ok());  // a store, but no chain in it
  CHECK(audit::DataFolderSource::Open(dir.Sub("empty"), genesis).status().code() ==
        Code::kNotFound);

  // A state value changed behind the node's back: the chain still checks, the stored state
  // does not.
  {
    auto kv = storage::RocksKvStore::Open(path);
    REQUIRE(kv.ok());
    storage::WriteBatch batch;
    batch.Put(AsBytes("st/dataset/telemetry"), AsBytes("forged"));
    REQUIRE((*kv)->Write(batch, true).ok());
  }
  auto source = audit::DataFolderSource::Open(path, genesis);
  REQUIRE(source.ok());
  auto [status, report] = Verify(**source, genesis);
  INFO(status.ToString());
  CHECK(status.message() ==
        "stored data: the data folder's st/dataset/telemetry differs from the replay's");
  CHECK(report.blocks == 5);
}

TEST_CASE(
    "audit: bundles: from block 1 with a full replay, from an anchor without, and damaged ones") {
  covalue::testing::TempDir dir;
  storage::MemoryKvStore kv;
  CertifiedChain chain(kv);
  auto blocks = chain.AddFive();
  auto write = [&](const std::string& name, uint64_t from,
                   const std::vector<ledger::Block>& source) {
    audit::BundleInfo info{chain.genesis(), from, source.size(), std::nullopt};
    if (from > 1) {
      const ledger::Block& anchor = source[from - 2];
      auto frontier = crypto::MerkleFrontier(chain.store(), anchor.header.log_size);
      REQUIRE(frontier.ok());
      info.anchor = audit::RangeAnchor{anchor.header, anchor.certificate, *frontier};
    }
    auto writer = audit::BundleWriter::Create(dir.Sub(name), info);
    REQUIRE(writer.ok());
    for (uint64_t h = from; h <= source.size(); ++h) REQUIRE((*writer)->Append(source[h - 1]).ok());
    REQUIRE((*writer)->Finish().ok());
    return dir.Sub(name);
  };
  auto verify = [&](const std::string& path) {
    auto source = audit::BundleChainSource::Open(path);
    REQUIRE(source.ok());
    CHECK(ledger::GenesisHash((*source)->info().genesis) == ledger::GenesisHash(chain.genesis()));
    return Verify(**source, chain.genesis(), (*source)->info().anchor);
  };

  auto [full, full_report] = verify(write("full.cvb", 1, blocks));
  INFO(full.ToString());
  CHECK(full.ok());
  CHECK(full_report.state_replayed);
  CHECK(full_report.blocks == 5);

  auto [range, range_report] = verify(write("range.cvb", 3, blocks));
  INFO(range.ToString());
  CHECK(range.ok());
  CHECK(!range_report.state_replayed);
  CHECK(range_report.first_height == 3);
  CHECK(range_report.blocks == 3);
  CHECK(range_report.log_root == chain.store().Head().log_root);

  // Without a replay, a changed result is still caught: the certified log root hashes it.
  auto changed = blocks;
  changed[3].results[0].message = "changed";
  Status status = verify(write("changed.cvb", 3, changed)).first;
  CHECK(NamesBlock(status, 4));
  CHECK(status.message().find("log root") != std::string::npos);

  // An anchor whose frontier does not give its certified log root.
  audit::RangeAnchor anchor{blocks[1].header, blocks[1].certificate, {}};
  CHECK(audit::ChainVerifier::Create(chain.genesis(), anchor)
            .status()
            .message()
            .find("anchor block 2") == 0);

  // Cut short, or with bytes after the last block.
  std::string path = write("cut.cvb", 1, blocks);
  std::filesystem::resize_file(path, std::filesystem::file_size(path) - 10);
  status = verify(path).first;
  CHECK(NamesBlock(status, 5));
  CHECK(status.message().find("ends") != std::string::npos);
  path = write("long.cvb", 1, blocks);
  std::ofstream(path, std::ios::app | std::ios::binary) << "x";
  CHECK(NamesBlock(verify(path).first, 5));

  std::ofstream(dir.Sub("not.cvb")) << "hello";
  CHECK(audit::BundleChainSource::Open(dir.Sub("not.cvb")).status().code() == Code::kMalformed);
  audit::BundleInfo bad{chain.genesis(), 2, 5, std::nullopt};  // from > 1 without an anchor
  CHECK(audit::BundleWriter::Create(dir.Sub("bad.cvb"), bad).status().code() ==
        Code::kInvalidArgument);
}
