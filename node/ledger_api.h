// The node's HTTP/JSON API v1 (docs/api.md): routes over a LedgerService. Every error is
// {code, message} with a stable code. Handlers are thread-safe (they only read the store
// and call the thread-safe service).
#pragma once

#include <functional>
#include <memory>

#include "node/api/http_server.h"
#include "node/json_fields.h"
#include "node/ledger_service.h"
#include "node/ops_api.h"

namespace covalue::node {

api::Router BuildLedgerApi(LedgerService& service);

// The whole router a node serves (Node::Start): BuildLedgerApi, the operations routes
// (node/ops_api.h, `readiness` answering /readyz) and the admin routes (node/admin_api.h,
// signing with `member_key` if not null; it must outlive the router), behind the node's
// guard (ApiGuard with `auth`). `metrics` must outlive the router too.
api::Router BuildNodeRouter(LedgerService& service, NodeMetrics& metrics,
                            std::function<Readiness()> readiness,
                            const crypto::KeyPair* member_key,
                            std::shared_ptr<const api::Authenticator> auth);

// {"tx_id", "status": "committed", "height", "index", "block_id", "tx", "result"}.
Result<Json> CommittedTxView(const ChainStore& store, const TxLocation& location);
// The same view from a block in memory (index < block.txs.size()).
Json CommittedTxView(const ledger::Block& block, uint32_t index);

}  // namespace covalue::node
