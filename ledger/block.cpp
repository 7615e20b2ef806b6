#include "ledger/block.h"

#include "codec/writer.h"
#include "crypto/hash.h"
#include "crypto/merkle.h"

namespace covalue::ledger {

namespace {

void EncodeHeaderFields(codec::Writer& w, const BlockHeader& h) {
  w.U16(kBlockVersion);
  w.String(h.chain_id);
  w.U64(h.height);
  w.I64(h.time_ms);
  w.Hash(h.previous_id);
  w.Hash(h.txs_root);
  w.Hash(h.log_root);
  w.U64(h.log_size);
  w.Hash(h.state_root);
  w.Raw(h.proposer);
}

}  // namespace

Bytes EncodeBlockHeader(const BlockHeader& header) {
  codec::Writer w;
  EncodeHeaderFields(w, header);
  return std::move(w).Take();
}

Status DecodeBlockHeader(codec::Reader& r, BlockHeader* h) {
  uint16_t version = 0;
  COVALUE_RETURN_IF_ERROR(r.U16(&version));
  if (version != kBlockVersion) {
    return Status(Code::kUnsupportedVersion,
                  "block version " + std::to_string(version) + " is not supported");
  }
  COVALUE_RETURN_IF_ERROR(r.String(&h->chain_id, kMaxChainIdLength));
  COVALUE_RETURN_IF_ERROR(r.U64(&h->height));
  COVALUE_RETURN_IF_ERROR(r.I64(&h->time_ms));
  COVALUE_RETURN_IF_ERROR(r.Hash(&h->previous_id));
  COVALUE_RETURN_IF_ERROR(r.Hash(&h->txs_root));
  COVALUE_RETURN_IF_ERROR(r.Hash(&h->log_root));
  COVALUE_RETURN_IF_ERROR(r.U64(&h->log_size));
  COVALUE_RETURN_IF_ERROR(r.Hash(&h->state_root));
  COVALUE_RETURN_IF_ERROR(r.Raw(h->proposer));
  return Status::Ok();
}

Hash32 BlockId(const BlockHeader& header) { return crypto::Sha256(EncodeBlockHeader(header)); }

Bytes EncodeBlock(const Block& block) { return EncodeBlock(block, block.certificate); }

Bytes EncodeBlock(const Block& block, const consensus::CommitCertificate& certificate) {
  codec::Writer w;
  EncodeHeaderFields(w, block.header);
  w.Count(block.txs.size());
  for (const auto& tx : block.txs) EncodeTransaction(w, tx);
  w.Count(block.results.size());
  for (const auto& result : block.results) EncodeTxResult(w, result);
  consensus::EncodeCommitCertificate(w, certificate);
  return std::move(w).Take();
}

Result<Block> DecodeBlock(ByteView bytes) {
  codec::Reader r(bytes);
  Block block;
  COVALUE_RETURN_IF_ERROR(DecodeBlockHeader(r, &block.header));
  uint32_t count = 0;
  COVALUE_RETURN_IF_ERROR(r.Count(&count, kMaxBlockTxs, 64));
  block.txs.resize(count);
  for (auto& tx : block.txs) COVALUE_RETURN_IF_ERROR(DecodeTransaction(r, &tx));
  COVALUE_RETURN_IF_ERROR(r.Count(&count, kMaxBlockTxs, 10));
  if (count != block.txs.size()) {
    return Status(Code::kMalformed, "block has " + std::to_string(block.txs.size()) +
                                        " transactions but " + std::to_string(count) +
                                        " results");
  }
  block.results.resize(count);
  for (auto& result : block.results) COVALUE_RETURN_IF_ERROR(DecodeTxResult(r, &result));
  COVALUE_RETURN_IF_ERROR(consensus::DecodeCommitCertificate(r, &block.certificate));
  COVALUE_RETURN_IF_ERROR(r.Finish());
  return block;
}

Bytes EncodeLogLeaf(uint64_t height, uint32_t index, const Hash32& tx_id, const TxResult& result) {
  codec::Writer w;
  w.U64(height);
  w.U32(index);
  w.Hash(tx_id);
  w.Hash(crypto::Sha256(EncodeTxResult(result)));
  return std::move(w).Take();
}

Hash32 TransactionsRoot(const std::vector<Transaction>& txs) {
  std::vector<Hash32> leaves;
  leaves.reserve(txs.size());
  codec::Writer encoded;  // one buffer for every transaction in turn
  for (const auto& tx : txs) {
    encoded.Clear();
    EncodeTransaction(encoded, tx);
    leaves.push_back(crypto::MerkleLeafHash(encoded.bytes()));
  }
  return crypto::MerkleRootOfLeafHashes(leaves);
}

Status CheckBlockBody(const Block& block) {
  if (block.results.size() != block.txs.size()) {
    return Status(Code::kMalformed, "block has a result count unlike its transaction count");
  }
  if (TransactionsRoot(block.txs) != block.header.txs_root) {
    return Status(Code::kMalformed, "block transactions do not match the header's root");
  }
  return Status::Ok();
}

}  // namespace covalue::ledger
