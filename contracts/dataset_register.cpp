#include "contracts/dataset_register.h"

#include "contracts/member_record.h"

namespace covalue::contracts {

std::string DatasetStateKey(std::string_view dataset_id) {
  return "dataset/" + std::string(dataset_id);
}

TxOutcome ApplyDatasetRegister(const ledger::Transaction& tx, const TxContext& context,
                               StateOverlay& state) {
  auto signer = SoleSignerWithRole(context, state, ledger::kRoleMember);
  if (!signer.ok()) return FromStatus(signer.status());
  const std::string& owner = *signer;
  auto body = DecodeTxBody<DatasetRegisterBody>(tx.body);
  if (!body.ok()) return FromStatus(body.status());
  std::string key = DatasetStateKey(body->dataset_id);
  auto existing = state.Get(key);
  if (!existing.ok()) return TxOutcome{{}, {}, existing.status()};
  if (*existing) {
    return Rejected(Code::kAlreadyExists, "dataset '" + body->dataset_id + "' is registered");
  }
  DatasetRecord record{body->dataset_id,   owner,          body->content_hash,
                       body->description, context.height, context.time_ms};
  state.Put(key, EncodeDatasetRecord(record));

  TxOutcome outcome;
  outcome.result.events.push_back(
      {"dataset.registered",
       {{"dataset", body->dataset_id}, {"owner", owner}, {"content_hash", ToHex(body->content_hash)}}});
  outcome.entities = {key, MemberStateKey(owner)};
  return outcome;
}

}  // namespace covalue::contracts
