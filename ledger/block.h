// Blocks (docs/spec/encoding.md §Block): a header that commits to the previous block, the
// block's transactions, the Merkle log of every transaction and result so far, and the
// state; the transactions; one result per transaction; and the commit certificate.
// The block id is the SHA-256 of the encoded header. Plain values; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "consensus/commit_certificate.h"
#include "ledger/transaction.h"
#include "ledger/tx_result.h"

namespace covalue::ledger {

inline constexpr uint16_t kBlockVersion = 1;
inline constexpr uint32_t kMaxBlockTxs = 10000;

struct BlockHeader {
  std::string chain_id;
  uint64_t height = 0;
  int64_t time_ms = 0;     // proposer's clock, strictly increasing along the chain
  Hash32 previous_id{};    // the genesis hash for height 1
  Hash32 txs_root{};       // RFC 6962 root over this block's encoded transactions (signatures too)
  Hash32 log_root{};       // root of the Merkle log of all (transaction, result) leaves so far
  uint64_t log_size = 0;   // leaves in that log
  Hash32 state_root{};     // state commitment after this block (docs/spec/storage.md)
  crypto::PublicKey proposer{};
  bool operator==(const BlockHeader&) const = default;
};

struct Block {
  BlockHeader header;
  std::vector<Transaction> txs;
  std::vector<TxResult> results;  // results[i] belongs to txs[i]
  consensus::CommitCertificate certificate;
  bool operator==(const Block&) const = default;
};

Bytes EncodeBlockHeader(const BlockHeader& header);
Status DecodeBlockHeader(codec::Reader& r, BlockHeader* header);
Hash32 BlockId(const BlockHeader& header);

Bytes EncodeBlock(const Block& block);
// EncodeBlock of `block` with `certificate` in place of its own (the consensus value, whose
// certificate is empty, without copying the block).
Bytes EncodeBlock(const Block& block, const consensus::CommitCertificate& certificate);
Result<Block> DecodeBlock(ByteView bytes);

// The Merkle log leaf of the transaction at (height, index):
//   u64 height ‖ u32 index ‖ hash32 tx id ‖ hash32 SHA-256(encoded result)
Bytes EncodeLogLeaf(uint64_t height, uint32_t index, const Hash32& tx_id, const TxResult& result);

// RFC 6962 root whose leaf i is the full encoding of transaction i, signatures included,
// so the block id pins every byte of the block's transactions.
Hash32 TransactionsRoot(const std::vector<Transaction>& txs);

// The body of `block` is the one its header names: a result per transaction and the
// transactions' root equal to the header's. (Results are not named by the header
// directly; they follow from execution and are checked through the log root.)
Status CheckBlockBody(const Block& block);

}  // namespace covalue::ledger
