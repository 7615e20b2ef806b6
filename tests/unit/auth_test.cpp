// API tokens through the real HTTP server: every role against every route class of a real
// node (its own routes, so routes others add are covered by the prefix rules), a missing,
// malformed or unknown token, the config keeping hashes and never tokens, the safe default
// when no token is configured, per-token rate limits (429 with Retry-After, refilled by a fake
// clock), and the node signing for its member for admin clients.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <set>

#include "node/admin_api.h"
#include "node/config.h"
#include "node/network_init.h"
#include "node/ops_api.h"
#include "node/token_file.h"
#include "tests/support/http_test_server.h"
#include "tests/support/running_node.h"

using namespace covalue;
using api::Role;
using covalue::testing::KeyFromLabel;
using covalue::testing::RunningNode;
using covalue::testing::TempDir;

namespace {

constexpr const char* kAdmin = "cvt_admin-token-for-tests";
constexpr const char* kSubmit = "cvt_submit-token-for-tests";
constexpr const char* kRead = "cvt_read-token-for-tests";
constexpr const char* kAuditor = "cvt_auditor-token-for-tests";

api::ApiTokenSpec Spec(const std::string& name, api::RoleSet roles, const std::string& token,
                       uint64_t rate_per_s = 0, uint64_t burst = 0) {
  return {name, roles, api::ApiTokenHash(token), rate_per_s, burst};
}

std::vector<api::ApiTokenSpec> FourTokens() {
  return {Spec("ops", static_cast<api::RoleSet>(Role::kAdmin), kAdmin),
          Spec("app", static_cast<api::RoleSet>(Role::kSubmit), kSubmit),
          Spec("dashboard", static_cast<api::RoleSet>(Role::kRead), kRead),
          Spec("audit-firm", static_cast<api::RoleSet>(Role::kAuditor), kAuditor)};
}

// `token` empty: no Authorization header; `scheme` replaces "Bearer".
api::HttpResponse CallAs(uint16_t port, const std::string& token, const std::string& method,
                         const std::string& target, const std::string& body = "",
                         const std::string& scheme = "Bearer") {
  std::vector<std::pair<std::string, std::string>> headers;
  if (!token.empty()) headers.emplace_back("Authorization", scheme + " " + token);
  auto response =
      api::HttpCall("127.0.0.1", port, method, target, body, std::chrono::seconds(30), headers);
  REQUIRE(response.ok());
  return *response;
}

std::string Header(const api::HttpResponse& response, const std::string& name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) return value;
  }
  return "";
}

void CheckRefusal(const api::HttpResponse& response, int status, const std::string& code) {
  INFO(response.body);
  CHECK(response.status == status);
  CHECK(RunningNode::Json(response)["code"] == code);
}

struct RouteCase {
  std::string method;
  std::string target;
  std::string body;
  std::set<std::string> allowed;  // token names; empty set + open: no token needed
  bool open = false;
};

}  // namespace

