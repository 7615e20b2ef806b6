#include "node/network_init.h"

#include <filesystem>

#include "ledger/identifiers.h"
#include "node/api/auth.h"
#include "node/config.h"
#include "node/genesis_file.h"
#include "node/json_fields.h"
#include "node/key_file.h"
#include "node/token_file.h"

namespace covalue::node {
namespace fs = std::filesystem;

namespace {

struct NodeDescription {
  std::string name;
  bool validator = false;
  std::string api_address = "127.0.0.1";
  uint64_t api_port = 0;
  std::string p2p_address = "127.0.0.1";  // where it listens
  std::string host = "127.0.0.1";         // where others dial it
  uint64_t p2p_port = 0;
  std::string member;                     // the member whose key it may sign with, if any
  std::string key_hex;                    // filled in by InitNetwork
};

Result<NodeDescription> ParseNode(const Json& json) {
  NodeDescription node;
  COVALUE_ASSIGN_OR_RETURN(node.name, StringField(json, "name"));
  if (!ledger::IsValidId(node.name)) {
    return Status(Code::kInvalidArgument, "node name '" + node.name + "' is not a valid id");
  }
  if (json.contains("validator")) {
    if (!json["validator"].is_boolean()) {
      return Status(Code::kInvalidArgument, "node '" + node.name + "': validator must be true/false");
    }
    node.validator = json["validator"].get<bool>();
  }
  COVALUE_ASSIGN_OR_RETURN(node.api_address, StringField(json, "api_address", node.api_address));
  COVALUE_ASSIGN_OR_RETURN(node.api_port, UintField(json, "api_port"));
  COVALUE_ASSIGN_OR_RETURN(node.p2p_address, StringField(json, "p2p_address", node.p2p_address));
  COVALUE_ASSIGN_OR_RETURN(node.host, StringField(json, "host", node.p2p_address));
  COVALUE_ASSIGN_OR_RETURN(node.p2p_port, UintField(json, "p2p_port"));
  COVALUE_ASSIGN_OR_RETURN(node.member, StringField(json, "member", ""));
  for (uint64_t port : {node.api_port, node.p2p_port}) {
    if (port == 0 || port > 65535) {
      return Status(Code::kInvalidArgument,
                    "node '" + node.name + "': api_port and p2p_port must be 1..65535");
    }
  }
  return node;
}

// "api_auth" of the description, or by default "none" for a network whose nodes all serve
// their API on loopback (a development network on one machine) and hold no member key, and
// "tokens" otherwise. (A node with a member key refuses to start with "none": node/config.h.)
Result<std::string> NetworkApiAuth(const Json& description,
                                   const std::vector<NodeDescription>& nodes) {
  if (description.contains("api_auth")) {
    COVALUE_ASSIGN_OR_RETURN(std::string mode, StringField(description, "api_auth"));
    if (mode != "tokens" && mode != "none") {
      return Status(Code::kInvalidArgument, "description: api_auth must be \"tokens\" or \"none\"");
    }
    return mode;
  }
  for (const auto& node : nodes) {
    if (!IsLoopbackAddress(node.api_address) || !node.member.empty()) return std::string("tokens");
  }
  return std::string("none");
}

// A new admin token for the node in `dir`, written to dir/admin.token (0600); its config entry.
Result<Json> NewAdminToken(const fs::path& dir) {
  std::string token = api::NewApiToken();
  COVALUE_RETURN_IF_ERROR(WriteTokenFile((dir / "admin.token").string(), token));
  return Json{{"name", "admin"}, {"role", "admin"}, {"sha256", ToHex(api::ApiTokenHash(token))}};
}

}  // namespace

Status InitNetwork(const NetworkInitOptions& options) {
  COVALUE_ASSIGN_OR_RETURN(Json description, ReadJsonFile(options.description_path));
  if (!description.is_object()) {
    return Status(Code::kInvalidArgument, options.description_path + ": not a JSON object");
  }
  std::error_code ec;
  if (fs::exists(options.out_dir, ec) && !fs::is_empty(options.out_dir, ec)) {
    return Status(Code::kAlreadyExists, options.out_dir + " exists and is not empty");
  }
  fs::create_directories(fs::path(options.out_dir) / "keys", ec);
  if (ec) return Status(Code::kIoError, "cannot create " + options.out_dir + ": " + ec.message());

  // The genesis as JSON, with keys filled in as they are generated.
  Json genesis = {{"chain_id", description.value("chain_id", "")},
                  {"genesis_time_ms", options.genesis_time_ms},
                  {"members", Json::array()},
                  {"validators", Json::array()}};
  if (description.contains("params")) genesis["params"] = description["params"];
  if (!description.contains("members") || !description["members"].is_array()) {
    return Status(Code::kInvalidArgument, "description: 'members' must be a list");
  }
  for (const auto& m : description["members"]) {
    COVALUE_ASSIGN_OR_RETURN(std::string id, StringField(m, "id"));
    if (!ledger::IsValidId(id)) {
      return Status(Code::kInvalidArgument, "member id '" + id + "' is not a valid id");
    }
    auto key = crypto::KeyPair::Generate();
    COVALUE_RETURN_IF_ERROR(WriteKeyFile((fs::path(options.out_dir) / "keys" / (id + ".key")).string(),
                                         key, options.passphrase));
    genesis["members"].push_back(
        {{"id", id}, {"roles", m.value("roles", Json::array())}, {"keys", {ToHex(key.public_key())}}});
  }
  if (!description.contains("nodes") || !description["nodes"].is_array()) {
    return Status(Code::kInvalidArgument, "description: 'nodes' must be a list");
  }
  std::vector<NodeDescription> nodes;
  for (const auto& n : description["nodes"]) {
    COVALUE_ASSIGN_OR_RETURN(auto node, ParseNode(n));
    bool known = node.member.empty();
    for (const auto& m : genesis["members"]) known = known || m["id"] == node.member;
    if (!known) {
      return Status(Code::kInvalidArgument,
                    "node '" + node.name + "': member '" + node.member + "' is not a member");
    }
    fs::path dir = fs::path(options.out_dir) / node.name;
    fs::create_directories(dir, ec);
    if (ec) return Status(Code::kIoError, "cannot create " + dir.string());
    auto key = crypto::KeyPair::Generate();
    COVALUE_RETURN_IF_ERROR(WriteKeyFile((dir / "node.key").string(), key, options.passphrase));
    node.key_hex = ToHex(key.public_key());
    if (node.validator) genesis["validators"].push_back({{"name", node.name}, {"key", node.key_hex}});
    nodes.push_back(std::move(node));
  }
  COVALUE_ASSIGN_OR_RETURN(std::string api_auth, NetworkApiAuth(description, nodes));
  // Each node's config lists every other node as a peer (a full mesh).
  for (const auto& node : nodes) {
    Json peers = Json::array();
    for (const auto& other : nodes) {
      if (other.name == node.name) continue;
      peers.push_back({{"name", other.name}, {"key", other.key_hex}, {"host", other.host},
                       {"port", other.p2p_port}});
    }
    Json config = {{"name", node.name},
                   {"data_dir", "db"},
                   {"genesis_file", "../genesis.json"},
                   {"node_key_file", "node.key"},
                   {"api_address", node.api_address},
                   {"api_port", node.api_port},
                   {"p2p_address", node.p2p_address},
                   {"p2p_port", node.p2p_port},
                   {"peers", peers}};
    if (description.contains("consensus")) {
      for (const auto& [k, v] : description["consensus"].items()) config[k] = v;
    }
    fs::path dir = fs::path(options.out_dir) / node.name;
    COVALUE_ASSIGN_OR_RETURN(Json admin_token, NewAdminToken(dir));
    config["api_auth"] = api_auth;
    config["api_tokens"] = Json::array({admin_token});
    if (!node.member.empty()) config["member_key_file"] = "../keys/" + node.member + ".key";
    COVALUE_RETURN_IF_ERROR(WriteJsonFile((dir / "config.json").string(), config));
  }
  // Validate by parsing back exactly what the nodes will read.
  auto parsed = GenesisFromJson(genesis);
  if (!parsed.ok()) return Status(parsed.status().code(), "genesis: " + parsed.status().message());
  return WriteJsonFile((fs::path(options.out_dir) / "genesis.json").string(),
                       GenesisToJson(*parsed));
}

}  // namespace covalue::node
