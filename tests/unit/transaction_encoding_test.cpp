// The shortcuts ledger/transaction.h and ledger/block.h take to encode a transaction without
// intermediate copies, checked against the plain composition they stand for, on
// transactions of every shape the limits allow (0–64-byte chain ids, 1–8 signers, bodies of
// 0 bytes to 60 KiB, 0–8 signatures): EncodedTransactionSize is the encoding's size,
// TxSignBytes is the SignBytes grammar (docs/spec/signing.md) written out by hand over
// EncodeTxPayload, and TransactionsRoot (one buffer for all transactions) is the Merkle
// root of each encoding's leaf hash. The bytes themselves are pinned by the golden vectors
// (golden_vectors_test.cpp).
#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "codec/writer.h"
#include "crypto/merkle.h"
#include "crypto/signing.h"
#include "ledger/block.h"
#include "ledger/transaction.h"

namespace covalue::ledger {
namespace {

Transaction RandomTx(std::mt19937_64& rng) {
  auto below = [&](uint64_t n) { return static_cast<size_t>(rng() % n); };
  Transaction tx;
  tx.chain_id = std::string(below(kMaxChainIdLength + 1), 'c');
  tx.kind = static_cast<TxKind>(1 + below(kLastTxKind));
  tx.nonce = rng();
  tx.expiry_height = rng();
  tx.signers.resize(1 + below(kMaxTxSigners));
  for (auto& key : tx.signers) key.fill(static_cast<uint8_t>(rng()));
  // Mostly small bodies; one in eight anywhere up to the limit.
  tx.body.resize(below(8) == 0 ? below(kMaxTxBodyBytes + 1) : below(600));
  for (auto& byte : tx.body) byte = static_cast<uint8_t>(rng());
  tx.signatures.resize(below(kMaxTxSigners + 1));  // not always one per signer: any count encodes
  for (auto& signature : tx.signatures) signature.fill(static_cast<uint8_t>(rng()));
  return tx;
}

TEST_CASE("EncodedTransactionSize and TxSignBytes equal what they shortcut", "[ledger]") {
  std::mt19937_64 rng(20261207);
  for (int i = 0; i < 500; ++i) {
    Transaction tx = RandomTx(rng);
    INFO("transaction " << i << ": " << tx.signers.size() << " signers, " << tx.body.size()
                        << " body bytes");
    CHECK(EncodedTransactionSize(tx) == EncodeTransaction(tx).size());
    // string(domain tag) ‖ string(chain id) ‖ payload, with a writer of its own.
    codec::Writer sign_bytes;
    sign_bytes.String(crypto::DomainTag(crypto::Domain::kTransaction));
    sign_bytes.String(tx.chain_id);
    sign_bytes.Raw(EncodeTxPayload(tx));
    CHECK(TxSignBytes(tx) == sign_bytes.bytes());
  }
}

TEST_CASE("TransactionsRoot is the Merkle root of each transaction's own encoding", "[ledger]") {
  std::mt19937_64 rng(7);
  for (size_t count : {0, 1, 2, 3, 17}) {
    std::vector<Transaction> txs;
    std::vector<Hash32> leaves;
    for (size_t i = 0; i < count; ++i) {
      txs.push_back(RandomTx(rng));
      leaves.push_back(crypto::MerkleLeafHash(EncodeTransaction(txs.back())));
    }
    INFO(count << " transactions");
    CHECK(TransactionsRoot(txs) == crypto::MerkleRootOfLeafHashes(leaves));
  }
}

}  // namespace
}  // namespace covalue::ledger
