// NodeClient: the CLI's view of a node's HTTP API — calls an endpoint with the API token (if
// one is given), parses the JSON answer, and turns an error answer into its Status (code and
// message as the node sent them). The token comes from, first found: the binary's
// --token-file FILE (TakeTokenFileFlag), $COVALUE_TOKEN_FILE, $COVALUE_TOKEN. The flag is
// process-wide state set once by main; NodeClient itself is thread-compatible.
#pragma once

#include <string>
#include <vector>

#include "node/json_fields.h"

namespace covalue::cli {

class NodeClient {
 public:
  // "127.0.0.1:26680" or "http://127.0.0.1:26680". Fails if a token file is named and cannot
  // be read (node/token_file.h).
  static Result<NodeClient> Connect(const std::string& address);

  Result<node::Json> Get(const std::string& target) const;
  Result<node::Json> Post(const std::string& target, const node::Json& body) const;

 private:
  NodeClient(std::string host, uint16_t port, std::string token)
      : m_host(std::move(host)), m_port(port), m_token(std::move(token)) {}
  Result<node::Json> Call(const std::string& method, const std::string& target,
                          const std::string& body) const;
  std::string m_host;
  uint16_t m_port;
  std::string m_token;  // empty: none
};

// Removes "--token-file FILE" (or "--token-file=FILE") from `argv`, wherever it stands, and
// makes FILE the token source of every NodeClient. kInvalidArgument if it has no value or is
// given twice. Call once, before any NodeClient connects.
Status TakeTokenFileFlag(std::vector<std::string>& argv);

}  // namespace covalue::cli
