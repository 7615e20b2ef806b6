#include "tests/support/solo_producer.h"

#include "consensus/commit_certificate.h"
#include "node/block_builder.h"

namespace covalue::testing {

namespace {
// Candidates come from the mempool, which verified every signature on admission.
bool AlreadyVerified(const ledger::Transaction&, const Hash32&) { return true; }
}  // namespace

Result<SoloProducer> SoloProducer::Create(node::ChainStore& store, const ledger::Genesis& genesis,
                                            const crypto::KeyPair& key, const Clock& clock) {
  COVALUE_ASSIGN_OR_RETURN(auto validators, consensus::ValidatorSet::Create(genesis.validators));
  if (validators.size() != 1 || validators.at(0).key != key.public_key()) {
    return Status(Code::kInvalidArgument,
                  "this node's key is not the single validator of the genesis; networks of " +
                      std::to_string(validators.size()) + " validators need the BFT engine");
  }
  return SoloProducer(store, genesis, std::move(validators), key, clock);
}

Result<ProducedBlock> SoloProducer::Produce(std::vector<ledger::Transaction> candidates) {
  COVALUE_ASSIGN_OR_RETURN(node::BuiltBlock built,
                           node::BuildBlock(m_store, m_genesis, m_key.public_key(), m_clock.NowMillis(),
                                      std::move(candidates), AlreadyVerified));
  ProducedBlock produced;
  produced.rejected = built.execution.rejected;
  if (built.block.txs.empty()) return produced;

  // n = 1: this validator's precommit alone is the quorum.
  const ledger::BlockHeader& header = built.block.header;
  consensus::CommitCertificate certificate;
  certificate.height = header.height;
  certificate.block_id = ledger::BlockId(header);
  certificate.signatures.push_back(
      {0, consensus::SignVote(m_key, m_genesis.chain_id, consensus::VoteType::kPrecommit,
                              header.height, 0, certificate.block_id)});
  COVALUE_RETURN_IF_ERROR(node::CommitBuiltBlock(m_store, built, std::move(certificate)));
  produced.block = std::move(built.block);  // with its certificate, as committed
  return produced;
}

}  // namespace covalue::testing
