// `covalue network init`: turns a network description (network-configs/<name>/network.json:
// chain id, members and roles, nodes; public information only) into a ready folder:
// genesis.json, one key per member under keys/, and per node a config.json, a node.key and an
// admin.token (the config keeps only the token's SHA-256). Keys and tokens are generated here,
// written 0600, never printed. The API's "api_auth" comes from the description, or is "none"
// when every node serves its API on loopback (a development network) and "tokens" otherwise.
// A node described with "member": ID gets member_key_file ../keys/ID.key, to sign for that
// member for admin clients (docs/operations.md). Thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/status.h"

namespace covalue::node {

struct NetworkInitOptions {
  std::string description_path;
  std::string out_dir;
  int64_t genesis_time_ms = 0;
  // Seals every generated key under this passphrase when set.
  std::optional<std::string> passphrase;
};

// Refuses an out_dir that exists and is not empty (kAlreadyExists).
Status InitNetwork(const NetworkInitOptions& options);

}  // namespace covalue::node
