#include "node/api/auth.h"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cctype>

#include "crypto/hash.h"
#include "crypto/random.h"

namespace covalue::api {
namespace {

constexpr RoleSet kOpen = 0;
constexpr RoleSet kAdmin = static_cast<RoleSet>(Role::kAdmin);
constexpr RoleSet kReaders = Role::kRead | Role::kAuditor | Role::kAdmin;
constexpr RoleSet kSubmitters = Role::kSubmit | Role::kAdmin;
constexpr RoleSet kAuditors = Role::kAuditor | Role::kAdmin;
constexpr RoleSet kEveryRole = kReaders | Role::kSubmit;

// First match wins. A submitter may learn what it needs to build and follow its own
// transactions (the chain id and height from /v1/status, a transaction's outcome by id), not
// the ledger's contents. The chain's export routes (blocks' exact bytes in bulk, the Merkle
// log's frontier and consistency proofs, the genesis), which `covalue audit` reads to check a
// whole chain, are for auditors; a reader still gets any block as JSON and any transaction's
// inclusion proof. The last rule closes whatever no rule above names.
constexpr std::array kRules = {
    AccessRule{"GET", "/healthz", kOpen},
    AccessRule{"GET", "/readyz", kOpen},
    AccessRule{"GET", "/metrics", kReaders},
    AccessRule{"*", "/v1/admin/**", kAdmin},
    AccessRule{"GET", "/v1/blocks/*/encoded", kAuditors},
    AccessRule{"GET", "/v1/log/**", kAuditors},
    AccessRule{"GET", "/v1/genesis", kAuditors},
    AccessRule{"POST", "/v1/tx", kSubmitters},
    AccessRule{"GET", "/v1/status", kEveryRole},
    AccessRule{"GET", "/v1/tx/*", kEveryRole},
    AccessRule{"GET", "/v1/**", kReaders},
    AccessRule{"*", "/**", kAdmin},
};

constexpr std::array kRoles = {Role::kAdmin, Role::kSubmit, Role::kRead, Role::kAuditor};

bool Matches(std::string_view pattern, const std::vector<std::string>& segments) {
  std::vector<std::string_view> parts = Split(pattern, '/');
  for (size_t i = 0; i < parts.size(); ++i) {
    if (parts[i] == "**") return true;  // only ever last
    if (i >= segments.size() || (parts[i] != "*" && parts[i] != segments[i])) return false;
  }
  return parts.size() == segments.size();
}

// The token of "Bearer <token>" (the scheme in any case), or empty.
std::string_view BearerToken(std::string_view header) {
  constexpr std::string_view kScheme = "bearer ";
  if (header.size() <= kScheme.size()) return {};
  for (size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(header[i])) != kScheme[i]) return {};
  }
  std::string_view token = header.substr(kScheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  return token;
}

}  // namespace

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kAdmin:
      return "admin";
    case Role::kSubmit:
      return "submit";
    case Role::kRead:
      return "read";
    case Role::kAuditor:
      return "auditor";
  }
  return "unknown";
}

std::optional<Role> RoleFromName(std::string_view name) {
  for (Role role : kRoles) {
    if (RoleName(role) == name) return role;
  }
  return std::nullopt;
}

std::string RoleSetText(RoleSet roles, std::string_view conjunction) {
  std::vector<std::string_view> names;
  for (Role role : {Role::kRead, Role::kAuditor, Role::kSubmit, Role::kAdmin}) {
    if (Has(roles, role)) names.push_back(RoleName(role));
  }
  if (names.empty()) return "nobody";
  std::string text;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) text += i + 1 == names.size() ? conjunction : std::string_view(", ");
    text += names[i];
  }
  return text;
}

std::span<const AccessRule> AccessRules() {
  return kRules;
}

RoleSet RequiredRoles(std::string_view method, const std::vector<std::string>& segments) {
  for (const AccessRule& rule : kRules) {
    if ((rule.method == "*" || rule.method == method) && Matches(rule.pattern, segments)) {
      return rule.roles;
    }
  }
  return kAdmin;  // unreachable: the last rule matches everything
}

