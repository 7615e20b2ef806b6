#include "node/network_init.h"

#include <filesystem>

#include "node/genesis_file.h"
#include "node/json_fields.h"
#include "node/key_file.h"
#include "ledger/identifiers.h"

namespace covalue::node {
namespace fs = std::filesystem;

namespace {

struct NodeDescription {
  std::string name;
  bool validator = false;
  std::string api_address = "127.0.0.1";
  uint64_t api_port = 0;
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
  if (node.api_port == 0 || node.api_port > 65535) {
    return Status(Code::kInvalidArgument, "node '" + node.name + "': api_port must be 1..65535");
  }
  return node;
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
    fs::path dir = fs::path(options.out_dir) / node.name;
    fs::create_directories(dir, ec);
    if (ec) return Status(Code::kIoError, "cannot create " + dir.string());
    auto key = crypto::KeyPair::Generate();
    COVALUE_RETURN_IF_ERROR(WriteKeyFile((dir / "validator.key").string(), key, options.passphrase));
    if (node.validator) {
      genesis["validators"].push_back({{"name", node.name}, {"key", ToHex(key.public_key())}});
    }
    Json config = {{"name", node.name},
                   {"data_dir", "db"},
                   {"genesis_file", "../genesis.json"},
                   {"validator_key_file", "validator.key"},
                   {"api_address", node.api_address},
                   {"api_port", node.api_port}};
    if (description.contains("block_interval_ms")) {
      config["block_interval_ms"] = description["block_interval_ms"];
    }
    COVALUE_RETURN_IF_ERROR(WriteJsonFile((dir / "config.json").string(), config));
  }
  // Validate by parsing back exactly what the nodes will read.
  auto parsed = GenesisFromJson(genesis);
  if (!parsed.ok()) return Status(parsed.status().code(), "genesis: " + parsed.status().message());
  return WriteJsonFile((fs::path(options.out_dir) / "genesis.json").string(),
                       GenesisToJson(*parsed));
}

}  // namespace covalue::node
