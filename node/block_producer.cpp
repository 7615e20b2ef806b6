#include "node/block_producer.h"

#include <algorithm>

#include "consensus/commit_certificate.h"

namespace covalue::node {

Result<BlockProducer> BlockProducer::Create(ChainStore& store, const ledger::Genesis& genesis,
                                            const crypto::KeyPair& key, const Clock& clock) {
  COVALUE_ASSIGN_OR_RETURN(auto validators, consensus::ValidatorSet::Create(genesis.validators));
  if (validators.size() != 1 || validators.at(0).key != key.public_key()) {
    return Status(Code::kInvalidArgument,
                  "this node's key is not the single validator of the genesis; networks of " +
                      std::to_string(validators.size()) + " validators need the BFT engine");
  }
  return BlockProducer(store, genesis, std::move(validators), key, clock);
}

Result<ProducedBlock> BlockProducer::Produce(std::vector<ledger::Transaction> candidates) {
  ChainHead head = m_store.Head();
  ledger::BlockHeader header;
  header.chain_id = m_genesis.chain_id;
  header.height = head.height + 1;
  header.time_ms = std::max(m_clock.NowMillis(), head.time_ms + 1);
  header.previous_id = head.block_id;
  header.proposer = m_key.public_key();

  contracts::BlockContext context{m_genesis.chain_id, header.height, header.time_ms,
                                  m_genesis.params, /*verify_signatures=*/false};
  COVALUE_ASSIGN_OR_RETURN(auto execution,
                           contracts::ExecuteBlock(m_store, context, std::move(candidates)));
  ProducedBlock produced;
  produced.rejected = std::move(execution.rejected);
  if (execution.txs.empty()) return produced;

  crypto::MerkleLogWriter log(m_store, head.log_size);
  ledger::Block& block = produced.block;
  for (uint32_t i = 0; i < execution.txs.size(); ++i) {
    const auto& executed = execution.txs[i];
    COVALUE_RETURN_IF_ERROR(log.Append(crypto::MerkleLeafHash(
        ledger::EncodeLogLeaf(header.height, i, executed.tx_id, executed.outcome.result))));
    block.txs.push_back(executed.tx);
    block.results.push_back(executed.outcome.result);
  }
  header.txs_root = ledger::TransactionsRoot(block.txs);
  COVALUE_ASSIGN_OR_RETURN(header.log_root, log.Root());
  header.log_size = log.size();
  header.state_root = contracts::NextStateRoot(head.state_root, header.height, execution.changes);
  block.header = header;

  Hash32 block_id = ledger::BlockId(header);
  block.certificate.height = header.height;
  block.certificate.round = 0;
  block.certificate.block_id = block_id;
  block.certificate.signatures.push_back(
      {0, consensus::SignVote(m_key, m_genesis.chain_id, consensus::VoteType::kPrecommit,
                              header.height, 0, block_id)});
  COVALUE_RETURN_IF_ERROR(m_store.CommitBlock(block, execution, log.new_nodes()));
  return produced;
}

}  // namespace covalue::node
