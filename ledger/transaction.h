// The transaction envelope (docs/spec/encoding.md §Transaction, docs/spec/signing.md):
// chain id, kind, client nonce, expiry height, signers, a kind-specific body, and one
// signature per signer over SignBytes(kTransaction, chain id, payload). The id is the
// SHA-256 of those signed bytes, so it does not depend on the signatures.
// Plain values and pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "codec/reader.h"
#include "codec/writer.h"
#include "common/bytes.h"
#include "crypto/keys.h"

namespace covalue::ledger {

inline constexpr uint16_t kTxVersion = 1;
inline constexpr size_t kMaxTxBytes = 64 * 1024;
inline constexpr uint32_t kMaxTxBodyBytes = 60 * 1024;
inline constexpr uint32_t kMaxTxSigners = 8;
inline constexpr uint32_t kMaxChainIdLength = 64;

// Wire format: never renumber; add kinds at the end.
// docs/spec/contracts.md specifies each kind.
enum class TxKind : uint16_t {
  kDatasetRegister = 1,
  kMemberPropose = 2,
  kMemberApprove = 3,
  kKeyAdd = 4,
  kKeyRetire = 5,
  kGrantIssue = 6,
  kGrantRevoke = 7,
  kUsageRecord = 8,
  kVentureCreate = 9,
  kFormulaPropose = 10,
  kFormulaSign = 11,
  kContributionRecord = 12,
  kContributionDispute = 13,
  kContributionResolve = 14,
  kRevenueRecord = 15,
  kSettlementRun = 16,
  kPayoutConfirm = 17,
  kPayoutFail = 18,
  kPayoutReinstruct = 19,
};
inline constexpr uint16_t kLastTxKind = 19;
bool IsKnownTxKind(uint16_t value);
// "dataset.register"
std::string_view TxKindName(TxKind kind);
// The kind named `name` ("grant.issue"), if any.
std::optional<TxKind> TxKindFromName(std::string_view name);

struct Transaction {
  std::string chain_id;
  TxKind kind = TxKind::kDatasetRegister;
  uint64_t nonce = 0;          // chosen by the client; makes otherwise equal transactions distinct
  uint64_t expiry_height = 0;  // last height at which the transaction may commit
  std::vector<crypto::PublicKey> signers;
  Bytes body;
  std::vector<crypto::Signature> signatures;  // one per signer, same order

  bool operator==(const Transaction&) const = default;
};

// The signed payload (everything but chain id and signatures; the chain id enters the
// signed bytes through SignBytes).
Bytes EncodeTxPayload(const Transaction& tx);
// SignBytes(kTransaction, chain id, payload): what each signer signs.
Bytes TxSignBytes(const Transaction& tx);
Hash32 TxId(const Transaction& tx);

void EncodeTransaction(codec::Writer& w, const Transaction& tx);
Bytes EncodeTransaction(const Transaction& tx);
// EncodeTransaction(tx).size(), computed without encoding.
size_t EncodedTransactionSize(const Transaction& tx);
Status DecodeTransaction(codec::Reader& r, Transaction* tx);
// A whole buffer holding exactly one transaction; refuses input over kMaxTxBytes.
Result<Transaction> DecodeTransaction(ByteView bytes);

// Replaces tx.signatures with signatures by `keys`, which must match tx.signers in order.
// Refuses (kInvalidArgument) a transaction the decoder would refuse: a chain id, body or
// signer list over its limit.
Status SignTransaction(Transaction& tx, const std::vector<const crypto::KeyPair*>& keys);
// Every signer signed, once, and every signature verifies: kBadSignature for a missing or
// bad signature, kMalformed for a signer listed twice.
Status VerifyTransactionSignatures(const Transaction& tx);

}  // namespace covalue::ledger
