// NodeConfig: everything an operator sets for one node, with defaults and Validate().
// Read from a JSON file (relative paths are relative to the file's folder). A plain
// value; thread-compatible.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "crypto/keys.h"

namespace covalue::node {

// Another node this one links to (validators from the genesis, followers such as an
// auditor's node). port 0: never dialled — the peer dials in.
struct PeerConfig {
  std::string name;
  crypto::PublicKey key{};
  std::string host;
  uint16_t port = 0;
};

struct NodeConfig {
  std::string name = "node";
  std::string data_dir = "db";              // RocksDB folder
  std::string genesis_file = "genesis.json";
  std::string node_key_file = "node.key";  // the node's identity (a validator's signing key)
  std::string api_address = "127.0.0.1";
  uint16_t api_port = 26680;
  std::string p2p_address = "127.0.0.1";
  uint16_t p2p_port = 26690;
  std::vector<PeerConfig> peers;
  // Consensus timeouts (docs/spec/consensus.md): base per step, growth per round, and the
  // retransmission interval.
  uint32_t timeout_propose_ms = 1000;
  uint32_t timeout_prevote_ms = 500;
  uint32_t timeout_precommit_ms = 500;
  uint32_t timeout_increase_ms = 250;
  uint32_t retransmit_interval_ms = 500;
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
