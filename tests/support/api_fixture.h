// ApiServer (tests only): the node's HTTP API (BuildLedgerApi) over a LedgerService — for
// chains a test builds block by block, node::ReadOnlyService — served by a real HttpServer
// on an ephemeral port (TestServer); Get checks the status and parses the JSON answer. API
// tests of reads without consensus or a block producer. Header-only; call from one thread.
#pragma once

#include <catch2/catch.hpp>

#include <string>

#include "node/json_fields.h"
#include "node/ledger_api.h"
#include "node/read_only_service.h"
#include "tests/support/http_test_server.h"

namespace covalue::testing {

class ApiServer {
 public:
  explicit ApiServer(node::LedgerService& service) : m_server(node::BuildLedgerApi(service)) {}

  // GET `target`; REQUIREs `status` and a JSON body.
  node::Json Get(const std::string& target, int status = 200) {
    auto response = m_server.Call("GET", target);
    REQUIRE(response.ok());
    INFO(target << " -> " << response->body);
    REQUIRE(response->status == status);
    auto json = node::ParseJson(response->body, "response");
    REQUIRE(json.ok());
    return *json;
  }

 private:
  TestServer m_server;
};

}  // namespace covalue::testing