TEST_CASE("every role against every route class of a real node", "[auth]") {
  TempDir keys;
  REQUIRE(node::WriteKeyFile(keys.Sub("maker.key"), KeyFromLabel("maker"), std::nullopt).ok());
  RunningNode n([&](node::NodeConfig& config) {
    config.api_auth = node::ApiAuth::kTokens;
    config.api_tokens = FourTokens();
    config.member_key_file = keys.Sub("maker.key");
  });
  const std::set<std::string> kEveryRole = {"ops", "app", "dashboard", "audit-firm"};
  const std::set<std::string> kReaders = {"ops", "dashboard", "audit-firm"};
  const std::string zero_id(64, '0');
  const std::vector<RouteCase> cases = {
      {"GET", "/healthz", "", {}, true},
      {"GET", "/readyz", "", {}, true},
      {"GET", "/metrics", "", kReaders},
      {"GET", "/v1/status", "", kEveryRole},
      {"GET", "/v1/tx/" + zero_id, "", kEveryRole},
      {"POST", "/v1/tx", "{}", {"ops", "app"}},
      {"POST", "/v1/tx?wait=true", "{\"tx\": \"00\"}", {"ops", "app"}},
      {"GET", "/v1/blocks/latest", "", kReaders},
      {"GET", "/v1/datasets/telemetry", "", kReaders},
      {"GET", "/v1/history/dataset/telemetry", "", kReaders},
      {"GET", "/v1/some-future-read", "", kReaders},
      {"GET", "/v1/blocks/1/encoded", "", {"ops", "audit-firm"}},
      {"GET", "/v1/log/frontier", "", {"ops", "audit-firm"}},
      {"GET", "/v1/log/consistency?from=1&to=1", "", {"ops", "audit-firm"}},
      {"GET", "/v1/genesis", "", {"ops", "audit-firm"}},
      {"GET", "/v1/tx/" + zero_id + "/proof", "", kReaders},
      {"GET", "/v1/events/page", "", kReaders},
      {"GET", "/v1/openapi.json", "", kReaders},
      {"POST", "/v1/admin/sign-and-submit", "{}", {"ops"}},
      {"GET", "/v1/admin/sign-and-submit", "", {"ops"}},
      {"GET", "/v1/%61dmin/sign-and-submit", "", {"ops"}},  // decoded before the rules apply
      {"DELETE", "/v1/status", "", {"ops"}},
      {"GET", "/not-a-route", "", {"ops"}},
  };
  const std::vector<std::pair<std::string, std::string>> tokens = {
      {"ops", kAdmin}, {"app", kSubmit}, {"dashboard", kRead}, {"audit-firm", kAuditor}};
  for (const RouteCase& c : cases) {
    INFO(c.method << " " << c.target);
    auto anonymous = CallAs(n.port(), "", c.method, c.target, c.body);
    auto unknown = CallAs(n.port(), "cvt_nobody", c.method, c.target, c.body);
    if (c.open) {
      CHECK(anonymous.status == 200);
      CHECK(unknown.status == 200);
    } else {
      CheckRefusal(anonymous, 401, "unauthenticated");
      CHECK(Header(anonymous, "www-authenticate").rfind("Bearer", 0) == 0);
      CheckRefusal(unknown, 401, "unauthenticated");
    }
    for (const auto& [name, token] : tokens) {
      INFO("token " << name);
      auto response = CallAs(n.port(), token, c.method, c.target, c.body);
      if (c.open || c.allowed.count(name)) {
        CHECK(response.status != 401);
        CHECK(response.status != 403);
      } else {
        CheckRefusal(response, 403, "permission_denied");
      }
    }
  }
  // The hash itself is not a token; neither is another scheme or an empty one.
  CheckRefusal(CallAs(n.port(), ToHex(api::ApiTokenHash(kAdmin)), "GET", "/v1/status"), 401,
               "unauthenticated");
  CheckRefusal(CallAs(n.port(), kAdmin, "GET", "/v1/status", "", "Basic"), 401, "unauthenticated");
  CheckRefusal(CallAs(n.port(), " ", "GET", "/v1/status"), 401, "unauthenticated");
  CHECK(CallAs(n.port(), kRead, "GET", "/v1/status", "", "bearer").status == 200);
}

