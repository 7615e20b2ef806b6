// NodeConfig: everything an operator sets for one node, with defaults and Validate().
// Read from a JSON file (relative paths are relative to the file's folder). A plain
// value; thread-compatible.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"

namespace covalue::node {

struct NodeConfig {
  std::string name = "node";
  std::string data_dir = "db";              // RocksDB folder
  std::string genesis_file = "genesis.json";
  std::string validator_key_file = "validator.key";
  std::string api_address = "127.0.0.1";
  uint16_t api_port = 26680;
  uint32_t block_interval_ms = 20;          // the producer checks the mempool this often
  uint32_t commit_wait_timeout_ms = 30000;  // longest a "wait for commit" request waits
  uint64_t mempool_max_txs = 50000;
  uint64_t mempool_max_bytes = 256ull << 20;
  uint64_t api_max_body_bytes = 1ull << 20;
  std::string log_level = "info";

  Status Validate() const;
};

// Reads and validates a config file.
Result<NodeConfig> LoadNodeConfig(const std::string& path);

}  // namespace covalue::node
