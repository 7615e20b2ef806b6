#include "node/cli/node_client.h"

#include <cstdlib>
#include <optional>

#include "node/api/http_client.h"
#include "node/token_file.h"

namespace covalue::cli {
namespace {

std::optional<std::string> g_token_file;  // --token-file, set once by main

// The token to send: --token-file, $COVALUE_TOKEN_FILE, $COVALUE_TOKEN, or none.
Result<std::string> ApiToken() {
  std::optional<std::string> file = g_token_file;
  if (!file) {
    if (const char* path = std::getenv("COVALUE_TOKEN_FILE"); path != nullptr && *path != '\0')
      file = path;
  }
  if (file) return node::ReadTokenFile(*file);
  const char* token = std::getenv("COVALUE_TOKEN");
  return std::string(token != nullptr ? token : "");
}

}  // namespace

Status TakeTokenFileFlag(std::vector<std::string>& argv) {
  constexpr std::string_view kFlag = "--token-file";
  for (size_t i = 0; i < argv.size();) {
    std::string_view arg = argv[i];
    if (arg.substr(0, kFlag.size()) != kFlag ||
        (arg.size() > kFlag.size() && arg[kFlag.size()] != '=')) {
      ++i;
      continue;
    }
    if (g_token_file) return Status(Code::kInvalidArgument, "--token-file given twice");
    bool inline_value = arg.size() > kFlag.size();
    if (!inline_value && i + 1 == argv.size()) {
      return Status(Code::kInvalidArgument, "--token-file needs a value");
    }
    g_token_file = inline_value ? std::string(arg.substr(kFlag.size() + 1)) : argv[i + 1];
    argv.erase(argv.begin() + static_cast<std::ptrdiff_t>(i),
               argv.begin() + static_cast<std::ptrdiff_t>(i + (inline_value ? 1 : 2)));
  }
  return Status::Ok();
}

Result<NodeClient> NodeClient::Connect(const std::string& address) {
  COVALUE_ASSIGN_OR_RETURN(auto host_port, api::ParseHostPort(address));
  COVALUE_ASSIGN_OR_RETURN(std::string token, ApiToken());
  return NodeClient(host_port.first, host_port.second, std::move(token));
}

Result<node::Json> NodeClient::Get(const std::string& target) const {
  return Call("GET", target, "");
}

Result<node::Json> NodeClient::Post(const std::string& target, const node::Json& body) const {
  return Call("POST", target, body.dump());
}

Result<node::Json> NodeClient::Call(const std::string& method, const std::string& target,
                                    const std::string& body) const {
  std::vector<std::pair<std::string, std::string>> headers;
  if (!m_token.empty()) headers.emplace_back("Authorization", "Bearer " + m_token);
  // Long enough for a request that waits for its commit.
  COVALUE_ASSIGN_OR_RETURN(auto response, api::HttpCall(m_host, m_port, method, target, body,
                                                        std::chrono::seconds(120), headers));
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