std::string NewApiToken() {
  std::array<uint8_t, 32> secret{};
  crypto::RandomBytes(secret);
  std::string token = "cvt_" + ToHex(secret);
  sodium_memzero(secret.data(), secret.size());
  return token;
}

Hash32 ApiTokenHash(std::string_view token) {
  return crypto::Sha256(AsBytes(token));
}

Authenticator::Authenticator(bool require_tokens, std::vector<ApiTokenSpec> tokens,
                             const Clock& clock)
    : m_require_tokens(require_tokens), m_tokens(std::move(tokens)), m_clock(clock) {
  int64_t now = m_clock.NowMillis();
  for (const ApiTokenSpec& token : m_tokens) m_buckets.push_back({Capacity(token), now});
}

int64_t Authenticator::Capacity(const ApiTokenSpec& token) {
  return static_cast<int64_t>(token.burst != 0 ? token.burst : token.rate_per_s) * 1000;
}

std::optional<int64_t> Authenticator::Charge(size_t index) const {
  const ApiTokenSpec& token = m_tokens[index];
  if (token.rate_per_s == 0) return std::nullopt;
  auto rate = static_cast<int64_t>(token.rate_per_s);  // milli-requests per millisecond
  std::lock_guard<std::mutex> lock(m_mutex);
  Bucket& bucket = m_buckets[index];
  int64_t now = m_clock.NowMillis();
  if (now > bucket.last_ms) {  // a clock stepping back refills nothing
    int64_t elapsed = std::min<int64_t>(now - bucket.last_ms, 1000LL * 1000 * 1000);
    bucket.milli_requests = std::min(Capacity(token), bucket.milli_requests + rate * elapsed);
    bucket.last_ms = now;
  }
  if (bucket.milli_requests >= 1000) {
    bucket.milli_requests -= 1000;
    return std::nullopt;
  }
  int64_t wait_ms = (1000 - bucket.milli_requests + rate - 1) / rate;
  return std::max<int64_t>(1, (wait_ms + 999) / 1000);
}

AuthDecision Authenticator::Check(const HttpRequest& request) const {
  RoleSet needed = RequiredRoles(request.method, request.segments);
  if (!m_require_tokens || needed == kOpen) return {};
  auto header = request.headers.find("authorization");
  if (header == request.headers.end()) {
    return {Status(Code::kUnauthenticated,
                   "this endpoint needs a token: send 'Authorization: Bearer <token>'")};
  }
  std::string_view presented = BearerToken(header->second);
  if (presented.empty()) {
    return {Status(Code::kUnauthenticated, "the Authorization header must be 'Bearer <token>'")};
  }
  Hash32 hash = ApiTokenHash(presented);
  std::optional<size_t> found;
  for (size_t i = 0; i < m_tokens.size(); ++i) {  // every entry, in constant time each
    if (crypto_verify_32(hash.data(), m_tokens[i].sha256.data()) == 0) found = i;
  }
  if (!found) return {Status(Code::kUnauthenticated, "unknown token")};
  const ApiTokenSpec& token = m_tokens[*found];
  if (auto wait = Charge(*found)) {
    return {Status(Code::kRateLimited, "token '" + token.name + "' is over its limit of " +
                                           std::to_string(token.rate_per_s) +
                                           " requests per second; retry in " +
                                           std::to_string(*wait) + " s"),
            &token, *wait};
  }
  if ((token.roles & needed) == 0) {
    return {
        Status(Code::kPermissionDenied,
               "token '" + token.name + "' (" + RoleSetText(token.roles, " and ") + ") may not " +
                   request.method + " " + request.path + ": that needs " + RoleSetText(needed)),
        &token};
  }
  return {Status::Ok(), &token};
}

HttpResponse RefusalResponse(const AuthDecision& decision) {
  HttpResponse response = ErrorResponse(decision.status);
  if (decision.status.code() == Code::kUnauthenticated) {
    response.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"covalue\"");
  } else if (decision.status.code() == Code::kRateLimited) {
    response.headers.emplace_back("Retry-After", std::to_string(decision.retry_after_s));
  }
  return response;
}

}  // namespace covalue::api
