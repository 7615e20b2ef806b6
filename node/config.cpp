#include "node/config.h"

#include <filesystem>

#include "common/log.h"
#include "node/json_fields.h"

namespace covalue::node {

Status NodeConfig::Validate() const {
  if (name.empty()) return Status(Code::kInvalidArgument, "config: name is empty");
  if (data_dir.empty()) return Status(Code::kInvalidArgument, "config: data_dir is empty");
  if (block_interval_ms == 0 || block_interval_ms > 60000) {
    return Status(Code::kInvalidArgument, "config: block_interval_ms must be 1..60000");
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
  LogLevel level;
  if (!ParseLogLevel(log_level, &level)) {
    return Status(Code::kInvalidArgument, "config: log_level must be debug, info, warn or error");
  }
  return Status::Ok();
}

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
  COVALUE_ASSIGN_OR_RETURN(c.validator_key_file,
                           StringField(json, "validator_key_file", c.validator_key_file));
  COVALUE_ASSIGN_OR_RETURN(c.api_address, StringField(json, "api_address", c.api_address));
  COVALUE_ASSIGN_OR_RETURN(uint64_t port, UintField(json, "api_port", c.api_port));
  if (port > 65535) return Status(Code::kInvalidArgument, "config: api_port must be 0..65535");
  c.api_port = static_cast<uint16_t>(port);
  COVALUE_ASSIGN_OR_RETURN(uint64_t interval, UintField(json, "block_interval_ms", c.block_interval_ms));
  COVALUE_ASSIGN_OR_RETURN(uint64_t wait, UintField(json, "commit_wait_timeout_ms", c.commit_wait_timeout_ms));
  if (interval > UINT32_MAX || wait > UINT32_MAX) {
    return Status(Code::kInvalidArgument, "config: interval or timeout too large");
  }
  c.block_interval_ms = static_cast<uint32_t>(interval);
  c.commit_wait_timeout_ms = static_cast<uint32_t>(wait);
  COVALUE_ASSIGN_OR_RETURN(c.mempool_max_txs, UintField(json, "mempool_max_txs", c.mempool_max_txs));
  COVALUE_ASSIGN_OR_RETURN(c.mempool_max_bytes, UintField(json, "mempool_max_bytes", c.mempool_max_bytes));
  COVALUE_ASSIGN_OR_RETURN(c.api_max_body_bytes, UintField(json, "api_max_body_bytes", c.api_max_body_bytes));
  COVALUE_ASSIGN_OR_RETURN(c.log_level, StringField(json, "log_level", c.log_level));
  c.data_dir = resolve(c.data_dir);
  c.genesis_file = resolve(c.genesis_file);
  c.validator_key_file = resolve(c.validator_key_file);
  Status valid = c.Validate();
  if (!valid.ok()) return Status(valid.code(), path + ": " + valid.message());
  return c;
}

}  // namespace covalue::node
