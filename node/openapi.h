// The OpenAPI 3.0 document of the node's HTTP API, served at GET /v1/openapi.json: every
// route with its parameters, its answers (the error schema {code, message} included) and
// an example each. Built from the endpoint table ApiEndpoints() (node/openapi_endpoints.cpp),
// which lists one entry per route; tests/unit/openapi_test.cpp checks that every route the
// router holds is in it, so the document cannot drift from the code. Thread-safe: the
// document is built once, on first use.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "node/api/router.h"

namespace covalue::node {

struct ApiParam {
  std::string name;
  std::string in;    // "path" or "query"
  std::string type;  // "string", "integer" or "boolean"
  std::string description;
  bool required = false;  // path parameters always are
  std::string example;
};

struct ApiEndpoint {
  std::string method;  // "GET"
  std::string path;    // a router pattern: "/v1/tx/{id}"
  std::string tag;     // the group it is listed under
  std::string summary;
  std::vector<ApiParam> params;
  int status = 200;     // of the success answer
  std::string example;  // the success answer: JSON text, or the text itself for other types
  std::vector<int> errors;  // HTTP statuses of the error answers it may give
  std::string content_type = "application/json";
  std::string request_example;  // JSON text of the request body; empty: no body
};

// Every route of the API, in the order of docs/api.md.
const std::vector<ApiEndpoint>& ApiEndpoints();

// The document (throws at first use if an example in the table is not valid JSON, which
// tests/unit/openapi_test.cpp would catch).
const nlohmann::json& OpenApiDocument();

// GET /v1/openapi.json.
void AddOpenApiRoute(api::Router& router);

// Refuses (invalid_argument, naming the parameter and the ones the route takes) a query
// parameter the endpoint table does not list for the request's matched route, so a misspelt
// "?as_of" or "?wiat=true" is an error rather than silently ignored. OK for a request that
// matched no route (the router answers 404/405). Needs request.route (Router::Dispatch
// fills it before the guard). Thread-safe.
Status CheckQueryParams(const api::HttpRequest& request);

}  // namespace covalue::node
