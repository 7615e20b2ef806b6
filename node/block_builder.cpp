#include "node/block_builder.h"

#include <algorithm>

#include "node/signature_check.h"

namespace covalue::node {
namespace {

// Executes `txs` at the next height and computes the header fields that follow from them.
Result<BuiltBlock> Execute(const ChainStore& store, const ledger::Genesis& genesis,
                           const crypto::PublicKey& proposer, int64_t time_ms,
                           std::vector<ledger::Transaction> txs,
                           const VerifiedPredicate& is_verified) {
  ChainHead head = store.Head();
  BuiltBlock built;
  ledger::BlockHeader& header = built.block.header;
  header.chain_id = genesis.chain_id;
  header.height = head.height + 1;
  header.time_ms = time_ms;
  header.previous_id = head.block_id;
  header.proposer = proposer;

  contracts::BlockContext context{genesis.chain_id, header.height, header.time_ms,
                                  genesis.params, is_verified};
  COVALUE_ASSIGN_OR_RETURN(built.execution, contracts::ExecuteBlock(store, context, std::move(txs)));
  crypto::MerkleLogWriter log(store, head.log_size);
  for (uint32_t i = 0; i < built.execution.txs.size(); ++i) {
    const auto& executed = built.execution.txs[i];
    COVALUE_RETURN_IF_ERROR(log.Append(crypto::MerkleLeafHash(
        ledger::EncodeLogLeaf(header.height, i, executed.tx_id, executed.outcome.result))));
    built.block.txs.push_back(executed.tx);
    built.block.results.push_back(executed.outcome.result);
  }
  header.txs_root = ledger::TransactionsRoot(built.block.txs);
  COVALUE_ASSIGN_OR_RETURN(header.log_root, log.Root());
  header.log_size = log.size();
  header.state_root =
      contracts::NextStateRoot(head.state_root, header.height, built.execution.changes);
  built.log_nodes = log.new_nodes();
  return built;
}

}  // namespace

Result<BuiltBlock> BuildBlock(const ChainStore& store, const ledger::Genesis& genesis,
                              const crypto::PublicKey& proposer, int64_t time_ms,
                              std::vector<ledger::Transaction> candidates,
                              const VerifiedPredicate& is_verified) {
  int64_t head_time = store.Head().time_ms;
  int64_t time = head_time == INT64_MAX ? head_time : std::max(time_ms, head_time + 1);
  return Execute(store, genesis, proposer, time, std::move(candidates), is_verified);
}

Result<BuiltBlock> ReplayBlock(const ChainStore& store, const ledger::Genesis& genesis,
                               const ledger::Block& proposed,
                               const VerifiedPredicate& is_verified,
                               std::optional<int64_t> latest_time_ms, WorkerPool* pool) {
  const ledger::BlockHeader& claimed = proposed.header;
  COVALUE_RETURN_IF_ERROR(ledger::CheckBlockBody(proposed));
  ChainHead head = store.Head();
  if (claimed.time_ms <= head.time_ms) {
    return Status(Code::kInvalidArgument, "block time does not increase");
  }
  if (latest_time_ms && claimed.time_ms > *latest_time_ms) {
    return Status(Code::kInvalidArgument, "block time is too far in the future");
  }
  bool proposer_known = false;
  for (const auto& v : genesis.validators) proposer_known = proposer_known || v.key == claimed.proposer;
  if (!proposer_known) return Status(Code::kInvalidArgument, "block proposer is not a validator");
  VerifiedPredicate verified = is_verified;
  std::optional<VerifiedTxs> checked;
  if (pool != nullptr) {
    // Asks `is_verified` (a mempool lookup) once per transaction, here.
    checked.emplace(VerifiedTxs::Check(proposed.txs, is_verified, pool));
    verified = checked->Predicate();
  }
  COVALUE_ASSIGN_OR_RETURN(BuiltBlock built, Execute(store, genesis, claimed.proposer, claimed.time_ms,
                                                     proposed.txs, verified));
  if (!built.execution.rejected.empty()) {
    const auto& first = built.execution.rejected.front();
    return Status(Code::kInvalidArgument, "block holds a transaction that is not admissible (" +
                                              first.reason.ToString() + ")");
  }
  const ledger::BlockHeader& mine = built.block.header;
  auto differs = [](const char* field) {
    return Status(Code::kInvalidArgument, std::string("block header field '") + field +
                                              "' differs from this node's execution");
  };
  if (claimed.chain_id != mine.chain_id) return differs("chain_id");
  if (claimed.height != mine.height) return differs("height");
  if (claimed.previous_id != mine.previous_id) return differs("previous_id");
  if (claimed.txs_root != mine.txs_root) return differs("txs_root");
  if (claimed.log_root != mine.log_root) return differs("log_root");
  if (claimed.log_size != mine.log_size) return differs("log_size");
  if (claimed.state_root != mine.state_root) return differs("state_root");
  // The proposed results are not trusted: built carries this node's own, which produced the
  // header's log root (whose leaves hash every result) and so equal the proposer's.
  return built;
}

Status CommitBuiltBlock(ChainStore& store, BuiltBlock& built,
                        consensus::CommitCertificate certificate, bool sync) {
  built.block.certificate = std::move(certificate);
  return store.CommitBlock(built.block, built.execution, built.log_nodes, sync);
}

Bytes BlockValue(const ledger::Block& block) {
  return ledger::EncodeBlock(block, consensus::CommitCertificate{});
}

Result<ledger::Block> DecodeBlockValue(ByteView value) {
  COVALUE_ASSIGN_OR_RETURN(ledger::Block block, ledger::DecodeBlock(value));
  if (!(block.certificate == consensus::CommitCertificate{})) {
    return Status(Code::kInvalidArgument, "a proposed block carries a certificate");
  }
  return block;
}

}  // namespace covalue::node
