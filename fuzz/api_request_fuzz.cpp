// Fuzz target: an API request as the node's router sees it — every route (node/ledger_api.h
// BuildLedgerApi, the operations and admin routes) behind the node's guard with tokens and
// roles (node/ops_api.h ApiGuard, node/api/auth.h) — over a small committed chain
// (fuzz::FuzzChain). The input is shaped like HTTP: "METHOD target" on the first line, then
// "Name: value" header lines, an empty line, and the body. The target is split as the HTTP
// server splits it (path, '&'-separated query with percent-decoding). Properties: nothing
// crashes or throws; every request is answered exactly once, synchronously (submission
// answers at once here); every error is JSON, exactly {code, message} with a known stable
// code and the HTTP status of that code; and no input makes the node answer 500.
#include <cctype>
#include <cstdint>
#include <optional>
#include <string>

#include "common/log.h"
#include "fuzz/fuzz_support.h"
#include "node/admin_api.h"
#include "node/api/auth.h"
#include "node/api/router.h"
#include "node/ledger_api.h"
#include "node/metrics.h"
#include "node/ops_api.h"

using namespace covalue;

namespace {

// A LedgerService over FuzzChain whose submission only answers "pending".
class FuzzLedger final : public node::LedgerService {
 public:
  FuzzLedger()
      : m_chain(fuzz::FuzzChain::Get()),
        m_validators(std::move(consensus::ValidatorSet::Create(m_chain.genesis().validators)).value()) {}
  const ledger::Genesis& genesis() const override { return m_chain.genesis(); }
  const consensus::ValidatorSet& validators() const override { return m_validators; }
  const node::ChainStore& store() const override { return m_chain.store(); }
  size_t mempool_size() const override { return 0; }
  void Submit(ledger::Transaction tx, bool, std::chrono::milliseconds, api::Responder respond) override {
    respond(api::JsonResponse(202, {{"tx_id", ToHex(ledger::TxId(tx))}, {"status", "pending"}}));
  }
  node::TxStage Stage(const Hash32&, Status*) const override { return node::TxStage::kUnknown; }
  nlohmann::json NodeStatus() const override { return nlohmann::json::object(); }

 private:
  const fuzz::FuzzChain& m_chain;
  consensus::ValidatorSet m_validators;
};

// Path and query of `target` the way node/api/http_server.cpp (ConvertRequest) reads them;
// nullopt where the server answers 400 malformed before routing.
std::optional<api::HttpRequest> ParseTarget(std::string_view target) {
  if (target.empty() || target.front() != '/') return std::nullopt;
  api::HttpRequest request;
  size_t question = target.find('?');
  request.path = std::string(target.substr(0, question));
  if (question == std::string_view::npos) return request;
  for (std::string_view pair : api::Split(target.substr(question + 1), '&')) {
    size_t equals = pair.find('=');
    auto key = api::PercentDecode(pair.substr(0, equals), true);
    auto value = api::PercentDecode(
        equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1), true);
    if (!key || !value) return std::nullopt;
    request.query[*key] = std::move(*value);
  }
  return request;
}

class FixedClock final : public Clock {
 public:
  int64_t NowMillis() const override { return 1'700'000'000'000; }
};

// The tokens the fuzz node knows (the seeds use them): one per role.
constexpr std::pair<api::Role, const char*> kTokens[] = {
    {api::Role::kAdmin, "cvt_fuzz_admin"}, {api::Role::kSubmit, "cvt_fuzz_submit"},
    {api::Role::kRead, "cvt_fuzz_read"}, {api::Role::kAuditor, "cvt_fuzz_auditor"}};

// The router the node builds (node/node.cpp), over FuzzLedger.
api::Router BuildRouter(FuzzLedger& ledger) {
  static FixedClock clock;
  static node::NodeMetrics metrics;
  static const crypto::KeyPair member_key = fuzz::LabelKey("maker");
  std::vector<api::ApiTokenSpec> tokens;
  for (const auto& [role, token] : kTokens) {
    tokens.push_back({std::string(api::RoleName(role)), static_cast<api::RoleSet>(role),
                      api::ApiTokenHash(token), 0, 0});
  }
  return node::BuildNodeRouter(ledger, metrics, [] { return node::Readiness{1, 1, 3, 1, false}; },
                               &member_key,
                               std::make_shared<api::Authenticator>(true, tokens, clock));
}

void CheckAnswer(const api::HttpResponse& response, const std::string& what) {
  FUZZ_CHECK(response.status != 500, "500 for " + what + ": " + response.body);
  if (response.stream || response.content_type != "application/json") {
    FUZZ_CHECK(response.status < 400, "an error that is not JSON: " + what);
    return;
  }
  auto json = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  FUZZ_CHECK(!json.is_discarded(), "an answer that is not JSON: " + what);
  if (response.status < 400) return;
  FUZZ_CHECK(json.is_object() && json.size() == 2 && json.contains("code") &&
                 json["code"].is_string() && json.contains("message") && json["message"].is_string(),
             "an error that is not {code, message}: " + response.body);
  std::string code = json["code"];
  if (code == "method_not_allowed") {
    FUZZ_CHECK(response.status == 405, "method_not_allowed with another status");
    return;
  }
  auto known = CodeFromName(code);
  FUZZ_CHECK(known.has_value(), "an unknown error code: " + code);
  FUZZ_CHECK(api::HttpStatusFor(*known) == response.status, "status does not match " + code);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static FuzzLedger ledger;
  static const api::Router router = [] {
    SetLogLevel(LogLevel::kError);  // the guard logs every request at debug, admin at info
    return BuildRouter(ledger);
  }();
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string_view head = input.substr(0, input.find("\n\n"));
  std::vector<std::string_view> lines = api::Split(head, '\n');
  if (lines.empty()) return 0;
  std::string_view line = lines[0];
  size_t space = line.find(' ');
  if (space == std::string_view::npos) return 0;
  auto request = ParseTarget(line.substr(space + 1));
  if (!request) return 0;
  request->method = std::string(line.substr(0, space));
  for (size_t i = 1; i < lines.size(); ++i) {  // header names in lower case, as the server gives them
    size_t colon = lines[i].find(':');
    if (colon == std::string_view::npos) continue;
    std::string name(lines[i].substr(0, colon));
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string_view value = lines[i].substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    std::string& field = request->headers[name];
    field += (field.empty() ? "" : ", ") + std::string(value);
  }
  if (head.size() < input.size()) request->body = std::string(input.substr(head.size() + 2));

  int answers = 0;
  api::HttpResponse response;
  router.Dispatch(*request, [&](api::HttpResponse r) {
    ++answers;
    response = std::move(r);
  });
  FUZZ_CHECK(answers == 1, "answered " + std::to_string(answers) + " times: " + std::string(line));
  CheckAnswer(response, std::string(line));
  return 0;
}
