#include "node/openapi.h"

#include <cctype>
#include <map>
#include <set>
#include <stdexcept>

#include "node/api/auth.h"

namespace covalue::node {
namespace {

using Json = nlohmann::json;

// The error answers an endpoint may list: each is {code, message} (api::ErrorResponse).
struct ErrorAnswer {
  int status;
  const char* name;
  const char* description;
  const char* code;
  const char* message;
};

constexpr ErrorAnswer kErrorAnswers[] = {
    {400, "BadRequest",
     "Bad input: malformed JSON or hex, a wrong type or value, or a transaction refused at "
     "admission (codes malformed, invalid_argument, wrong_chain, bad_signature, "
     "unknown_signer, expired, expiry_too_far, unknown_enum, key_retired, …)",
     "invalid_argument", "limit must be 1..1000"},
    {401, "Unauthenticated", "No token, or a token this node does not know", "unauthenticated",
     "this endpoint needs a bearer token"},
    {403, "Forbidden", "The token's role (or the signer's) may not do this",
     "permission_denied", "the role 'read' may not call POST /v1/tx"},
    {404, "NotFound", "No such thing on this node (or not as of the height asked)", "not_found",
     "no grant 'g9' as of height 12"},
    {405, "MethodNotAllowed", "The path exists with other methods (listed in the Allow header)",
     "method_not_allowed", "DELETE is not allowed on /v1/status"},
    {409, "Conflict",
     "The ledger is not in the state this needs (codes replay, already_exists, conflict, "
     "duplicate, period_closed, failed_precondition, cap_exceeded, revoked, out_of_window)",
     "failed_precondition",
     "state as of a past height is kept from height 120 on (this data folder was written "
     "before versioned state)"},
    {413, "TooLarge", "The request body is over the node's limit", "too_large",
     "request body over 1048576 bytes"},
    {429, "RateLimited", "The token's request rate is over its limit", "rate_limited",
     "rate limit of 50 requests/s exceeded; retry later"},
    {500, "Internal", "A fault on this node (codes internal, io_error, corruption)", "internal",
     "the handler did not answer"},
    {503, "Unavailable", "The node cannot take this now (codes unavailable, mempool_full)",
     "mempool_full", "the mempool holds 10000 transactions"},
    {504, "Timeout", "Waiting for the commit took longer than timeout_ms", "timeout",
     "not committed within 30000 ms; the transaction stays pending"},
};

const ErrorAnswer& ErrorAnswerFor(int status) {
  for (const ErrorAnswer& answer : kErrorAnswers) {
    if (answer.status == status) return answer;
  }
  throw std::logic_error("openapi: no error answer for HTTP status " + std::to_string(status));
}

Json ParseExample(const std::string& text, const ApiEndpoint& endpoint) {
  try {
    return Json::parse(text);
  } catch (const Json::exception& e) {
    throw std::logic_error("openapi: the example of " + endpoint.method + " " + endpoint.path +
                           " is not JSON: " + e.what());
  }
}

std::string OperationId(const ApiEndpoint& endpoint) {
  std::string id;
  for (char c : endpoint.method) id += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (char c : endpoint.path) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      id += c;
    } else if (c == '/' || c == '.') {
      id += '_';
    }
  }
  return id;
}

Json Content(const std::string& content_type, const std::string& example, const ApiEndpoint& e) {
  bool json = content_type == "application/json";
  return {{content_type,
           {{"schema", json ? Json{{"type", "object"}} : Json{{"type", "string"}}},
            {"example", json ? ParseExample(example, e) : Json(example)}}}};
}

// The roles a token needs for `endpoint`, from the node's access table (node/api/auth.h).
api::RoleSet RolesOf(const ApiEndpoint& endpoint) {
  std::vector<std::string> segments;
  for (std::string_view segment : api::Split(endpoint.path, '/')) segments.emplace_back(segment);
  return api::RequiredRoles(endpoint.method, segments);
}

Json Operation(const ApiEndpoint& endpoint) {
  Json op = {{"tags", {endpoint.tag}},
             {"summary", endpoint.summary},
             {"operationId", OperationId(endpoint)}};
  std::set<int> errors(endpoint.errors.begin(), endpoint.errors.end());
  errors.insert(500);  // every endpoint may fail on a node fault
  api::RoleSet roles = RolesOf(endpoint);
  Json role_names = Json::array();
  for (api::Role role : {api::Role::kAdmin, api::Role::kSubmit, api::Role::kRead, api::Role::kAuditor}) {
    if (api::Has(roles, role)) role_names.push_back(api::RoleName(role));
  }
  op["x-roles"] = role_names;
  if (roles == 0) {
    op["security"] = Json::array();  // open: no token needed
  } else {
    op["security"] = {{{"bearerToken", Json::array()}}};
    errors.insert({401, 403, 429});
  }
  Json params = Json::array();
  for (const ApiParam& p : endpoint.params) {
    Json param = {{"name", p.name},
                  {"in", p.in},
                  {"required", p.in == "path" || p.required},
                  {"description", p.description},
                  {"schema", {{"type", p.type}}}};
    if (!p.example.empty()) param["example"] = p.example;
    params.push_back(std::move(param));
  }
  if (!params.empty()) op["parameters"] = std::move(params);
  if (!endpoint.request_example.empty()) {
    op["requestBody"] = {{"required", true},
                         {"content", Content("application/json", endpoint.request_example, endpoint)}};
  }
  Json responses = {{std::to_string(endpoint.status),
                     {{"description", "Success"},
                      {"content", Content(endpoint.content_type, endpoint.example, endpoint)}}}};
  for (int status : errors) {
    responses[std::to_string(status)] = {
        {"$ref", std::string("#/components/responses/") + ErrorAnswerFor(status).name}};
  }
  op["responses"] = std::move(responses);
  return op;
}

