// Transaction bodies as JSON, for every kind contracts/body_types.h knows: the API's and
// the CLI's view of a body (field list → JSON and back, node/fields_json.h) and the list of
// a kind's fields for CLI flags and help. For people only: the body bytes stay canonical.
// Pure functions; thread-safe.
#pragma once

#include <vector>

#include "ledger/transaction.h"
#include "node/fields_json.h"

namespace covalue::node {

using BodyFieldSpec = FieldSpec;

// kUnknownKind for a kind without a body type; the decoder's error for undecodable bytes.
Result<Json> BodyToJson(ledger::TxKind kind, ByteView body);
// The canonical body bytes; kUnknownKind, or FieldsFromJson's error naming the field.
Result<Bytes> BodyFromJson(ledger::TxKind kind, const Json& json);
// The body's fields in order; empty for a kind without a body type.
std::vector<BodyFieldSpec> BodyFields(ledger::TxKind kind);
// True if the kind has a body type (BodyFromJson can build it).
bool HasBodyType(ledger::TxKind kind);

}  // namespace covalue::node
