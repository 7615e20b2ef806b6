// RunningNode (tests only): a real node::Node over the test genesis (test_support.h) — RocksDB
// in a fresh temp folder, the one-validator chain, the Beast API on an ephemeral port — for
// tests that go through the real HTTP server. `configure` may change the NodeConfig (limits,
// tokens) before the node opens. RawHttp sends exactly the bytes given (any request line,
// headers, body) and reads one response. Owns the node and the folder; Call and RawHttp are
// safe from any thread, the rest is not thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <catch2/catch.hpp>

#include "node/api/http_client.h"
#include "node/genesis_file.h"
#include "node/json_fields.h"
#include "node/key_file.h"
#include "node/node.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_support.h"

namespace covalue::testing {

class RunningNode {
 public:
  explicit RunningNode(const std::function<void(node::NodeConfig&)>& configure = {}) {
    REQUIRE(node::WriteJsonFile(m_dir.Sub("genesis.json"), node::GenesisToJson(TestGenesis())).ok());
    REQUIRE(node::WriteKeyFile(m_dir.Sub("validator.key"), KeyFromLabel("validator"), std::nullopt).ok());
    node::NodeConfig config;
    config.data_dir = m_dir.Sub("db");
    config.genesis_file = m_dir.Sub("genesis.json");
    config.node_key_file = m_dir.Sub("validator.key");
    config.api_port = 0;
    config.p2p_port = 0;
    if (configure) configure(config);
    auto opened = node::Node::Open(config, std::nullopt);
    REQUIRE(opened.ok());
    m_node = std::move(opened).value();
    REQUIRE(m_node->Start(2).ok());
  }
  ~RunningNode() {
    m_node->Stop();
    m_node.reset();
  }
  RunningNode(const RunningNode&) = delete;
  RunningNode& operator=(const RunningNode&) = delete;

  node::Node& node() { return *m_node; }
  uint16_t port() const { return m_node->api_port(); }

  api::HttpResponse Call(const std::string& method, const std::string& target,
                         const std::string& body = "") {
    auto response = api::HttpCall("127.0.0.1", port(), method, target, body);
    REQUIRE(response.ok());
    return *response;
  }
  // Submits `tx` and waits for its commit (or refusal).
  api::HttpResponse Submit(const ledger::Transaction& tx) {
    node::Json body = {{"tx", ToHex(ledger::EncodeTransaction(tx))}};
    return Call("POST", "/v1/tx?wait=true", body.dump());
  }
  static node::Json Json(const api::HttpResponse& response) {
    auto json = node::ParseJson(response.body, "response");
    INFO(response.body);
    REQUIRE(json.ok());
    return *json;
  }

  // Writes `bytes` on a fresh connection and reads one response (nullopt if the server
  // closed the connection without answering).
  std::optional<api::HttpResponse> RawHttp(const std::string& bytes) {
    namespace beast = boost::beast;
    namespace http = beast::http;
    boost::asio::io_context io;
    beast::tcp_stream stream(io);
    stream.expires_after(std::chrono::seconds(30));
    beast::error_code ec;
    stream.connect({boost::asio::ip::make_address("127.0.0.1"), port()}, ec);
    REQUIRE(!ec);
    boost::asio::write(stream, boost::asio::buffer(bytes), ec);
    // The server may answer and close before reading everything (413): still read.
    beast::flat_buffer buffer;
    http::response<http::string_body> response;
    http::read(stream, buffer, response, ec);
    if (ec) return std::nullopt;
    api::HttpResponse out;
    out.status = static_cast<int>(response.result_int());
    out.content_type = std::string(response[http::field::content_type]);
    out.body = std::move(response.body());
    for (const auto& field : response) {
      out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    return out;
  }

 private:
  TempDir m_dir;
  std::unique_ptr<node::Node> m_node;
};

}  // namespace covalue::testing
