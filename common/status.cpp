#include "common/status.h"

#include <array>

namespace covalue {
namespace {

struct CodeEntry {
  Code code;
  std::string_view name;
};

constexpr std::array kCodes = {
    CodeEntry{Code::kOk, "ok"},
    CodeEntry{Code::kMalformed, "malformed"},
    CodeEntry{Code::kTrailingBytes, "trailing_bytes"},
    CodeEntry{Code::kTooLarge, "too_large"},
    CodeEntry{Code::kUnknownEnum, "unknown_enum"},
    CodeEntry{Code::kInvalidArgument, "invalid_argument"},
    CodeEntry{Code::kUnsupportedVersion, "unsupported_version"},
    CodeEntry{Code::kWrongChain, "wrong_chain"},
    CodeEntry{Code::kBadSignature, "bad_signature"},
    CodeEntry{Code::kUnknownSigner, "unknown_signer"},
    CodeEntry{Code::kReplay, "replay"},
    CodeEntry{Code::kExpired, "expired"},
    CodeEntry{Code::kExpiryTooFar, "expiry_too_far"},
    CodeEntry{Code::kForbidden, "forbidden"},
    CodeEntry{Code::kMempoolFull, "mempool_full"},
    CodeEntry{Code::kUnknownKind, "unknown_kind"},
    CodeEntry{Code::kNotFound, "not_found"},
    CodeEntry{Code::kAlreadyExists, "already_exists"},
    CodeEntry{Code::kConflict, "conflict"},
    CodeEntry{Code::kDuplicate, "duplicate"},
    CodeEntry{Code::kPeriodClosed, "period_closed"},
    CodeEntry{Code::kFailedPrecondition, "failed_precondition"},
    CodeEntry{Code::kCapExceeded, "cap_exceeded"},
    CodeEntry{Code::kRevoked, "revoked"},
    CodeEntry{Code::kOutOfWindow, "out_of_window"},
    CodeEntry{Code::kKeyRetired, "key_retired"},
    CodeEntry{Code::kIoError, "io_error"},
    CodeEntry{Code::kCorruption, "corruption"},
    CodeEntry{Code::kInternal, "internal"},
    CodeEntry{Code::kUnavailable, "unavailable"},
    CodeEntry{Code::kTimeout, "timeout"},
    CodeEntry{Code::kPermissionDenied, "permission_denied"},
    CodeEntry{Code::kUnauthenticated, "unauthenticated"},
    CodeEntry{Code::kRateLimited, "rate_limited"},
};

}  // namespace

std::string_view CodeName(Code code) {
  for (const auto& entry : kCodes) {
    if (entry.code == code) return entry.name;
  }
  return "unknown";
}

std::optional<Code> CodeFromName(std::string_view name) {
  for (const auto& entry : kCodes) {
    if (entry.name == name) return entry.code;
  }
  return std::nullopt;
}

bool IsKnownCode(uint16_t value) {
  for (const auto& entry : kCodes) {
    if (static_cast<uint16_t>(entry.code) == value) return true;
  }
  return false;
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  std::string out(CodeName(m_code));
  if (!m_message.empty()) {
    out += ": ";
    out += m_message;
  }
  return out;
}

}  // namespace covalue
