#include "node/audit/proof_check.h"

#include "codec/reader.h"
#include "consensus/commit_certificate.h"
#include "crypto/merkle.h"
#include "node/audit/chain_verifier.h"

namespace covalue::audit {
namespace {

// Field `name` of `object`: hex of exactly one value that `decode` reads whole.
template <class T, class Decode>
Result<T> DecodeHexField(const node::Json& object, std::string_view name, Decode decode) {
  COVALUE_ASSIGN_OR_RETURN(std::string hex, node::StringField(object, name));
  auto bytes = FromHex(hex);
  if (!bytes.ok()) return Status(Code::kMalformed, "field '" + std::string(name) + "' is not hex");
  codec::Reader r(*bytes);
  T value{};
  Status decoded = decode(r, &value);
  if (decoded.ok()) decoded = r.Finish();
  if (!decoded.ok()) {
    return Status(Code::kMalformed, "field '" + std::string(name) + "': " + decoded.message());
  }
  return value;
}

}  // namespace

Result<CheckedProof> CheckTxProof(const node::Json& proof, const Hash32& tx_id,
                                  const ledger::Genesis& genesis) {
  if (!proof.is_object() || !proof.contains("block") || !proof["block"].is_object()) {
    return Status(Code::kMalformed, "the proof has no 'block'");
  }
  const node::Json& block = proof["block"];
  CheckedProof checked;
  COVALUE_ASSIGN_OR_RETURN(checked.header, DecodeHexField<ledger::BlockHeader>(
                                               block, "header_encoded", ledger::DecodeBlockHeader));
  COVALUE_ASSIGN_OR_RETURN(auto certificate,
                           DecodeHexField<consensus::CommitCertificate>(
                               block, "certificate_encoded", consensus::DecodeCommitCertificate));
  COVALUE_ASSIGN_OR_RETURN(auto validators, consensus::ValidatorSet::Create(genesis.validators));
  COVALUE_RETURN_IF_ERROR(CheckCertifiedHeader(checked.header, certificate, genesis, validators));
  checked.certificate_signatures = certificate.signatures.size();

  auto decode_tx = [](codec::Reader& r, ledger::Transaction* tx) {
    return ledger::DecodeTransaction(r, tx);
  };
  COVALUE_ASSIGN_OR_RETURN(checked.tx,
                           DecodeHexField<ledger::Transaction>(proof, "tx_encoded", decode_tx));
  if (ledger::TxId(checked.tx) != tx_id) {
    return Status(Code::kConflict,
                  "the proof is for transaction " + ToHex(ledger::TxId(checked.tx)));
  }
  if (checked.tx.chain_id != genesis.chain_id) {
    return Status(Code::kWrongChain, "the transaction is for chain '" + checked.tx.chain_id + "'");
  }
  COVALUE_RETURN_IF_ERROR(ledger::VerifyTransactionSignatures(checked.tx));
  COVALUE_ASSIGN_OR_RETURN(checked.result, DecodeHexField<ledger::TxResult>(
                                               proof, "result_encoded", ledger::DecodeTxResult));
  COVALUE_ASSIGN_OR_RETURN(uint64_t index, node::UintField(proof, "index"));
  COVALUE_ASSIGN_OR_RETURN(checked.leaf_index, node::UintField(proof, "leaf_index"));
  if (index > UINT32_MAX) return Status(Code::kMalformed, "field 'index' is out of range");
  checked.index = static_cast<uint32_t>(index);
  if (!proof.contains("audit_path") || !proof["audit_path"].is_array()) {
    return Status(Code::kMalformed, "the proof has no 'audit_path' list");
  }
  std::vector<Hash32> path;
  for (const auto& entry : proof["audit_path"]) {
    auto hash = entry.is_string() ? Hash32FromHex(entry.get<std::string>())
                                  : Result<Hash32>(Status(Code::kMalformed, "not a string"));
    if (!hash.ok())
      return Status(Code::kMalformed, "an audit path entry is not a 32-byte hex hash");
    path.push_back(*hash);
  }
  Bytes leaf = ledger::EncodeLogLeaf(checked.header.height, checked.index, tx_id, checked.result);
  if (!crypto::VerifyMerkleInclusion(crypto::MerkleLeafHash(leaf), checked.leaf_index,
                                     checked.header.log_size, path, checked.header.log_root)) {
    return Status(Code::kCorruption, "the audit path does not lead from the leaf of (block " +
                                         std::to_string(checked.header.height) + ", index " +
                                         std::to_string(checked.index) +
                                         ", transaction, result) to the certified log root");
  }
  return checked;
}

}  // namespace covalue::audit
