// The admin routes (docs/api.md §Admin): POST /v1/admin/sign-and-submit — the node builds a
// transaction for its own member from a kind and a JSON body (node/tx_bodies.h), signs it with
// the member key its config names (member_key_file) and submits it as POST /v1/tx would. Only
// admin tokens reach /v1/admin/* (node/api/auth.h). The key is borrowed: it must outlive the
// router. Handlers are thread-safe (signing does not mutate the key; Submit is thread-safe).
#pragma once

#include <chrono>

#include "crypto/keys.h"
#include "node/api/router.h"
#include "node/ledger_service.h"

namespace covalue::node {

// `?wait=true|false&timeout_ms=1..600000` of a submission (default: no wait, 30000 ms), here
// and for POST /v1/tx (node/ledger_api.cpp); kInvalidArgument naming the bad one.
struct SubmitOptions {
  bool wait = false;
  std::chrono::milliseconds timeout{30000};
};
Result<SubmitOptions> SubmitOptionsFromQuery(const api::HttpRequest& request);

// `member_key` may be null: the route then answers 409 failed_precondition.
void AddAdminRoutes(api::Router& router, LedgerService& service, const crypto::KeyPair* member_key);

}  // namespace covalue::node
