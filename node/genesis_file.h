// The genesis file: ledger::Genesis as JSON for people (docs/spec/genesis.md; its hashed
// encoding: docs/spec/encoding.md). Reading validates it. Pure functions besides the file I/O; thread-safe.
#pragma once

#include <string>

#include "ledger/genesis.h"
#include "node/json_fields.h"

namespace covalue::node {

Json GenesisToJson(const ledger::Genesis& genesis);
Result<ledger::Genesis> GenesisFromJson(const Json& json);
Result<ledger::Genesis> ReadGenesisFile(const std::string& path);

}  // namespace covalue::node
