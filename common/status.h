// Status and Result<T>: how every fallible operation in covalue reports failure.
// A Status is a stable Code plus a human message. Codes are wire format: their numbers
// go into transaction results and their names reach the API and the logs, so a code is
// never renumbered or renamed (add new ones at the end of their group).
// Value types; thread-compatible (no shared state).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace covalue {

enum class Code : uint16_t {
  kOk = 0,
  // Decoding and argument errors.
  kMalformed = 1,
  kTrailingBytes = 2,
  kTooLarge = 3,
  kUnknownEnum = 4,
  kInvalidArgument = 5,
  kUnsupportedVersion = 6,
  // Transaction admission.
  kWrongChain = 10,
  kBadSignature = 11,
  kUnknownSigner = 12,
  kReplay = 13,
  kExpired = 14,
  kExpiryTooFar = 15,
  kForbidden = 16,
  kMempoolFull = 17,
  kUnknownKind = 18,
  // Ledger state.
  kNotFound = 20,
  kAlreadyExists = 21,
  kConflict = 22,
  kDuplicate = 23,           // e.g. a revenue external reference seen before; names the original
  kPeriodClosed = 24,        // the (venture, period) is settled
  kFailedPrecondition = 25,  // the ledger is not in the state the transaction needs
  kCapExceeded = 26,         // a grant's usage cap
  kRevoked = 27,             // a grant (or one it derives from) is revoked
  kOutOfWindow = 28,         // outside a grant's validity window
  kKeyRetired = 29,          // a signer key past the height it was retired at
  // System.
  kIoError = 30,
  kCorruption = 31,
  kInternal = 32,
  kUnavailable = 33,
  kTimeout = 34,
  kPermissionDenied = 35,
  kUnauthenticated = 36,     // an API request without a valid token
  kRateLimited = 37,         // an API token over its rate limit
};

// The stable, snake_case name of a code ("bad_signature"); "unknown" for a value that is
// not a Code.
std::string_view CodeName(Code code);
// The code whose name is `name`, if there is one.
std::optional<Code> CodeFromName(std::string_view name);
// True if `value` is the number of a defined Code.
bool IsKnownCode(uint16_t value);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Code code, std::string message) : m_code(code), m_message(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return m_code == Code::kOk; }
  Code code() const { return m_code; }
  const std::string& message() const { return m_message; }
  // "bad_signature: signature 0 does not verify"
  std::string ToString() const;

  bool operator==(const Status&) const = default;

 private:
  Code m_code = Code::kOk;
  std::string m_message;
};

// Either a value or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : m_data(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : m_data(std::move(status)) {}  // NOLINT: implicit by design
  Result(Code code, std::string message) : m_data(Status(code, std::move(message))) {}

  bool ok() const { return std::holds_alternative<T>(m_data); }
  const Status& status() const {
    static const Status kOkStatus;
    return ok() ? kOkStatus : std::get<Status>(m_data);
  }
  T& value() & { return std::get<T>(m_data); }
  const T& value() const& { return std::get<T>(m_data); }
  T&& value() && { return std::get<T>(std::move(m_data)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> m_data;
};

}  // namespace covalue

// Returns the Status of `expr` from the enclosing function if it is not OK.
#define COVALUE_RETURN_IF_ERROR(expr)          \
  do {                                         \
    ::covalue::Status covalue_status_ = (expr); \
    if (!covalue_status_.ok()) return covalue_status_; \
  } while (0)

#define COVALUE_CONCAT_INNER(a, b) a##b
#define COVALUE_CONCAT(a, b) COVALUE_CONCAT_INNER(a, b)
// Declares `lhs` from the value of Result `rexpr`, or returns its Status.
#define COVALUE_ASSIGN_OR_RETURN(lhs, rexpr) \
  COVALUE_ASSIGN_OR_RETURN_IMPL(COVALUE_CONCAT(covalue_result_, __LINE__), lhs, rexpr)
#define COVALUE_ASSIGN_OR_RETURN_IMPL(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                                  \
  if (!tmp.ok()) return tmp.status();                  \
  lhs = std::move(tmp).value()
