#include "node/api/router.h"

#include "common/bytes.h"
#include "common/log.h"

namespace covalue::api {

std::optional<std::string> PercentDecode(std::string_view in, bool plus_is_space) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '+' && plus_is_space) {
      out += ' ';
    } else if (c != '%') {
      out += c;
    } else {
      if (i + 2 >= in.size()) return std::nullopt;
      int hi = HexDigitValue(in[i + 1]);
      int lo = HexDigitValue(in[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    }
  }
  return out;
}

std::vector<std::string_view> Split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  while (!text.empty()) {
    size_t end = text.find(separator);
    std::string_view part = text.substr(0, end);
    if (!part.empty()) parts.push_back(part);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return parts;
}

namespace {

bool IsCapture(std::string_view segment) {
  return segment.size() >= 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

int HttpStatusFor(Code code) {
  switch (code) {
    case Code::kOk: return 200;
    case Code::kMalformed:
    case Code::kTrailingBytes:
    case Code::kInvalidArgument:
    case Code::kUnknownEnum:
    case Code::kUnsupportedVersion:
    case Code::kUnknownKind:
    case Code::kWrongChain:
    case Code::kBadSignature:
    case Code::kUnknownSigner:
    case Code::kExpired:
    case Code::kExpiryTooFar:
    case Code::kKeyRetired: return 400;
    case Code::kTooLarge: return 413;
    case Code::kNotFound: return 404;
    case Code::kAlreadyExists:
    case Code::kReplay:
    case Code::kConflict:
    case Code::kDuplicate:
    case Code::kPeriodClosed:
    case Code::kFailedPrecondition:
    case Code::kCapExceeded:
    case Code::kRevoked:
    case Code::kOutOfWindow: return 409;
    case Code::kUnauthenticated: return 401;
    case Code::kForbidden:
    case Code::kPermissionDenied: return 403;
    case Code::kRateLimited: return 429;
    case Code::kMempoolFull:
    case Code::kUnavailable: return 503;
    case Code::kTimeout: return 504;
    default: return 500;
  }
}

HttpResponse JsonResponse(int status, const nlohmann::json& body) {
  HttpResponse response;
  response.status = status;
  response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return response;
}

HttpResponse ErrorResponse(const Status& status) {
  return JsonResponse(HttpStatusFor(status.code()),
                      {{"code", std::string(CodeName(status.code()))}, {"message", status.message()}});
}

void Router::Add(std::string method, std::string pattern, Handler handler) {
  Route route{std::move(method), {}, "/", std::move(handler)};
  for (std::string_view segment : Split(pattern, '/')) {
    if (!route.segments.empty()) route.pattern += '/';
    route.segments.emplace_back(segment);
    route.pattern += segment;
  }
  m_routes.push_back(std::move(route));
}

void Router::Dispatch(HttpRequest& request, const Responder& respond) const {
  std::vector<std::string> segments;
  for (std::string_view raw : Split(request.path, '/')) {
    auto decoded = PercentDecode(raw, false);
    if (!decoded) return respond(ErrorResponse({Code::kMalformed, "bad percent-encoding in path"}));
    segments.push_back(std::move(*decoded));
  }
  const Route* best = nullptr;
  const Route* same_path = nullptr;  // a route whose path matches, for a 405's route label
  std::vector<bool> best_rank;  // true where the pattern has a literal; more literals earlier win
  std::vector<std::string> allowed;  // methods of the routes whose path matches
  for (const Route& route : m_routes) {
    if (route.segments.size() != segments.size()) continue;
    std::vector<bool> rank(segments.size());
    bool match = true;
    for (size_t i = 0; i < segments.size() && match; ++i) {
      rank[i] = !IsCapture(route.segments[i]);
      match = !rank[i] || route.segments[i] == segments[i];
    }
    if (!match) continue;
    if (route.method != request.method) {
      if (std::find(allowed.begin(), allowed.end(), route.method) == allowed.end()) {
        allowed.push_back(route.method);
      }
      if (same_path == nullptr) same_path = &route;
      continue;
    }
    if (best == nullptr || rank > best_rank) {
      best = &route;
      best_rank = std::move(rank);
    }
  }
  if (best != nullptr) {
    for (size_t i = 0; i < segments.size(); ++i) {
      const std::string& pattern = best->segments[i];
      if (IsCapture(pattern)) request.params[pattern.substr(1, pattern.size() - 2)] = segments[i];
    }
  }
  request.segments = std::move(segments);
  request.route = best != nullptr ? best->pattern : same_path != nullptr ? same_path->pattern : "";

  auto dispatch = [&](const Responder& answer) {
    if (best != nullptr) return best->handler(request, answer);
    if (allowed.empty()) {
      return answer(ErrorResponse({Code::kNotFound, "no route for " + request.path}));
    }
    HttpResponse response = JsonResponse(
        405, {{"code", "method_not_allowed"},
              {"message", request.method + " is not allowed on " + request.path}});
    std::string allow;
    for (const std::string& method : allowed) allow += (allow.empty() ? "" : ", ") + method;
    response.headers.emplace_back("Allow", allow);
    answer(std::move(response));
  };
  if (!m_guard) return dispatch(respond);
  m_guard(request, respond, [&](Responder next) { dispatch(next); });
}

}  // namespace covalue::api
