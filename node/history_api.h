// The history route of the node's API (docs/api.md §History): GET /v1/history/{family}/{id}
// — an entity's transactions, oldest first, within a height range and a time range, paged
// by cursor, each with its kind and block time. Served from the history and block-time
// indexes written in each block's batch (node/chain_indexes.h), never by scanning the
// chain: a page costs one seek per time bound and one ordered read. Handlers are
// thread-safe (they only read the store).
#pragma once

#include <string_view>

#include "node/api/router.h"
#include "node/ledger_service.h"

namespace covalue::node {

void AddHistoryRoutes(api::Router& router, LedgerService& service);

// A time given in a query parameter: milliseconds since 1970 (a decimal integer) or UTC
// text "2026-05-01" / "2026-05-01T12:00:00Z"; kInvalidArgument naming `name` otherwise.
Result<int64_t> ParseTimeParam(std::string_view name, std::string_view text);

}  // namespace covalue::node