TEST_CASE("a node signs for its member for admin clients, and only for them", "[auth]") {
  TempDir keys;
  REQUIRE(node::WriteKeyFile(keys.Sub("maker.key"), KeyFromLabel("maker"), std::nullopt).ok());
  RunningNode n([&](node::NodeConfig& config) {
    config.api_tokens = FourTokens();  // api_auth unset: tokens, since some are listed
    config.member_key_file = keys.Sub("maker.key");
  });
  node::Json request = {{"kind", "dataset.register"},
                        {"body",
                         {{"dataset_id", "telemetry"},
                          {"content_hash", std::string(64, 'a')},
                          {"description", "press line"}}}};
  CheckRefusal(
      CallAs(n.port(), kSubmit, "POST", "/v1/admin/sign-and-submit?wait=true", request.dump()), 403,
      "permission_denied");
  auto committed =
      CallAs(n.port(), kAdmin, "POST", "/v1/admin/sign-and-submit?wait=true", request.dump());
  INFO(committed.body);
  REQUIRE(committed.status == 200);
  auto json = RunningNode::Json(committed);
  CHECK(json["status"] == "committed");
  CHECK(json["tx"]["signers"][0] == ToHex(KeyFromLabel("maker").public_key()));
  CHECK(RunningNode::Json(CallAs(n.port(), kRead, "GET", "/v1/datasets/telemetry"))["owner"] ==
        "maker");
  // Refusals keep their codes: a second registration, a bad kind, an unknown field.
  CheckRefusal(CallAs(n.port(), kAdmin, "POST", "/v1/admin/sign-and-submit", request.dump()), 409,
               "already_exists");
  node::Json bad_kind = {{"kind", "dataset.delete"}, {"body", node::Json::object()}};
  CheckRefusal(CallAs(n.port(), kAdmin, "POST", "/v1/admin/sign-and-submit", bad_kind.dump()), 400,
               "unknown_kind");
  request["signer"] = "someone-else";
  CheckRefusal(CallAs(n.port(), kAdmin, "POST", "/v1/admin/sign-and-submit", request.dump()), 400,
               "invalid_argument");
  CheckRefusal(CallAs(n.port(), kAdmin, "POST", "/v1/admin/sign-and-submit?wait=maybe", "{}"), 400,
               "invalid_argument");
}

TEST_CASE("a node without a member key signs nothing", "[auth]") {
  RunningNode n;  // loopback, no tokens: open
  node::Json request = {{"kind", "dataset.register"}, {"body", node::Json::object()}};
  auto refused = n.Call("POST", "/v1/admin/sign-and-submit", request.dump());
  CheckRefusal(refused, 409, "failed_precondition");
  CHECK(RunningNode::Json(n.Call("GET", "/v1/status"))["height"] == 0);
}

TEST_CASE("a token over its rate limit gets 429 with Retry-After until its bucket refills",
          "[auth]") {
  testing::FakeClock clock;
  node::NodeMetrics metrics;
  auto auth = std::make_shared<api::Authenticator>(
      true,
      std::vector<api::ApiTokenSpec>{
          Spec("script", static_cast<api::RoleSet>(Role::kRead), kRead, 2, 3),
          Spec("ops", static_cast<api::RoleSet>(Role::kAdmin), kAdmin)},
      clock);
  api::Router router;
  router.Add("GET", "/v1/status", [](const api::HttpRequest&, api::Responder respond) {
    respond(api::JsonResponse(200, {{"ok", true}}));
  });
  router.SetGuard(node::ApiGuard(auth, metrics));
  testing::TestServer server(std::move(router));
  auto get = [&](const char* token) { return CallAs(server.port(), token, "GET", "/v1/status"); };

  for (int i = 0; i < 3; ++i) CHECK(get(kRead).status == 200);  // the burst
  auto limited = get(kRead);
  CheckRefusal(limited, 429, "rate_limited");
  CHECK(Header(limited, "retry-after") == "1");
  CHECK(get(kAdmin).status == 200);  // another token's bucket is its own
  clock.Advance(499);                // 2 per second: not yet one whole request
  CHECK(get(kRead).status == 429);
  clock.Advance(1);
  CHECK(get(kRead).status == 200);
  CHECK(get(kRead).status == 429);
  clock.Advance(60000);  // refills to the burst, not beyond
  for (int i = 0; i < 3; ++i) CHECK(get(kRead).status == 200);
  CHECK(get(kRead).status == 429);
  clock.Advance(-5000);  // a clock stepping back refills nothing
  CHECK(get(kRead).status == 429);

  std::string text = metrics.registry.Render();
  CHECK(text.find("covalue_api_rate_limited_total{token=\"script\"} 5\n") != std::string::npos);
  CHECK(text.find(
            "covalue_api_requests_total{method=\"GET\",route=\"/v1/status\",status=\"429\"} 5\n") !=
        std::string::npos);
}

