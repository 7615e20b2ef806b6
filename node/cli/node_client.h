// NodeClient: the CLI's view of a node's HTTP API — calls an endpoint, parses the JSON
// answer, and turns an error answer into its Status (code and message as the node sent
// them). Thread-compatible.
#pragma once

#include <string>

#include "node/json_fields.h"

namespace covalue::cli {

class NodeClient {
 public:
  // "127.0.0.1:26680" or "http://127.0.0.1:26680".
  static Result<NodeClient> Connect(const std::string& address);

  Result<node::Json> Get(const std::string& target) const;
  Result<node::Json> Post(const std::string& target, const node::Json& body) const;

 private:
  NodeClient(std::string host, uint16_t port) : m_host(std::move(host)), m_port(port) {}
  Result<node::Json> Call(const std::string& method, const std::string& target,
                          const std::string& body) const;
  std::string m_host;
  uint16_t m_port;
};

}  // namespace covalue::cli
