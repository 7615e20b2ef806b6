#include "contracts/dataset_register.h"

#include "codec/reader.h"
#include "codec/writer.h"
#include "contracts/member_record.h"
#include "ledger/identifiers.h"

namespace covalue::contracts {

Bytes EncodeDatasetRegisterBody(const DatasetRegisterBody& body) {
  codec::Writer w;
  w.String(body.dataset_id);
  w.Hash(body.content_hash);
  w.String(body.description);
  return std::move(w).Take();
}

Result<DatasetRegisterBody> DecodeDatasetRegisterBody(ByteView bytes) {
  codec::Reader r(bytes);
  DatasetRegisterBody body;
  COVALUE_RETURN_IF_ERROR(r.String(&body.dataset_id, ledger::kMaxIdLength));
  COVALUE_RETURN_IF_ERROR(r.Hash(&body.content_hash));
  COVALUE_RETURN_IF_ERROR(r.String(&body.description, kMaxDescriptionLength));
  COVALUE_RETURN_IF_ERROR(r.Finish());
  return body;
}

std::string DatasetStateKey(std::string_view dataset_id) {
  return "dataset/" + std::string(dataset_id);
}

Bytes EncodeDatasetRecord(const DatasetRecord& record) {
  codec::Writer w;
  w.U16(1);  // record version
  w.String(record.id);
  w.String(record.owner);
  w.Hash(record.content_hash);
  w.String(record.description);
  w.U64(record.registered_height);
  w.I64(record.registered_time_ms);
  return std::move(w).Take();
}

Result<DatasetRecord> DecodeDatasetRecord(ByteView bytes) {
  codec::Reader r(bytes);
  DatasetRecord record;
  uint16_t version = 0;
  COVALUE_RETURN_IF_ERROR(r.U16(&version));
  if (version != 1) return Status(Code::kCorruption, "dataset record version unknown");
  COVALUE_RETURN_IF_ERROR(r.String(&record.id, ledger::kMaxIdLength));
  COVALUE_RETURN_IF_ERROR(r.String(&record.owner, ledger::kMaxIdLength));
  COVALUE_RETURN_IF_ERROR(r.Hash(&record.content_hash));
  COVALUE_RETURN_IF_ERROR(r.String(&record.description, kMaxDescriptionLength));
  COVALUE_RETURN_IF_ERROR(r.U64(&record.registered_height));
  COVALUE_RETURN_IF_ERROR(r.I64(&record.registered_time_ms));
  COVALUE_RETURN_IF_ERROR(r.Finish());
  return record;
}

TxOutcome ApplyDatasetRegister(const ledger::Transaction& tx, const TxContext& context,
                               StateOverlay& state) {
  if (context.signer_members.size() != 1) {
    return Rejected(Code::kInvalidArgument, "dataset.register takes exactly one signer");
  }
  const std::string& owner = context.signer_members.front();
  auto member = LoadMember(state, owner);
  if (!member.ok()) return TxOutcome{{}, {}, member.status()};
  if (!*member || !(*member)->HasRole(ledger::kRoleMember)) {
    return Rejected(Code::kForbidden, "'" + owner + "' lacks the member role");
  }
  auto body = DecodeDatasetRegisterBody(tx.body);
  if (!body.ok()) return Rejected(body.status().code(), "body: " + body.status().message());
  if (!ledger::IsValidId(body->dataset_id)) {
    return Rejected(Code::kInvalidArgument, "dataset id must be 1-64 characters of [a-z0-9._-]");
  }
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