Json Components() {
  Json responses = Json::object();
  for (const ErrorAnswer& answer : kErrorAnswers) {
    responses[answer.name] = {
        {"description", answer.description},
        {"content",
         {{"application/json",
           {{"schema", {{"$ref", "#/components/schemas/Error"}}},
            {"example", {{"code", answer.code}, {"message", answer.message}}}}}}}};
  }
  Json error = {
      {"type", "object"},
      {"required", {"code", "message"}},
      {"properties",
       {{"code",
         {{"type", "string"},
          {"description", "A stable snake_case name (common/status.cpp); never renamed"}}},
        {"message", {{"type", "string"}, {"description", "For people; may change"}}}}},
      {"example", {{"code", "not_found"}, {"message", "no grant 'g9'"}}}};
  Json bearer = {{"type", "http"},
                 {"scheme", "bearer"},
                 {"description",
                  "An API token from the node's config (api_tokens); each operation's x-roles lists "
                  "the roles any one of which may call it, when the node requires tokens"}};
  return {{"schemas", {{"Error", std::move(error)}}},
          {"responses", std::move(responses)},
          {"securitySchemes", {{"bearerToken", std::move(bearer)}}}};
}

Json BuildDocument() {
  Json paths = Json::object();
  std::vector<std::string> tags;
  for (const ApiEndpoint& endpoint : ApiEndpoints()) {
    std::string method;
    for (char c : endpoint.method) method += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (paths.contains(endpoint.path) && paths[endpoint.path].contains(method)) {
      throw std::logic_error("openapi: " + endpoint.method + " " + endpoint.path + " is listed twice");
    }
    paths[endpoint.path][method] = Operation(endpoint);
    if (std::find(tags.begin(), tags.end(), endpoint.tag) == tags.end()) tags.push_back(endpoint.tag);
  }
  Json tag_list = Json::array();
  for (const std::string& tag : tags) tag_list.push_back({{"name", tag}});
  return {{"openapi", "3.0.3"},
          {"info",
           {{"title", "covalue node API"},
            {"version", "1"},
            {"description",
             "The HTTP/JSON API every covalue node serves (docs/api.md). JSON in and out; every "
             "error is {code, message} with a stable code and the HTTP status that fits."}}},
          {"servers", {{{"url", "/"}}}},
          {"tags", std::move(tag_list)},
          {"paths", std::move(paths)},
          {"components", Components()}};
}

}  // namespace

const Json& OpenApiDocument() {
  static const Json document = BuildDocument();
  return document;
}

Status CheckQueryParams(const api::HttpRequest& request) {
  if (request.route.empty() || request.query.empty()) return Status::Ok();
  const ApiEndpoint* endpoint = nullptr;
  for (const ApiEndpoint& candidate : ApiEndpoints()) {
    if (candidate.method == request.method && candidate.path == request.route) {
      endpoint = &candidate;
      break;
    }
  }
  if (endpoint == nullptr) return Status::Ok();  // 405 follows; nothing to check against
  for (const auto& [name, value] : request.query) {
    bool known = std::any_of(endpoint->params.begin(), endpoint->params.end(),
                             [&](const ApiParam& p) { return p.in == "query" && p.name == name; });
    if (known) continue;
    std::string names;
    for (const ApiParam& p : endpoint->params) {
      if (p.in != "query") continue;
      names += (names.empty() ? "" : ", ") + p.name;
    }
    return Status(Code::kInvalidArgument,
                  "unknown query parameter '" + name + "' (" +
                      (names.empty() ? "this route takes none" : "known here: " + names) + ")");
  }
  return Status::Ok();
}

void AddOpenApiRoute(api::Router& router) {
  router.Add("GET", "/v1/openapi.json", [](const api::HttpRequest&, api::Responder respond) {
    static const std::string body = OpenApiDocument().dump();
    api::HttpResponse response;
    response.body = body;
    respond(std::move(response));
  });
}

}  // namespace covalue::node
