// The node's HTTP/JSON API v1 (docs/api.md): routes over a LedgerService. Every error is
// {code, message} with a stable code. Handlers are thread-safe (they only read the store
// and call the thread-safe service).
#pragma once

#include "node/api/http_server.h"
#include "node/json_fields.h"
#include "node/ledger_service.h"

namespace covalue::node {

api::Router BuildLedgerApi(LedgerService& service);

// {"tx_id", "status": "committed", "height", "index", "block_id", "tx", "result"}.
Result<Json> CommittedTxView(const ChainStore& store, const TxLocation& location);
// The same view from a block in memory (index < block.txs.size()).
Json CommittedTxView(const ledger::Block& block, uint32_t index);

}  // namespace covalue::node
