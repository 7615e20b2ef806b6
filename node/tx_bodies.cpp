#include "node/tx_bodies.h"

#include "contracts/body_types.h"

namespace covalue::node {
namespace {

Status UnknownKind(ledger::TxKind kind) {
  return Status(Code::kUnknownKind,
                "no body type for transaction kind " + std::string(ledger::TxKindName(kind)));
}

}  // namespace

Result<Json> BodyToJson(ledger::TxKind kind, ByteView body) {
  return contracts::WithBodyType(kind, [&](auto type) -> Result<Json> {
    using Body = typename decltype(type)::type;
    if constexpr (std::is_void_v<Body>) {
      return UnknownKind(kind);
    } else {
      COVALUE_ASSIGN_OR_RETURN(Body decoded, contracts::DecodeFields<Body>(body));
      return FieldsToJson(decoded);
    }
  });
}

Result<Bytes> BodyFromJson(ledger::TxKind kind, const Json& json) {
  return contracts::WithBodyType(kind, [&](auto type) -> Result<Bytes> {
    using Body = typename decltype(type)::type;
    if constexpr (std::is_void_v<Body>) {
      return UnknownKind(kind);
    } else {
      COVALUE_ASSIGN_OR_RETURN(Body parsed, FieldsFromJson<Body>(json));
      return contracts::EncodeFields(parsed);
    }
  });
}

std::vector<BodyFieldSpec> BodyFields(ledger::TxKind kind) {
  return contracts::WithBodyType(kind, [](auto type) -> std::vector<BodyFieldSpec> {
    using Body = typename decltype(type)::type;
    if constexpr (std::is_void_v<Body>) {
      return {};
    } else {
      return FieldSpecs<Body>();
    }
  });
}

bool HasBodyType(ledger::TxKind kind) {
  return contracts::WithBodyType(kind, [](auto type) {
    return !std::is_void_v<typename decltype(type)::type>;
  });
}

}  // namespace covalue::node
