#include "node/ops_api.h"

#include <chrono>
#include <functional>
#include <set>

#include "common/log.h"
#include "node/openapi.h"

namespace covalue::node {
namespace {

// The method as a metric label: the verbs HTTP defines, else "other", so that requests with
// made-up methods (which reach the guard before any token check) cannot add series without
// bound.
std::string MethodLabel(const std::string& method) {
  static const std::set<std::string, std::less<>> kKnown = {
      "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"};
  return kKnown.count(method) ? method : "other";
}

}  // namespace

std::vector<std::string> NotReadyReasons(const Readiness& r) {
  std::vector<std::string> reasons;
  if (r.isolated) reasons.push_back("isolated from its peers (SIGUSR1)");
  if (r.validator_peers < r.validator_peers_needed) {
    reasons.push_back("connected to " + std::to_string(r.validator_peers) + " validators, needs " +
                      std::to_string(r.validator_peers_needed));
  }
  if (r.peers_height > r.height + kReadyMaxLagBlocks) {
    reasons.push_back("behind: height " + std::to_string(r.height) + ", validators at " +
                      std::to_string(r.peers_height));
  }
  return reasons;
}

void AddOpsRoutes(api::Router& router, NodeMetrics& metrics, std::function<Readiness()> readiness) {
  router.Add("GET", "/healthz", [](const api::HttpRequest&, api::Responder respond) {
    respond(api::JsonResponse(200, {{"status", "ok"}}));
  });
  router.Add("GET", "/readyz", [readiness](const api::HttpRequest&, api::Responder respond) {
    Readiness r = readiness();
    std::vector<std::string> reasons = NotReadyReasons(r);
    nlohmann::json body = {{"ready", reasons.empty()},
                           {"height", r.height},
                           {"peers_height", r.peers_height},
                           {"validator_peers", r.validator_peers},
                           {"validator_peers_needed", r.validator_peers_needed},
                           {"reasons", reasons}};
    if (!reasons.empty()) {  // an error body too: {code, message} like every 503
      body["code"] = "unavailable";
      std::string message = "not ready: " + reasons[0];
      for (size_t i = 1; i < reasons.size(); ++i) message += "; " + reasons[i];
      body["message"] = message;
    }
    respond(api::JsonResponse(reasons.empty() ? 200 : 503, body));
  });
  router.Add("GET", "/metrics", [&metrics](const api::HttpRequest&, api::Responder respond) {
    api::HttpResponse response;
    response.content_type = "text/plain; version=0.0.4; charset=utf-8";
    response.body = metrics.registry.Render();
    respond(std::move(response));
  });
}

api::Guard ApiGuard(std::shared_ptr<const api::Authenticator> auth, NodeMetrics& metrics) {
  return [auth = std::move(auth), &metrics](const api::HttpRequest& request,
                                            const api::Responder& respond,
                                            const std::function<void(api::Responder)>& next) {
    auto start = std::chrono::steady_clock::now();
    std::string route = request.route.empty() ? "unmatched" : request.route;
    api::AuthDecision decision = auth->Check(request);
    std::string token = decision.token != nullptr ? decision.token->name : "";
    api::Responder measured = [respond, &metrics, start, route, token,
                               method = MethodLabel(request.method)](api::HttpResponse response) {
      double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::string status = std::to_string(response.status);
      metrics.api_requests.Add(1, {{"method", method}, {"route", route}, {"status", status}});
      metrics.api_latency.Observe(seconds, {{"route", route}});
      Log(response.status >= 500 ? LogLevel::kWarn : LogLevel::kDebug, "api", "request",
          {{"method", method},
           {"route", route},
           {"status", status},
           {"ms", std::to_string(static_cast<int64_t>(seconds * 1000))},
           {"token", token.empty() ? "-" : token}});
      respond(std::move(response));
    };
    if (decision.status.ok()) {
      Status query = CheckQueryParams(request);  // node/openapi.h
      if (!query.ok()) return measured(api::ErrorResponse(query));
      return next(std::move(measured));
    }
    if (decision.status.code() == Code::kRateLimited)
      metrics.rate_limited.Add(1, {{"token", token}});
    measured(api::RefusalResponse(decision));
  };
}

}  // namespace covalue::node
