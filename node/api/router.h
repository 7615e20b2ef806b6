// The request/response model and the router of the node's HTTP layer: requests, responses,
// JSON error bodies with stable codes, and method + path-pattern routing to handlers that may
// answer later from any thread. Knows nothing about sockets (node/api/http_server.h) or the
// ledger. Thread-safety: see each declaration.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"

namespace covalue::api {

struct HttpRequest {
  std::string method;                          // "GET", "POST", ... as sent
  std::string path;                            // without the query, as sent (not decoded)
  std::map<std::string, std::string> query;    // percent-decoded; a repeated key keeps its last value
  std::map<std::string, std::string> params;   // "{name}" captures of the matched pattern, decoded
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names; repeated fields joined by ", "
  // Filled by Router::Dispatch before the guard runs: the percent-decoded path segments, and
  // the pattern of the route the path matched ("/v1/tx/{id}"; empty if none did).
  std::vector<std::string> segments;
  std::string route;
};

class StreamProducer;  // node/api/http_server.h

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  // Extra header fields. Content-Type, Content-Length, Server and Connection are set by the server.
  // (HttpCall fills this with every received field, names in lower case.)
  std::vector<std::pair<std::string, std::string>> headers;
  // Set for a streamed body (server-sent events): the server sends the status and headers with
  // chunked transfer encoding, then hands the stream to this producer; `body` is not sent.
  std::shared_ptr<StreamProducer> stream;
};

// The HTTP status for a rejection: 400 for bad input, 401, 403, 404, 409, 413, 429, 503, 504,
// else 500.
int HttpStatusFor(Code code);
// {"code": CodeName(status.code()), "message": status.message()} with HttpStatusFor's status.
HttpResponse ErrorResponse(const Status& status);
// `body` serialized compactly; invalid UTF-8 in strings is replaced rather than thrown on.
HttpResponse JsonResponse(int status, const nlohmann::json& body);

// Answers a request. Call it exactly once, from any thread, now or later; it is cheap to copy.
// Later calls are ignored (and logged). If every copy is destroyed unanswered, the client gets
// 500 internal. Calling it after the client has gone away is harmless.
using Responder = std::function<void(HttpResponse)>;
// The request is valid only during the call; copy what must outlive it.
using Handler = std::function<void(const HttpRequest&, Responder)>;

// Runs before every dispatch of a decodable path (404 and 405 answers included), with
// request.segments and request.route filled in. It either answers through `respond` (and the
// handler is not called), or calls `next` — before it returns — with the Responder the rest of
// the dispatch answers through: `respond` itself or a wrapper (e.g. one that measures). Used
// for authentication, rate limits and metrics (node/api/auth.h, node/ops_api.h).
using Guard = std::function<void(const HttpRequest& request, const Responder& respond,
                                 const std::function<void(Responder)>& next)>;

// Method + path pattern -> Handler. A pattern is "/"-separated segments, each a literal or a
// "{name}" capture ("/v1/tx/{id}"); empty segments are ignored, so a trailing "/" does not matter.
// When several patterns match, the one with a literal in the earliest differing position wins.
// Not thread-safe while adding routes or setting the guard; Dispatch is const and safe to call
// concurrently.
class Router {
 public:
  void Add(std::string method, std::string pattern, Handler handler);
  // Replaces the guard (none by default).
  void SetGuard(Guard guard) { m_guard = std::move(guard); }
  // Every route as (method, pattern "/v1/tx/{id}"), in the order added: what the router
  // serves (tests/unit/openapi_test.cpp checks the OpenAPI document lists each).
  std::vector<std::pair<std::string, std::string>> Routes() const {
    std::vector<std::pair<std::string, std::string>> routes;
    for (const Route& route : m_routes) routes.emplace_back(route.method, route.pattern);
    return routes;
  }

  // Fills request.segments, route and params, runs the guard, and calls the matching handler.
  // An unknown path answers 404 not_found; a known path with another method answers 405
  // {"code":"method_not_allowed"} with an Allow header; an undecodable path answers 400
  // malformed (before the guard). A handler's or the guard's exception propagates.
  void Dispatch(HttpRequest& request, const Responder& respond) const;

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;  // a capture is stored as "{name}"
    std::string pattern;                // the segments joined, "/v1/tx/{id}"
    Handler handler;
  };
  std::vector<Route> m_routes;
  Guard m_guard;
};

// Percent-decodes `in` ("%2F" -> "/"; with `plus_is_space`, "+" -> " " as in query strings);
// nullopt for a broken escape.
std::optional<std::string> PercentDecode(std::string_view in, bool plus_is_space);
// The non-empty pieces of `text` between `separator`s.
std::vector<std::string_view> Split(std::string_view text, char separator);

}  // namespace covalue::api
