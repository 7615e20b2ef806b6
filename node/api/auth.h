// API tokens, roles and per-token rate limits (docs/operations.md, docs/api.md §Tokens).
// A client sends `Authorization: Bearer <token>`; the node keeps only each token's SHA-256
// (the config's api_tokens) and, for every request, looks up the roles the (method, path) needs
// in one table (AccessRules: first match wins, prefix rules cover routes added later, and
// anything no rule names is admin-only). Authenticator holds the tokens and their token
// buckets; it is immutable but for the buckets, which a mutex guards: Check is thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/clock.h"
#include "common/status.h"
#include "node/api/router.h"

namespace covalue::api {

// Wire names in configs and messages: "admin", "submit", "read", "auditor". Bit flags.
enum class Role : uint8_t { kAdmin = 1, kSubmit = 2, kRead = 4, kAuditor = 8 };
using RoleSet = uint8_t;  // 0 in an access rule: open to everyone, no token needed
inline constexpr RoleSet operator|(Role a, Role b) {
  return static_cast<RoleSet>(static_cast<uint8_t>(a) | static_cast<uint8_t>(b));
}
inline constexpr RoleSet operator|(RoleSet a, Role b) {
  return static_cast<RoleSet>(a | static_cast<uint8_t>(b));
}
inline constexpr bool Has(RoleSet set, Role role) {
  return (set & static_cast<uint8_t>(role)) != 0;
}

std::string_view RoleName(Role role);
std::optional<Role> RoleFromName(std::string_view name);
// "submit or admin"; "nobody" for an empty set.
std::string RoleSetText(RoleSet roles, std::string_view conjunction = " or ");

// One rule of the access table. `pattern` is "/"-separated segments: a literal, "*" (any one
// segment) or, last, "**" (any number of segments, none included). `method` "*" is any method.
struct AccessRule {
  std::string_view method;
  std::string_view pattern;
  RoleSet roles;  // 0: open
};
// The table, in the order it is applied (docs/api.md §Tokens and roles lists it).
std::span<const AccessRule> AccessRules();
// The roles any one of which may make this request (0: open). `segments` are decoded.
RoleSet RequiredRoles(std::string_view method, const std::vector<std::string>& segments);

// A token as the config lists it: never the token itself, only its SHA-256.
struct ApiTokenSpec {
  std::string name;         // for logs, metrics and messages
  RoleSet roles = 0;        // at least one
  Hash32 sha256{};          // ApiTokenHash(token)
  uint64_t rate_per_s = 0;  // token bucket refill per second; 0: no limit
  uint64_t burst = 0;       // bucket size (requests at once); 0 with a rate: the rate
};

// A new random token: "cvt_" and 64 hex digits (256 bits from the OS).
std::string NewApiToken();
// What the config stores for `token`: SHA-256 of its bytes.
Hash32 ApiTokenHash(std::string_view token);

// What Check decided. `status` is ok, unauthenticated (401), permission_denied (403) or
// rate_limited (429, with retry_after_s).
struct AuthDecision {
  Status status;
  const ApiTokenSpec* token = nullptr;  // the token presented, once recognised
  int64_t retry_after_s = 0;
};

class Authenticator {
 public:
  // With `require_tokens` false every request passes (api_auth "none"). The tokens must have
  // distinct names and hashes (NodeConfig::Validate checks); `clock` must outlive this.
  Authenticator(bool require_tokens, std::vector<ApiTokenSpec> tokens, const Clock& clock);

  // Authenticates (Authorization: Bearer), charges the token's bucket, then checks its roles
  // against RequiredRoles(request.method, request.segments). Open routes need no token.
  AuthDecision Check(const HttpRequest& request) const;
  bool require_tokens() const { return m_require_tokens; }

 private:
  struct Bucket {
    int64_t milli_requests = 0;  // thousandths of a request, so refills are exact
    int64_t last_ms = 0;
  };
  static int64_t Capacity(const ApiTokenSpec& token);
  // Takes one request from token `index`'s bucket; the seconds to wait if it is empty.
  std::optional<int64_t> Charge(size_t index) const;

  const bool m_require_tokens;
  const std::vector<ApiTokenSpec> m_tokens;
  const Clock& m_clock;
  mutable std::mutex m_mutex;  // guards m_buckets
  mutable std::vector<Bucket> m_buckets;
};

// The error answer for a refused decision: its JSON {code, message} with 401 and
// `WWW-Authenticate: Bearer`, 403, or 429 and `Retry-After`.
HttpResponse RefusalResponse(const AuthDecision& decision);

}  // namespace covalue::api
