// Block building and checking, shared by every way a block reaches the chain: the proposer
// builds one from mempool candidates (BuildBlock); a validator re-executes a proposed block
// and checks every header field against its own result (ReplayBlock) — also what block
// sync and the auditor's replay do; and a certified block is committed in one batch
// (CommitBuiltBlock). The consensus value of a block is its encoding with an empty
// certificate, named by its header hash. `is_verified` says which transactions' signatures
// were checked already (contracts::BlockContext). Stateless functions; the store's rules
// apply.
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "consensus/commit_certificate.h"
#include "ledger/genesis.h"
#include "node/chain_store.h"
#include "node/signature_check.h"
#include "node/worker_pool.h"

namespace covalue::node {

struct BuiltBlock {
  ledger::Block block;  // certificate empty until committed
  contracts::BlockExecution execution;
  std::vector<crypto::MerkleNode> log_nodes;
};

// Executes `candidates` on the head of `store` and fills in a complete header (height,
// time, previous id, transactions/log/state roots, proposer). Candidates refused by
// admission are left out and listed in execution.rejected. Time is max(time_ms, head + 1).
Result<BuiltBlock> BuildBlock(const ChainStore& store, const ledger::Genesis& genesis,
                              const crypto::PublicKey& proposer, int64_t time_ms,
                              std::vector<ledger::Transaction> candidates,
                              const VerifiedPredicate& is_verified);

// Re-executes `proposed` on the head of `store`. kMalformed if its body is not the one its
// header names (ledger::CheckBlockBody); kInvalidArgument if its time does not increase or
// is after `latest_time_ms` (set when judging a proposal: the local clock plus the allowed
// drift), its proposer is not a validator, a transaction is not admissible, or a header
// field differs from this node's execution (named). The proposed results are replaced by
// this node's own. With a `pool`, the signatures `is_verified` does not vouch for are verified
// first on all of its threads (node/signature_check.h); the execution then takes those that
// hold as verified, and verifies again — in order, giving the same result — those that do not.
Result<BuiltBlock> ReplayBlock(const ChainStore& store, const ledger::Genesis& genesis,
                               const ledger::Block& proposed,
                               const VerifiedPredicate& is_verified,
                               std::optional<int64_t> latest_time_ms = std::nullopt,
                               WorkerPool* pool = nullptr);

// Sets `built`'s certificate to `certificate` (which the caller verified) and commits it in one
// batch, synced unless `sync` is false (ChainStore::CommitBlock). `built` stays the caller's,
// certificate included.
Status CommitBuiltBlock(ChainStore& store, BuiltBlock& built,
                        consensus::CommitCertificate certificate, bool sync = true);

// The consensus value of a block: EncodeBlock with an empty certificate; its id is BlockId.
Bytes BlockValue(const ledger::Block& block);
Result<ledger::Block> DecodeBlockValue(ByteView value);

}  // namespace covalue::node
