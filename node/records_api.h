// The API routes that read the business records the contracts keep (docs/api.md
// §Records): grants, usage receipts, membership proposals, ventures and their formula
// versions, contributions, period totals, settlements with their payouts, and the access
// check. Each answers from the committed state; a record is rendered from its field list
// (node/fields_json.h). Handlers are thread-safe (they only read the store).
#pragma once

#include "node/api/router.h"
#include "node/ledger_service.h"

namespace covalue::node {

void AddRecordRoutes(api::Router& router, LedgerService& service);

}  // namespace covalue::node
