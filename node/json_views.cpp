#include "node/json_views.h"

#include "node/tx_bodies.h"

namespace covalue::node {

Json HeaderToJson(const ledger::BlockHeader& h) {
  return {{"id", ToHex(ledger::BlockId(h))},
          {"chain_id", h.chain_id},
          {"height", h.height},
          {"time_ms", h.time_ms},
          {"previous_id", ToHex(h.previous_id)},
          {"txs_root", ToHex(h.txs_root)},
          {"log_root", ToHex(h.log_root)},
          {"log_size", h.log_size},
          {"state_root", ToHex(h.state_root)},
          {"proposer", ToHex(h.proposer)}};
}

Json TransactionToJson(const ledger::Transaction& tx) {
  Json signers = Json::array();
  for (const auto& s : tx.signers) signers.push_back(ToHex(s));
  Json out = {{"id", ToHex(ledger::TxId(tx))},
              {"chain_id", tx.chain_id},
              {"kind", ledger::TxKindName(tx.kind)},
              {"nonce", tx.nonce},
              {"expiry_height", tx.expiry_height},
              {"signers", signers},
              {"body_hex", ToHex(tx.body)}};
  // A body that does not decode (or a kind without a body type) shows as body_hex only.
  auto body = BodyToJson(tx.kind, tx.body);
  if (body.ok()) out["body"] = std::move(body).value();
  return out;
}

Json TxResultToJson(const ledger::TxResult& result) {
  Json events = Json::array();
  for (const auto& e : result.events) {
    Json attributes = Json::object();
    for (const auto& [k, v] : e.attributes) attributes[k] = v;
    events.push_back({{"kind", e.kind}, {"attributes", attributes}});
  }
  return {{"code", CodeName(result.code)}, {"message", result.message}, {"events", events}};
}

Json CertificateToJson(const consensus::CommitCertificate& c,
                       const consensus::ValidatorSet& validators) {
  Json signatures = Json::array();
  for (const auto& s : c.signatures) {
    Json entry = {{"validator_index", s.validator_index}, {"signature", ToHex(s.signature)}};
    if (s.validator_index < validators.size()) {
      entry["validator"] = validators.at(s.validator_index).name;
    }
    signatures.push_back(entry);
  }
  return {{"height", c.height},
          {"round", c.round},
          {"block_id", ToHex(c.block_id)},
          {"signatures", signatures}};
}

Json BlockToJson(const ledger::Block& block, const consensus::ValidatorSet& validators) {
  Json txs = Json::array();
  for (size_t i = 0; i < block.txs.size(); ++i) {
    Json tx = TransactionToJson(block.txs[i]);
    tx["result"] = TxResultToJson(block.results[i]);
    txs.push_back(tx);
  }
  return {{"header", HeaderToJson(block.header)},
          {"txs", txs},
          {"certificate", CertificateToJson(block.certificate, validators)}};
}

Json DatasetToJson(const contracts::DatasetRecord& d) {
  return {{"id", d.id},
          {"owner", d.owner},
          {"content_hash", ToHex(d.content_hash)},
          {"description", d.description},
          {"registered_height", d.registered_height},
          {"registered_time_ms", d.registered_time_ms}};
}

Json MemberToJson(const contracts::MemberRecord& m) {
  Json roles = Json::array();
  for (ledger::Role role : {ledger::kRoleMember, ledger::kRoleValidator, ledger::kRoleAuditor}) {
    if (m.roles & role) roles.push_back(ledger::RoleName(role));
  }
  Json keys = Json::array();
  for (const auto& k : m.keys) keys.push_back(ToHex(k));
  return {{"id", m.id}, {"roles", roles}, {"keys", keys}};
}

}  // namespace covalue::node
