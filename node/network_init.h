// `covalue network init`: turns a network description (network-configs/<name>/network.json:
// chain id, members and roles, nodes; public information only) into a ready folder:
// genesis.json, one key per member under keys/, and per node a config.json and a
// validator.key. Keys are generated here, written 0600, never printed. Thread-compatible.
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
