#include "node/genesis_file.h"

namespace covalue::node {
namespace {

Result<crypto::PublicKey> KeyFromHex(const Json& value, std::string_view what) {
  if (!value.is_string()) return Status(Code::kInvalidArgument, std::string(what) + " must be hex");
  auto key = Hash32FromHex(value.get<std::string>());
  if (!key.ok()) return Status(Code::kInvalidArgument, std::string(what) + " must be 64 hex characters");
  return key;
}

}  // namespace

Json GenesisToJson(const ledger::Genesis& g) {
  Json members = Json::array();
  for (const auto& m : g.members) {
    Json roles = Json::array();
    for (ledger::Role role : {ledger::kRoleMember, ledger::kRoleValidator, ledger::kRoleAuditor}) {
      if (m.roles & role) roles.push_back(ledger::RoleName(role));
    }
    Json keys = Json::array();
    for (const auto& k : m.keys) keys.push_back(ToHex(k));
    members.push_back({{"id", m.id}, {"roles", roles}, {"keys", keys}});
  }
  Json validators = Json::array();
  for (const auto& v : g.validators) validators.push_back({{"name", v.name}, {"key", ToHex(v.key)}});
  return {{"chain_id", g.chain_id},
          {"genesis_time_ms", g.genesis_time_ms},
          {"members", members},
          {"validators", validators},
          {"params",
           {{"max_block_txs", g.params.max_block_txs},
            {"max_block_bytes", g.params.max_block_bytes},
            {"max_tx_lifetime", g.params.max_tx_lifetime},
            {"member_approval_bps", g.params.member_approval_bps}}}};
}

Result<ledger::Genesis> GenesisFromJson(const Json& json) {
  if (!json.is_object()) return Status(Code::kInvalidArgument, "genesis must be a JSON object");
  ledger::Genesis g;
  COVALUE_ASSIGN_OR_RETURN(g.chain_id, StringField(json, "chain_id"));
  COVALUE_ASSIGN_OR_RETURN(uint64_t time, UintField(json, "genesis_time_ms"));
  if (time > static_cast<uint64_t>(INT64_MAX)) {
    return Status(Code::kInvalidArgument, "genesis_time_ms is out of range");
  }
  g.genesis_time_ms = static_cast<int64_t>(time);
  if (!json.contains("members") || !json["members"].is_array()) {
    return Status(Code::kInvalidArgument, "field 'members' must be a list");
  }
  for (const auto& m : json["members"]) {
    ledger::GenesisMember member;
    COVALUE_ASSIGN_OR_RETURN(member.id, StringField(m, "id"));
    if (!m.contains("roles") || !m["roles"].is_array()) {
      return Status(Code::kInvalidArgument, "member '" + member.id + "': 'roles' must be a list");
    }
    for (const auto& r : m["roles"]) {
      if (!r.is_string()) return Status(Code::kInvalidArgument, "roles must be strings");
      COVALUE_ASSIGN_OR_RETURN(ledger::Role role, ledger::RoleFromName(r.get<std::string>()));
      member.roles |= role;
    }
    if (!m.contains("keys") || !m["keys"].is_array()) {
      return Status(Code::kInvalidArgument, "member '" + member.id + "': 'keys' must be a list");
    }
    for (const auto& k : m["keys"]) {
      COVALUE_ASSIGN_OR_RETURN(auto key, KeyFromHex(k, "member key"));
      member.keys.push_back(key);
    }
    g.members.push_back(std::move(member));
  }
  if (!json.contains("validators") || !json["validators"].is_array()) {
    return Status(Code::kInvalidArgument, "field 'validators' must be a list");
  }
  for (const auto& v : json["validators"]) {
    consensus::Validator validator;
    COVALUE_ASSIGN_OR_RETURN(validator.name, StringField(v, "name"));
    if (!v.contains("key")) return Status(Code::kInvalidArgument, "validator without 'key'");
    COVALUE_ASSIGN_OR_RETURN(validator.key, KeyFromHex(v["key"], "validator key"));
    g.validators.push_back(std::move(validator));
  }
  if (json.contains("params")) {
    const auto& p = json["params"];
    COVALUE_ASSIGN_OR_RETURN(uint64_t max_block_txs, UintField(p, "max_block_txs", g.params.max_block_txs));
    if (max_block_txs > UINT32_MAX) return Status(Code::kInvalidArgument, "max_block_txs too large");
    g.params.max_block_txs = static_cast<uint32_t>(max_block_txs);
    COVALUE_ASSIGN_OR_RETURN(g.params.max_block_bytes,
                             UintField(p, "max_block_bytes", g.params.max_block_bytes));
    COVALUE_ASSIGN_OR_RETURN(g.params.max_tx_lifetime,
                             UintField(p, "max_tx_lifetime", g.params.max_tx_lifetime));
    COVALUE_ASSIGN_OR_RETURN(uint64_t approval_bps,
                             UintField(p, "member_approval_bps", g.params.member_approval_bps));
    if (approval_bps > 10000) return Status(Code::kInvalidArgument, "member_approval_bps must be 1..10000");
    g.params.member_approval_bps = static_cast<uint32_t>(approval_bps);
  }
  COVALUE_RETURN_IF_ERROR(ledger::ValidateGenesis(g));
  return g;
}

Result<ledger::Genesis> ReadGenesisFile(const std::string& path) {
  COVALUE_ASSIGN_OR_RETURN(Json json, ReadJsonFile(path));
  auto genesis = GenesisFromJson(json);
  if (!genesis.ok()) {
    return Status(genesis.status().code(), path + ": " + genesis.status().message());
  }
  return genesis;
}

}  // namespace covalue::node
