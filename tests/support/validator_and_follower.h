// ValidatorAndFollower (tests only): two real nodes on loopback — the test genesis's
// validator, and a follower with a key of its own that dials it — for tests of what passes
// between nodes (block sync, gossip). The follower starts when the test says, so that the
// validator can commit blocks first. Not thread-safe; used from the test's thread.
#pragma once

#include <memory>
#include <optional>

#include "node/key_file.h"
#include "tests/support/running_node.h"
#include "tests/support/temp_dir.h"

namespace covalue::testing {

class ValidatorAndFollower {
 public:
  ValidatorAndFollower() {
    REQUIRE(node::WriteKeyFile(m_keys.Sub("follower.key"), m_follower_key, std::nullopt).ok());
    m_validator = std::make_unique<RunningNode>([&](node::NodeConfig& config) {
      config.peers = {{"follower", m_follower_key.public_key(), "", 0}};  // it dials us
    });
  }

  RunningNode& validator() { return *m_validator; }
  // Null until StartFollower.
  RunningNode* follower() { return m_follower.get(); }

  RunningNode& StartFollower() {
    m_follower = std::make_unique<RunningNode>([&](node::NodeConfig& config) {
      config.node_key_file = m_keys.Sub("follower.key");
      config.peers = {{"validator", KeyFromLabel("validator").public_key(), "127.0.0.1",
                       m_validator->node().p2p_port()}};
    });
    return *m_follower;
  }

 private:
  const crypto::KeyPair m_follower_key = KeyFromLabel("follower");
  TempDir m_keys;
  std::unique_ptr<RunningNode> m_validator;
  std::unique_ptr<RunningNode> m_follower;  // destroyed first
};

}  // namespace covalue::testing
