#include "node/config.h"

#include <filesystem>
#include <set>

#include <boost/asio/ip/address.hpp>

#include "common/log.h"
#include "node/json_fields.h"

namespace covalue::node {

bool IsLoopbackAddress(const std::string& address) {
  if (address == "localhost") return true;
  boost::system::error_code ec;
  auto parsed = boost::asio::ip::make_address(address, ec);
  return !ec && parsed.is_loopback();
}

bool NodeConfig::ApiRequiresTokens() const {
  switch (api_auth) {
    case ApiAuth::kTokens:
      return true;
    case ApiAuth::kNone:
      return false;
    case ApiAuth::kDefault:
      break;
  }
  return !api_tokens.empty() || !IsLoopbackAddress(api_address);
}

namespace {

Status ValidateApiTokens(const NodeConfig& c) {
  if (c.ApiRequiresTokens() && c.api_tokens.empty()) {
    return Status(
        Code::kInvalidArgument,
        c.api_auth == ApiAuth::kTokens
            ? "config: api_auth is \"tokens\" but api_tokens is empty; add one (covalue token new)"
            : "config: the API listens on " + c.api_address +
                  ", which other machines can reach, and api_tokens is empty: add a "
                  "token (covalue token new), or set \"api_auth\": \"none\" to serve "
                  "it without authentication");
  }
  // The member key signs whatever an admin client asks; with an open API that would be
  // anyone who can reach the port.
  if (!c.member_key_file.empty() && !c.ApiRequiresTokens()) {
    return Status(Code::kInvalidArgument,
                  "config: member_key_file lets admin clients sign as the member, so the API "
                  "must require tokens: set \"api_auth\": \"tokens\" (or remove member_key_file)");
  }
  std::set<std::string> names;
  std::set<Hash32> hashes;
  for (const auto& token : c.api_tokens) {
    if (token.name.empty() || !names.insert(token.name).second) {
      return Status(Code::kInvalidArgument, "config: api_tokens need distinct, non-empty names");
    }
    if (!hashes.insert(token.sha256).second) {
      return Status(Code::kInvalidArgument,
                    "config: api token '" + token.name + "' repeats another's sha256");
    }
    if (token.roles == 0) {
      return Status(Code::kInvalidArgument, "config: api token '" + token.name + "' has no role");
    }
    if (token.rate_per_s > 1000000 || token.burst > 1000000 ||
        (token.burst != 0 && token.rate_per_s == 0)) {
      return Status(Code::kInvalidArgument,
                    "config: api token '" + token.name +
                        "': rate_per_s and burst are 0..1000000, burst only with a rate");
    }
  }
  return Status::Ok();
}

}  // namespace

Status NodeConfig::Validate() const {
  if (name.empty()) return Status(Code::kInvalidArgument, "config: name is empty");
  if (data_dir.empty()) return Status(Code::kInvalidArgument, "config: data_dir is empty");
  for (uint32_t t : {timeout_propose_ms, timeout_prevote_ms, timeout_precommit_ms,
                     retransmit_interval_ms}) {
    if (t == 0 || t > 600000) {
      return Status(Code::kInvalidArgument, "config: timeouts must be 1..600000 ms");
    }
  }
  if (block_interval_ms >= timeout_propose_ms) {
    // Other validators would give up on the proposal before it is built.
    return Status(Code::kInvalidArgument,
                  "config: block_interval_ms must be less than timeout_propose_ms");
  }
  if (timeout_increase_ms > 600000) {
    return Status(Code::kInvalidArgument, "config: timeout_increase_ms must be at most 600000");
  }
  for (const auto& peer : peers) {
    if (peer.name.empty()) return Status(Code::kInvalidArgument, "config: a peer has no name");
  }
  if (commit_wait_timeout_ms == 0) {
    return Status(Code::kInvalidArgument, "config: commit_wait_timeout_ms must be positive");
  }
  if (mempool_max_txs == 0 || mempool_max_bytes == 0) {
    return Status(Code::kInvalidArgument, "config: mempool limits must be positive");
  }
  if (api_max_body_bytes < 1024) {
    return Status(Code::kInvalidArgument, "config: api_max_body_bytes must be at least 1024");
  }
  if (api_max_header_bytes < 1024 || api_max_header_bytes > (1u << 20)) {
    return Status(Code::kInvalidArgument, "config: api_max_header_bytes must be 1024..1048576");
  }
  if (api_max_connections == 0 || api_max_connections > 100000) {
    return Status(Code::kInvalidArgument, "config: api_max_connections must be 1..100000");
  }
  COVALUE_RETURN_IF_ERROR(ValidateApiTokens(*this));
  LogLevel level;
  if (!ParseLogLevel(log_level, &level)) {
    return Status(Code::kInvalidArgument, "config: log_level must be debug, info, warn or error");
  }
  return Status::Ok();
}

namespace {

Result<uint16_t> PortField(const Json& json, std::string_view name, uint16_t fallback) {
  COVALUE_ASSIGN_OR_RETURN(uint64_t port, UintField(json, name, fallback));
  if (port > 65535) {
    return Status(Code::kInvalidArgument, "config: " + std::string(name) + " must be 0..65535");
  }
  return static_cast<uint16_t>(port);
}

// {"name", "role": "read" | "roles": ["submit", "read"], "sha256", "rate_per_s"?, "burst"?}
Result<api::ApiTokenSpec> ParseApiToken(const Json& entry) {
  if (!entry.is_object())
    return Status(Code::kInvalidArgument, "config: api_tokens must hold objects");
  static const std::set<std::string> kFields = {"name",   "role",       "roles",
                                                "sha256", "rate_per_s", "burst"};
  for (const auto& [field, value] : entry.items()) {
    if (field == "token" || field == "secret") {
      return Status(Code::kInvalidArgument,
                    "config: api_tokens hold a token's sha256, never the token itself "
                    "(covalue token hash prints it)");
    }
    if (!kFields.count(field)) {
      return Status(Code::kInvalidArgument, "config: unknown api_tokens field '" + field + "'");
    }
  }
  api::ApiTokenSpec token;
  COVALUE_ASSIGN_OR_RETURN(token.name, StringField(entry, "name"));
  COVALUE_ASSIGN_OR_RETURN(token.sha256, Hash32Field(entry, "sha256"));
  COVALUE_ASSIGN_OR_RETURN(token.rate_per_s, UintField(entry, "rate_per_s", 0));
  COVALUE_ASSIGN_OR_RETURN(token.burst, UintField(entry, "burst", 0));
  if (entry.contains("role") == entry.contains("roles")) {
    return Status(Code::kInvalidArgument,
                  "config: api token '" + token.name + "' needs role or roles");
  }
  Json names = entry.contains("role") ? Json::array({entry["role"]}) : entry["roles"];
  if (!names.is_array()) return Status(Code::kInvalidArgument, "config: roles must be a list");
  for (const auto& name : names) {
    auto role = name.is_string() ? api::RoleFromName(name.get<std::string>()) : std::nullopt;
    if (!role) {
      return Status(Code::kInvalidArgument, "config: api token '" + token.name +
                                                "': a role is admin, submit, read or auditor");
    }
    token.roles = token.roles | *role;
  }
  return token;
}

Result<ApiAuth> ParseApiAuth(const Json& json) {
  if (!json.contains("api_auth")) return ApiAuth::kDefault;
  COVALUE_ASSIGN_OR_RETURN(std::string mode, StringField(json, "api_auth"));
  if (mode == "tokens") return ApiAuth::kTokens;
  if (mode == "none") return ApiAuth::kNone;
  return Status(Code::kInvalidArgument, "config: api_auth must be \"tokens\" or \"none\"");
}

}  // namespace

Result<NodeConfig> LoadNodeConfig(const std::string& path) {
  COVALUE_ASSIGN_OR_RETURN(Json json, ReadJsonFile(path));
  if (!json.is_object()) return Status(Code::kInvalidArgument, path + ": not a JSON object");
  namespace fs = std::filesystem;
  fs::path base = fs::absolute(fs::path(path)).parent_path();
  auto resolve = [&](const std::string& p) { return (base / p).lexically_normal().string(); };

  NodeConfig c;
  COVALUE_ASSIGN_OR_RETURN(c.name, StringField(json, "name", c.name));
  COVALUE_ASSIGN_OR_RETURN(c.data_dir, StringField(json, "data_dir", c.data_dir));
  COVALUE_ASSIGN_OR_RETURN(c.genesis_file, StringField(json, "genesis_file", c.genesis_file));
  COVALUE_ASSIGN_OR_RETURN(c.node_key_file, StringField(json, "node_key_file", c.node_key_file));
  COVALUE_ASSIGN_OR_RETURN(c.api_address, StringField(json, "api_address", c.api_address));
  COVALUE_ASSIGN_OR_RETURN(c.api_port, PortField(json, "api_port", c.api_port));
  COVALUE_ASSIGN_OR_RETURN(c.p2p_address, StringField(json, "p2p_address", c.p2p_address));
  COVALUE_ASSIGN_OR_RETURN(c.p2p_port, PortField(json, "p2p_port", c.p2p_port));
  for (auto [name, field] : {std::pair{"timeout_propose_ms", &c.timeout_propose_ms},
                             std::pair{"timeout_prevote_ms", &c.timeout_prevote_ms},
                             std::pair{"timeout_precommit_ms", &c.timeout_precommit_ms},
                             std::pair{"timeout_increase_ms", &c.timeout_increase_ms},
                             std::pair{"retransmit_interval_ms", &c.retransmit_interval_ms},
                             std::pair{"block_interval_ms", &c.block_interval_ms}}) {
    COVALUE_ASSIGN_OR_RETURN(uint64_t value, UintField(json, name, *field));
    if (value > UINT32_MAX) return Status(Code::kInvalidArgument, std::string("config: ") + name);
    *field = static_cast<uint32_t>(value);
  }
  if (json.contains("peers")) {
    if (!json["peers"].is_array()) return Status(Code::kInvalidArgument, "config: peers must be a list");
    for (const auto& p : json["peers"]) {
      PeerConfig peer;
      COVALUE_ASSIGN_OR_RETURN(peer.name, StringField(p, "name"));
      COVALUE_ASSIGN_OR_RETURN(peer.key, Hash32Field(p, "key"));
      COVALUE_ASSIGN_OR_RETURN(peer.host, StringField(p, "host", ""));
      COVALUE_ASSIGN_OR_RETURN(peer.port, PortField(p, "port", 0));
      c.peers.push_back(std::move(peer));
    }
  }
  COVALUE_ASSIGN_OR_RETURN(uint64_t wait, UintField(json, "commit_wait_timeout_ms", c.commit_wait_timeout_ms));
  if (wait > UINT32_MAX) return Status(Code::kInvalidArgument, "config: commit_wait_timeout_ms");
  c.commit_wait_timeout_ms = static_cast<uint32_t>(wait);
  COVALUE_ASSIGN_OR_RETURN(c.mempool_max_txs, UintField(json, "mempool_max_txs", c.mempool_max_txs));
  COVALUE_ASSIGN_OR_RETURN(c.mempool_max_bytes, UintField(json, "mempool_max_bytes", c.mempool_max_bytes));
  COVALUE_ASSIGN_OR_RETURN(c.api_max_body_bytes, UintField(json, "api_max_body_bytes", c.api_max_body_bytes));
  COVALUE_ASSIGN_OR_RETURN(c.api_max_header_bytes,
                           UintField(json, "api_max_header_bytes", c.api_max_header_bytes));
  COVALUE_ASSIGN_OR_RETURN(c.api_max_connections,
                           UintField(json, "api_max_connections", c.api_max_connections));
  COVALUE_ASSIGN_OR_RETURN(c.api_auth, ParseApiAuth(json));
  if (json.contains("api_tokens")) {
    if (!json["api_tokens"].is_array())
      return Status(Code::kInvalidArgument, "config: api_tokens must be a list");
    for (const auto& entry : json["api_tokens"]) {
      COVALUE_ASSIGN_OR_RETURN(auto token, ParseApiToken(entry));
      c.api_tokens.push_back(std::move(token));
    }
  }
  COVALUE_ASSIGN_OR_RETURN(c.member_key_file, StringField(json, "member_key_file", ""));
  COVALUE_ASSIGN_OR_RETURN(c.log_level, StringField(json, "log_level", c.log_level));
  c.data_dir = resolve(c.data_dir);
  c.genesis_file = resolve(c.genesis_file);
  c.node_key_file = resolve(c.node_key_file);
  if (!c.member_key_file.empty()) c.member_key_file = resolve(c.member_key_file);
  Status valid = c.Validate();
  if (!valid.ok()) return Status(valid.code(), path + ": " + valid.message());
  return c;
}

}  // namespace covalue::node
