#include "contracts/admission.h"

#include "contracts/member_record.h"

namespace covalue::contracts {

uint64_t EarliestCommitHeight(uint64_t expiry_height, const ledger::ChainParams& params) {
  return expiry_height > params.max_tx_lifetime ? expiry_height - params.max_tx_lifetime : 0;
}

Result<std::vector<std::string>> AdmitTransaction(const ledger::Transaction& tx,
                                                  const Hash32& tx_id,
                                                  const AdmissionContext& context,
                                                  const LedgerReader& state) {
  if (tx.chain_id != context.chain_id) {
    return Status(Code::kWrongChain, "transaction is for chain '" + tx.chain_id +
                                         "', this is '" + std::string(context.chain_id) + "'");
  }
  if (tx.expiry_height < context.height) {
    return Status(Code::kExpired, "transaction expired at height " +
                                      std::to_string(tx.expiry_height) + "; next height is " +
                                      std::to_string(context.height));
  }
  if (tx.expiry_height - context.height > context.params.max_tx_lifetime) {
    return Status(Code::kExpiryTooFar,
                  "expiry height " + std::to_string(tx.expiry_height) + " is more than " +
                      std::to_string(context.params.max_tx_lifetime) + " blocks ahead");
  }
  if (context.verify_signatures) COVALUE_RETURN_IF_ERROR(ledger::VerifyTransactionSignatures(tx));
  std::vector<std::string> members;
  members.reserve(tx.signers.size());
  for (const auto& key : tx.signers) {
    COVALUE_ASSIGN_OR_RETURN(auto record, LoadKeyRecord(state, key));
    if (!record) return Status(Code::kUnknownSigner, "signer " + ToHex(key) + " is not a member key");
    if (record->valid_until_height < context.height) {
      return Status(Code::kKeyRetired, "signer " + ToHex(key) + " of '" + record->member +
                                           "' was retired after height " +
                                           std::to_string(record->valid_until_height));
    }
    members.push_back(std::move(record->member));
  }
  COVALUE_ASSIGN_OR_RETURN(bool committed,
                           state.IsCommitted(tx_id, EarliestCommitHeight(tx.expiry_height, context.params)));
  if (committed) return Status(Code::kReplay, "transaction " + ToHex(tx_id) + " is already committed");
  return members;
}

}  // namespace covalue::contracts