TEST_CASE("the config keeps tokens' hashes, never the tokens", "[auth]") {
  TempDir dir;
  // No "api_auth": a node with a member key gets tokens even though its API is on loopback.
  std::ofstream(dir.Sub("network.json")) << R"({"chain_id": "covalue-auth",
    "members": [{"id": "maker", "roles": ["member"]}],
    "nodes": [{"name": "node0", "validator": true, "api_port": 1, "p2p_port": 2,
               "member": "maker"}]})";
  REQUIRE(node::InitNetwork({dir.Sub("network.json"), dir.Sub("net"), 0, std::nullopt}).ok());
  std::string node_dir = dir.Sub("net/node0");
  auto token = node::ReadTokenFile(node_dir + "/admin.token");
  REQUIRE(token.ok());
  CHECK(token->rfind("cvt_", 0) == 0);
  CHECK((std::filesystem::status(node_dir + "/admin.token").permissions() &
         std::filesystem::perms::group_read) == std::filesystem::perms::none);
  auto config_json = node::ReadJsonFile(node_dir + "/config.json");
  REQUIRE(config_json.ok());
  CHECK(config_json->dump().find(*token) == std::string::npos);
  CHECK((*config_json)["api_tokens"][0]["sha256"] == ToHex(api::ApiTokenHash(*token)));
  CHECK((*config_json)["api_auth"] == "tokens");
  CHECK((*config_json)["member_key_file"] == "../keys/maker.key");

  // The node started from that config accepts the token and nothing else.
  (*config_json)["api_port"] = 0;
  (*config_json)["p2p_port"] = 0;
  REQUIRE(node::WriteJsonFile(node_dir + "/config.json", *config_json).ok());
  auto config = node::LoadNodeConfig(node_dir + "/config.json");
  REQUIRE(config.ok());
  auto opened = node::Node::Open(*config, std::nullopt);
  REQUIRE(opened.ok());
  REQUIRE((*opened)->Start(1).ok());
  uint16_t port = (*opened)->api_port();
  CHECK(CallAs(port, *token, "GET", "/v1/status").status == 200);
  CheckRefusal(CallAs(port, ToHex(api::ApiTokenHash(*token)), "GET", "/v1/status"), 401,
               "unauthenticated");
  (*opened)->Stop();

  // A token pasted into the config is refused with a pointer to its hash.
  (*config_json)["api_tokens"][0]["token"] = *token;
  REQUIRE(node::WriteJsonFile(node_dir + "/config.json", *config_json).ok());
  auto refused = node::LoadNodeConfig(node_dir + "/config.json");
  REQUIRE(!refused.ok());
  CHECK(refused.status().message().find("sha256") != std::string::npos);
}

TEST_CASE("without tokens the API is open only on loopback or when the config says so", "[auth]") {
  node::NodeConfig config;
  config.api_address = "127.0.0.1";
  CHECK(config.Validate().ok());
  CHECK(!config.ApiRequiresTokens());
  config.api_address = "0.0.0.0";
  CHECK(config.Validate().code() == Code::kInvalidArgument);
  config.api_auth = node::ApiAuth::kNone;
  CHECK(config.Validate().ok());
  CHECK(!config.ApiRequiresTokens());
  config.api_address = "127.0.0.1";
  config.api_auth = node::ApiAuth::kTokens;
  CHECK(config.Validate().code() == Code::kInvalidArgument);
  config.api_tokens = FourTokens();
  CHECK(config.Validate().ok());
  config.api_auth = node::ApiAuth::kDefault;
  CHECK(config.ApiRequiresTokens());  // listed tokens count even on loopback
  config.api_tokens.push_back(Spec("ops", static_cast<api::RoleSet>(Role::kRead), "other"));
  CHECK(config.Validate().code() == Code::kInvalidArgument);  // a name twice
  config.api_tokens.back() = Spec("copy", static_cast<api::RoleSet>(Role::kRead), kAdmin);
  CHECK(config.Validate().code() == Code::kInvalidArgument);  // a hash twice
  config.api_tokens.back() = Spec("none", 0, "other");
  CHECK(config.Validate().code() == Code::kInvalidArgument);  // no role
  config.api_tokens.back() = Spec("burst", static_cast<api::RoleSet>(Role::kRead), "other", 0, 5);
  CHECK(config.Validate().code() == Code::kInvalidArgument);  // a burst without a rate
  // A member key signs for admin clients, so it needs tokens even on loopback.
  config.api_tokens.pop_back();
  config.member_key_file = "maker.key";
  CHECK(config.Validate().ok());  // tokens listed
  config.api_auth = node::ApiAuth::kNone;
  CHECK(config.Validate().code() == Code::kInvalidArgument);
  config.api_auth = node::ApiAuth::kDefault;
  config.api_tokens.clear();
  CHECK(config.Validate().code() == Code::kInvalidArgument);  // loopback, no tokens: open
  for (const char* address : {"127.0.0.1", "127.8.9.10", "::1", "localhost"}) {
    CHECK(node::IsLoopbackAddress(address));
  }
  for (const char* address : {"0.0.0.0", "10.0.0.1", "::", "example.com"}) {
    CHECK(!node::IsLoopbackAddress(address));
  }
}

