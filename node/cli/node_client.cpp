#include "node/cli/node_client.h"

#include "node/api/http_client.h"

namespace covalue::cli {

Result<NodeClient> NodeClient::Connect(const std::string& address) {
  COVALUE_ASSIGN_OR_RETURN(auto host_port, api::ParseHostPort(address));
  return NodeClient(host_port.first, host_port.second);
}

Result<node::Json> NodeClient::Get(const std::string& target) const {
  return Call("GET", target, "");
}

Result<node::Json> NodeClient::Post(const std::string& target, const node::Json& body) const {
  return Call("POST", target, body.dump());
}

Result<node::Json> NodeClient::Call(const std::string& method, const std::string& target,
                                    const std::string& body) const {
  // Long enough for a request that waits for its commit.
  COVALUE_ASSIGN_OR_RETURN(auto response, api::HttpCall(m_host, m_port, method, target, body,
                                                        std::chrono::seconds(120)));
  COVALUE_ASSIGN_OR_RETURN(node::Json json, node::ParseJson(response.body, "node response"));
  if (response.status >= 400) {
    std::string code = json.value("code", "internal");
    auto known = CodeFromName(code);
    return Status(known.value_or(Code::kInternal),
                  json.value("message", "HTTP " + std::to_string(response.status)));
  }
  return json;
}

}  // namespace covalue::cli
