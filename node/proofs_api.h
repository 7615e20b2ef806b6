// The API routes an auditor needs (docs/api.md §Proofs and audit): a transaction's inclusion
// proof in the Merkle log with its block's certified header, a consistency proof between the
// logs at two heights, the log's frontier at a height, blocks as their exact encoded bytes,
// and the genesis document. Everything a proof answer holds can be checked with the genesis
// alone (node/audit/proof_check.h). Handlers are thread-safe (they only read the store).
#pragma once

#include "node/api/router.h"
#include "node/ledger_service.h"

namespace covalue::node {

void AddProofRoutes(api::Router& router, LedgerService& service);

}  // namespace covalue::node