TEST_CASE("config files name roles, hashes and limits, mistakes are refused", "[auth]") {
  TempDir dir;
  auto load = [&](const std::string& extra) {
    std::ofstream(dir.Sub("config.json"), std::ios::trunc)
        << R"({"name": "n", "api_address": "0.0.0.0")" << extra << "}";
    return node::LoadNodeConfig(dir.Sub("config.json"));
  };
  std::string hash = ToHex(api::ApiTokenHash(kRead));
  auto good = load(R"(, "api_tokens": [{"name": "dash", "roles": ["read", "submit"], "sha256": ")" +
                   hash + R"(", "rate_per_s": 5, "burst": 10}])");
  REQUIRE(good.ok());
  REQUIRE(good->api_tokens.size() == 1);
  CHECK(good->api_tokens[0].roles == (Role::kRead | Role::kSubmit));
  CHECK(good->api_tokens[0].rate_per_s == 5);
  CHECK(good->api_tokens[0].burst == 10);
  CHECK(good->ApiRequiresTokens());
  CHECK(load("").status().code() == Code::kInvalidArgument);  // 0.0.0.0 and no tokens
  CHECK(load(R"(, "api_auth": "none")").ok());
  for (const std::string& bad : std::vector<std::string>{
           R"(, "api_auth": "maybe")", R"(, "api_tokens": {})",
           R"(, "api_tokens": [{"name": "x", "role": "root", "sha256": ")" + hash + "\"}]",
           R"(, "api_tokens": [{"name": "x", "role": "read", "roles": ["read"], "sha256": ")" +
               hash + "\"}]",
           R"(, "api_tokens": [{"name": "x", "role": "read", "sha256": "abc"}])",
           R"(, "api_tokens": [{"name": "x", "role": "read", "sha256": ")" + hash +
               R"(", "limit": 1}])"}) {
    INFO(bad);
    CHECK(load(bad).status().code() == Code::kInvalidArgument);
  }
}

TEST_CASE("request size limits come from the config and answer 413 too_large", "[auth]") {
  RunningNode n([](node::NodeConfig& config) {
    config.api_max_header_bytes = 1024;
    config.api_max_body_bytes = 1024;
  });
  auto big_header =
      api::HttpCall("127.0.0.1", n.port(), "GET", "/v1/status", "", std::chrono::seconds(30),
                    {{"X-Padding", std::string(2000, 'p')}});
  REQUIRE(big_header.ok());
  CheckRefusal(*big_header, 413, "too_large");
  CheckRefusal(n.Call("POST", "/v1/tx", std::string(2000, ' ')), 413, "too_large");
  CHECK(n.Call("GET", "/v1/status").status == 200);
  node::NodeConfig config;
  config.api_max_header_bytes = 100;
  CHECK(config.Validate().code() == Code::kInvalidArgument);
  config.api_max_header_bytes = 16 << 10;
  config.api_max_connections = 0;
  CHECK(config.Validate().code() == Code::kInvalidArgument);
}
