// NodeConfig: everything an operator sets for one node, with defaults and Validate().
// Read from a JSON file (relative paths are relative to the file's folder). A plain
// value; thread-compatible.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "crypto/keys.h"
#include "node/api/auth.h"

namespace covalue::node {

// Another node this one links to (validators from the genesis, followers such as an
// auditor's node). port 0: never dialled — the peer dials in.
struct PeerConfig {
  std::string name;
  crypto::PublicKey key{};
  std::string host;
  uint16_t port = 0;
};

// Who may use the API (docs/operations.md §Tokens).
enum class ApiAuth {
  kDefault,  // unset: tokens if any are listed; else open only if the API listens on loopback
  kTokens,   // "tokens": a token from api_tokens on every request but /healthz and /readyz
  kNone,     // "none": no tokens at all — only when the config says so
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
  // As the proposer, build a block no sooner than this long after the head block's time
  // (waiting at most this long): under a steady load, blocks carry more transactions each
  // instead of paying a block's fixed cost every few milliseconds. 0 (the default): build
  // at once.
  uint32_t block_interval_ms = 0;
  uint32_t commit_wait_timeout_ms = 30000;  // longest a "wait for commit" request waits
  uint64_t mempool_max_txs = 50000;
  uint64_t mempool_max_bytes = 256ull << 20;
  uint64_t api_max_body_bytes = 1ull << 20;
  uint64_t api_max_header_bytes = 16ull << 10;  // request line and header fields
  uint64_t api_max_connections = 256;
  ApiAuth api_auth = ApiAuth::kDefault;
  std::vector<api::ApiTokenSpec> api_tokens;  // hashes only, never the tokens
  // The member key this node signs with for admin clients (POST /v1/admin/sign-and-submit);
  // empty: it signs for nobody. Validate() refuses it unless the API requires tokens.
  std::string member_key_file;
  std::string log_level = "info";

  // True if API requests (but /healthz and /readyz) need a token (api_auth resolved).
  bool ApiRequiresTokens() const;
  Status Validate() const;
};

// True for an address only this machine can reach: 127.0.0.0/8, ::1, "localhost".
bool IsLoopbackAddress(const std::string& address);

// Reads and validates a config file.
Result<NodeConfig> LoadNodeConfig(const std::string& path);

}  // namespace covalue::node
