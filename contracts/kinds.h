// The contract of each transaction kind, as the executor dispatches them
// (contracts/executor.cpp). Each is defined in its kind's file — membership.cpp,
// member_keys.cpp, grants.cpp, usage.cpp, ventures.cpp, contributions.cpp, revenue.cpp,
// settlement.cpp, payouts.cpp — and specified in docs/spec/contracts.md. Each applies one
// admitted transaction to `state` and returns its outcome; pure, thread-compatible.
#pragma once

#include "contracts/state.h"
#include "contracts/tx_context.h"
#include "ledger/transaction.h"

namespace covalue::contracts {

#define COVALUE_CONTRACT(name) \
  TxOutcome name(const ledger::Transaction& tx, const TxContext& context, StateOverlay& state)

COVALUE_CONTRACT(ApplyDatasetRegister);
COVALUE_CONTRACT(ApplyMemberPropose);
COVALUE_CONTRACT(ApplyMemberApprove);
COVALUE_CONTRACT(ApplyKeyAdd);
COVALUE_CONTRACT(ApplyKeyRetire);
COVALUE_CONTRACT(ApplyGrantIssue);
COVALUE_CONTRACT(ApplyGrantRevoke);
COVALUE_CONTRACT(ApplyUsageRecord);
COVALUE_CONTRACT(ApplyVentureCreate);
COVALUE_CONTRACT(ApplyFormulaPropose);
COVALUE_CONTRACT(ApplyFormulaSign);
COVALUE_CONTRACT(ApplyContributionRecord);
COVALUE_CONTRACT(ApplyContributionDispute);
COVALUE_CONTRACT(ApplyContributionResolve);
COVALUE_CONTRACT(ApplyRevenueRecord);
COVALUE_CONTRACT(ApplySettlementRun);
COVALUE_CONTRACT(ApplyPayoutConfirm);
COVALUE_CONTRACT(ApplyPayoutFail);
COVALUE_CONTRACT(ApplyPayoutReinstruct);

#undef COVALUE_CONTRACT

}  // namespace covalue::contracts
