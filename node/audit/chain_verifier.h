// ChainVerifier: the auditor's check of a chain with only the genesis as trust
// (docs/spec/audit.md). Blocks are fed in height order; each is checked — header links,
// body, commit certificate against the genesis validators, every transaction signature, then
// a replay through the real executor on a fresh in-memory state started from the genesis
// (state root, results, Merkle log root and size) — and the first inconsistency stops the
// audit with a Status "block H: <what differs>". A range that does not start at block 1
// starts from a certified anchor instead and cannot replay state (docs/spec/audit-bundle.md).
// The verifier owns its replay store. Not thread-safe: one thread feeds it — except
// VerifySignatures, which reads no state and may run on another thread meanwhile (VerifyChain
// verifies later blocks' signatures while an earlier one replays).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "consensus/commit_certificate.h"
#include "crypto/merkle.h"
#include "ledger/block.h"
#include "ledger/genesis.h"
#include "node/audit/chain_source.h"
#include "node/chain_store.h"
#include "node/storage/memory_kv_store.h"
#include "node/worker_pool.h"

namespace covalue::audit {

// What an audit checked; filled in as blocks pass, so after a failure it says how far it got.
struct AuditReport {
  std::string chain_id;
  Hash32 genesis_hash{};
  uint64_t first_height = 1;  // the first block checked
  uint64_t blocks = 0;        // blocks that passed: first_height .. first_height + blocks - 1
  uint64_t transactions = 0;
  uint64_t tx_signatures = 0;           // verified
  uint64_t certificates = 0;            // checked
  uint64_t certificate_signatures = 0;  // verified
  bool state_replayed = false;          // from the genesis; false for a range (not replayed)
  bool stored_data_compared = false;    // a data folder's derived data equals the replay's:
  uint64_t state_versions_from = 0;     // its state versions compared from this height on
  Hash32 state_root{};                  // after the last block that passed
  uint64_t log_size = 0;
  Hash32 log_root{};
};

// Block from−1 of a range that starts at from > 1: its certified header and the Merkle log's
// perfect-subtree roots at its log size (the log's frontier), checked against that header.
struct RangeAnchor {
  ledger::BlockHeader header;
  consensus::CommitCertificate certificate;
  std::vector<crypto::MerkleNode> log_frontier;
};

// `header` is final: its chain id is the genesis's and `certificate` holds a quorum of valid
// precommit signatures of the genesis validators for (header.height, BlockId(header)).
Status CheckCertifiedHeader(const ledger::BlockHeader& header,
                            const consensus::CommitCertificate& certificate,
                            const ledger::Genesis& genesis,
                            const consensus::ValidatorSet& validators);

// What verifying a block's signatures found (ChainVerifier::VerifySignatures): for each
// transaction, Ok or why its signatures do not hold; and CheckCertifiedHeader of its header
// and certificate.
struct BlockSignatures {
  std::vector<Status> txs;
  Status certificate;
};

class ChainVerifier {
 public:
  // From the genesis (a full replay), or from a certified anchor (kInvalidArgument "anchor
  // block H: …" if it does not check).
  static Result<std::unique_ptr<ChainVerifier>> Create(
      const ledger::Genesis& genesis, std::optional<RangeAnchor> anchor = std::nullopt);

  // The height CheckBlock expects next.
  uint64_t next_height() const { return m_previous.height + 1; }
  // Checks block next_height() and, if it passes, moves on. After a failure every later call
  // fails with the same Status. `signatures`: VerifySignatures(block) if already done.
  Status CheckBlock(const ledger::Block& block, const BlockSignatures* signatures = nullptr);
  // Whether each of `block`'s transactions' signatures hold, and its certificate, all on
  // every core. Thread-safe; reads no state.
  BlockSignatures VerifySignatures(const ledger::Block& block);
  // After the last block: what a source claims its head is equals that block.
  Status CheckClaimedHead(const node::ChainHead& claimed);
  // After the last block: a data folder's derived data — the state, the transaction, history
  // and block-time indexes, the Merkle log nodes, the blocks as stored, the head, and the
  // state versions from the height the folder keeps them from — equals what the replay
  // wrote or implies (stored_data_check.h; only after a full replay).
  Status CompareStoredData(const storage::KvStore& stored);

  const AuditReport& report() const { return m_report; }

 private:
  ChainVerifier(const ledger::Genesis& genesis, consensus::ValidatorSet validators)
      : m_genesis(genesis), m_validators(std::move(validators)) {}
  // Every check of `block` before the replay: links to the previous block (m_previous: its
  // height, id and time), body, certificate, signatures. Reads no state.
  Status CheckBlockAlone(const ledger::Block& block, const BlockSignatures* signatures);
  Status ReplayBlock(const ledger::Block& block);
  Status CheckRangeLog(const ledger::Block& block);
  Status Fail(uint64_t height, const Status& status);
  // The report's roots are those of m_previous.
  void ReportRoots();

  const ledger::Genesis m_genesis;
  const consensus::ValidatorSet m_validators;
  node::ChainHead m_previous;  // the last block that passed (the genesis or the anchor first)
  AuditReport m_report;
  Status m_failure;
  node::WorkerPool m_pool;  // transaction signatures are verified on every core
  // Full replay: a fresh chain store over memory, started from the genesis.
  std::unique_ptr<storage::MemoryKvStore> m_replay_kv;
  std::unique_ptr<node::ChainStore> m_replay;
  // Range: the log from the anchor's frontier on.
  std::unique_ptr<crypto::MemoryMerkleNodes> m_frontier;
  std::unique_ptr<crypto::MerkleLogWriter> m_range_log;
};

// Reads every block of `source` in order into `verifier`, then checks the source's claimed
// head and (a data folder) its stored data. The first inconsistency is returned; the report
// says what passed. Blocks are read and their signatures verified on a thread of its own
// while earlier ones are checked and replayed: up to 4 verified blocks wait, and a fifth may
// be under way.
Status VerifyChain(ChainSource& source, ChainVerifier& verifier);

}  // namespace covalue::audit
