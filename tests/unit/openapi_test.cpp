// The OpenAPI document (node/openapi.h) cannot drift from the code: every route the node's
// router holds — built as node/node.cpp builds it — is in the document with a matching
// method and path, nothing else is, every path parameter is declared, every answer has an
// example and every error answer is {code, message}; and GET /v1/openapi.json serves it
// through the real HTTP server.
#include <catch2/catch.hpp>

#include <memory>
#include <set>

#include "node/api/auth.h"
#include "node/ledger_api.h"
#include "node/openapi.h"
#include "tests/support/api_fixture.h"
#include "tests/support/test_support.h"

using namespace covalue;
using node::Json;

namespace {

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// A read-only service over the test genesis, for building the router.
struct GenesisOnly {
  storage::MemoryKvStore kv;
  ledger::Genesis genesis = covalue::testing::TestGenesis();
  node::ChainStore store{kv};
  std::unique_ptr<node::ReadOnlyService> service;
  GenesisOnly() {
    REQUIRE(store.Initialize(genesis).ok());
    service = std::make_unique<node::ReadOnlyService>(genesis, store);
  }
};

// The routes of the router a node serves (BuildNodeRouter, as Node::Start builds it).
std::vector<std::pair<std::string, std::string>> NodeRoutes(node::LedgerService& service) {
  node::NodeMetrics metrics;
  covalue::testing::FakeClock clock;
  api::Router router = node::BuildNodeRouter(
      service, metrics, [] { return node::Readiness{}; }, nullptr,
      std::make_shared<api::Authenticator>(false, std::vector<api::ApiTokenSpec>{}, clock));
  return router.Routes();
}

// The "{name}" captures of a path pattern.
std::set<std::string> Captures(const std::string& path) {
  std::set<std::string> names;
  for (std::string_view segment : api::Split(path, '/')) {
    if (segment.front() == '{') names.emplace(segment.substr(1, segment.size() - 2));
  }
  return names;
}

}  // namespace

TEST_CASE("every route the node serves is in the OpenAPI document, and nothing else") {
  GenesisOnly chain;
  const Json& paths = node::OpenApiDocument()["paths"];

  std::set<std::pair<std::string, std::string>> routes;
  for (const auto& [method, pattern] : NodeRoutes(*chain.service)) {
    INFO(method << " " << pattern << " is served but not in node/openapi_endpoints.cpp");
    CHECK(paths.contains(pattern));
    CHECK((paths.contains(pattern) && paths[pattern].contains(Lower(method))));
    routes.emplace(Lower(method), pattern);
  }
  for (const auto& [path, operations] : paths.items()) {
    for (const auto& [method, operation] : operations.items()) {
      INFO(method << " " << path << " is documented but not served");
      CHECK(routes.count({method, path}) == 1);
    }
  }
}

TEST_CASE("each operation declares its parameters, an example answer and {code, message} errors") {
  const Json& document = node::OpenApiDocument();
  CHECK(document["openapi"] == "3.0.3");
  const Json& components = document["components"];
  const Json& error = components["schemas"]["Error"];
  CHECK(error["required"] == Json({"code", "message"}));
  for (const auto& [name, response] : components["responses"].items()) {
    INFO(name);
    const Json& example = response["content"]["application/json"]["example"];
    CHECK(response["content"]["application/json"]["schema"]["$ref"] == "#/components/schemas/Error");
    std::string code = example["code"];
    CHECK((CodeFromName(code).has_value() || code == "method_not_allowed"));
    CHECK(example["message"].is_string());
  }
  std::set<std::string> operation_ids;
  for (const auto& [path, operations] : document["paths"].items()) {
    for (const auto& [method, op] : operations.items()) {
      INFO(method << " " << path);
      CHECK(!op["summary"].get<std::string>().empty());
      CHECK(operation_ids.insert(op["operationId"]).second);
      std::set<std::string> declared;
      for (const auto& param : op.value("parameters", Json::array())) {
        if (param["in"] == "path") {
          CHECK(param["required"] == true);
          declared.insert(param["name"]);
        }
      }
      CHECK(declared == Captures(path));
      bool success = false;
      for (const auto& [status, response] : op["responses"].items()) {
        if (response.contains("$ref")) {
          std::string ref = response["$ref"];
          CHECK(components["responses"].contains(ref.substr(ref.rfind('/') + 1)));
          continue;
        }
        success = true;
        for (const auto& [type, content] : response["content"].items()) CHECK(content.contains("example"));
      }
      CHECK(success);
      CHECK(op["responses"].contains("500"));
      // Routes that need a token say which roles, and may answer 401, 403 and 429.
      if (!op["x-roles"].empty()) {
        CHECK(op["responses"].contains("401"));
        CHECK(op["responses"].contains("403"));
        CHECK(op["responses"].contains("429"));
      }
    }
  }
  CHECK(document["paths"]["/healthz"]["get"]["x-roles"].empty());
  CHECK(document["paths"]["/v1/admin/sign-and-submit"]["post"]["x-roles"] == Json({"admin"}));
}

TEST_CASE("GET /v1/openapi.json serves the document through the HTTP server") {
  GenesisOnly chain;
  covalue::testing::ApiServer api(*chain.service);
  Json served = api.Get("/v1/openapi.json");
  CHECK(served == node::OpenApiDocument());
  CHECK(served["paths"].contains("/v1/history/{family}/{id}"));
}
