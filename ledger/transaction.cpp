#include "ledger/transaction.h"

#include <array>
#include <set>

#include "codec/writer.h"
#include "crypto/hash.h"
#include "crypto/signing.h"

namespace covalue::ledger {

bool IsKnownTxKind(uint16_t value) { return value >= 1 && value <= kLastTxKind; }

std::string_view TxKindName(TxKind kind) {
  switch (kind) {
    case TxKind::kDatasetRegister: return "dataset.register";
    case TxKind::kMemberPropose: return "member.propose";
    case TxKind::kMemberApprove: return "member.approve";
    case TxKind::kKeyAdd: return "key.add";
    case TxKind::kKeyRetire: return "key.retire";
    case TxKind::kGrantIssue: return "grant.issue";
    case TxKind::kGrantRevoke: return "grant.revoke";
    case TxKind::kUsageRecord: return "usage.record";
    case TxKind::kVentureCreate: return "venture.create";
    case TxKind::kFormulaPropose: return "formula.propose";
    case TxKind::kFormulaSign: return "formula.sign";
    case TxKind::kContributionRecord: return "contribution.record";
    case TxKind::kContributionDispute: return "contribution.dispute";
    case TxKind::kContributionResolve: return "contribution.resolve";
    case TxKind::kRevenueRecord: return "revenue.record";
    case TxKind::kSettlementRun: return "settlement.run";
    case TxKind::kPayoutConfirm: return "payout.confirm";
    case TxKind::kPayoutFail: return "payout.fail";
    case TxKind::kPayoutReinstruct: return "payout.reinstruct";
  }
  return "unknown";
}

std::optional<TxKind> TxKindFromName(std::string_view name) {
  for (uint16_t value = 1; value <= kLastTxKind; ++value) {
    auto kind = static_cast<TxKind>(value);
    if (TxKindName(kind) == name) return kind;
  }
  return std::nullopt;
}

namespace {

// The bytes EncodePayloadFields writes: kind, nonce, expiry height, counted signers, body.
size_t PayloadFieldsSize(const Transaction& tx) {
  return 2 + 8 + 8 + 4 + tx.signers.size() * std::tuple_size_v<crypto::PublicKey> + 4 +
         tx.body.size();
}

void EncodePayloadFields(codec::Writer& w, const Transaction& tx) {
  w.U16(static_cast<uint16_t>(tx.kind));
  w.U64(tx.nonce);
  w.U64(tx.expiry_height);
  w.Count(tx.signers.size());
  for (const auto& key : tx.signers) w.Raw(key);
  w.Bytes(tx.body);
}

// The signed payload: the version, then the fields above.
size_t PayloadSize(const Transaction& tx) { return 2 + PayloadFieldsSize(tx); }

void EncodePayload(codec::Writer& w, const Transaction& tx) {
  w.U16(kTxVersion);
  EncodePayloadFields(w, tx);
}

}  // namespace

Bytes EncodeTxPayload(const Transaction& tx) {
  codec::Writer w(PayloadSize(tx));
  EncodePayload(w, tx);
  return std::move(w).Take();
}

Bytes TxSignBytes(const Transaction& tx) {
  // SignBytes(kTransaction, chain id, EncodeTxPayload(tx)), with the payload written in place.
  codec::Writer w =
      crypto::SignBytesWriter(crypto::Domain::kTransaction, tx.chain_id, PayloadSize(tx));
  EncodePayload(w, tx);
  return std::move(w).Take();
}

Hash32 TxId(const Transaction& tx) { return crypto::Sha256(TxSignBytes(tx)); }

void EncodeTransaction(codec::Writer& w, const Transaction& tx) {
  w.U16(kTxVersion);
  w.String(tx.chain_id);
  EncodePayloadFields(w, tx);
  w.Count(tx.signatures.size());
  for (const auto& s : tx.signatures) w.Raw(s);
}

size_t EncodedTransactionSize(const Transaction& tx) {
  return 2 + 4 + tx.chain_id.size() + PayloadFieldsSize(tx) + 4 +
         tx.signatures.size() * std::tuple_size_v<crypto::Signature>;
}

Bytes EncodeTransaction(const Transaction& tx) {
  codec::Writer w(EncodedTransactionSize(tx));
  EncodeTransaction(w, tx);
  return std::move(w).Take();
}

Status DecodeTransaction(codec::Reader& r, Transaction* tx) {
  uint16_t version = 0;
  COVALUE_RETURN_IF_ERROR(r.U16(&version));
  if (version != kTxVersion) {
    return Status(Code::kUnsupportedVersion,
                  "transaction version " + std::to_string(version) + " is not supported");
  }
  COVALUE_RETURN_IF_ERROR(r.String(&tx->chain_id, kMaxChainIdLength));
  uint16_t kind = 0;
  COVALUE_RETURN_IF_ERROR(r.U16(&kind));
  if (!IsKnownTxKind(kind)) {
    return Status(Code::kUnknownEnum, "unknown transaction kind " + std::to_string(kind));
  }
  tx->kind = static_cast<TxKind>(kind);
  COVALUE_RETURN_IF_ERROR(r.U64(&tx->nonce));
  COVALUE_RETURN_IF_ERROR(r.U64(&tx->expiry_height));
  uint32_t count = 0;
  COVALUE_RETURN_IF_ERROR(r.Count(&count, kMaxTxSigners, 32));
  if (count == 0) return Status(Code::kMalformed, "transaction has no signers");
  tx->signers.resize(count);
  for (auto& key : tx->signers) COVALUE_RETURN_IF_ERROR(r.Raw(key));
  COVALUE_RETURN_IF_ERROR(r.Bytes(&tx->body, kMaxTxBodyBytes));
  COVALUE_RETURN_IF_ERROR(r.Count(&count, kMaxTxSigners, 64));
  tx->signatures.resize(count);
  for (auto& s : tx->signatures) COVALUE_RETURN_IF_ERROR(r.Raw(s));
  return Status::Ok();
}

Result<Transaction> DecodeTransaction(ByteView bytes) {
  if (bytes.size() > kMaxTxBytes) {
    return Status(Code::kTooLarge, "transaction of " + std::to_string(bytes.size()) +
                                       " bytes exceeds " + std::to_string(kMaxTxBytes));
  }
  codec::Reader r(bytes);
  Transaction tx;
  COVALUE_RETURN_IF_ERROR(DecodeTransaction(r, &tx));
  COVALUE_RETURN_IF_ERROR(r.Finish());
  return tx;
}

Status SignTransaction(Transaction& tx, const std::vector<const crypto::KeyPair*>& keys) {
  if (keys.size() != tx.signers.size()) {
    return Status(Code::kInvalidArgument, "need one key per signer");
  }
  if (tx.chain_id.size() > kMaxChainIdLength || tx.body.size() > kMaxTxBodyBytes ||
      tx.signers.empty() || tx.signers.size() > kMaxTxSigners) {
    return Status(Code::kInvalidArgument,
                  "transaction exceeds a limit (chain id 64, body 60 KiB, 1-8 signers)");
  }
  Bytes message = TxSignBytes(tx);
  tx.signatures.clear();
  for (size_t i = 0; i < keys.size(); ++i) {
    if (keys[i]->public_key() != tx.signers[i]) {
      return Status(Code::kInvalidArgument, "key " + std::to_string(i) + " is not signer " +
                                                std::to_string(i));
    }
    tx.signatures.push_back(keys[i]->Sign(message));
  }
  return Status::Ok();
}

Status VerifyTransactionSignatures(const Transaction& tx) {
  if (tx.signatures.size() != tx.signers.size()) {
    return Status(Code::kBadSignature, "transaction has " + std::to_string(tx.signers.size()) +
                                           " signers but " +
                                           std::to_string(tx.signatures.size()) + " signatures");
  }
  std::set<crypto::PublicKey> distinct(tx.signers.begin(), tx.signers.end());
  if (distinct.size() != tx.signers.size()) {
    return Status(Code::kMalformed, "a signer is listed twice");
  }
  Bytes message = TxSignBytes(tx);
  for (size_t i = 0; i < tx.signers.size(); ++i) {
    if (!crypto::Verify(tx.signers[i], message, tx.signatures[i])) {
      return Status(Code::kBadSignature, "signature " + std::to_string(i) + " does not verify");
    }
  }
  return Status::Ok();
}

}  // namespace covalue::ledger
