// The one place that maps a transaction kind to the struct its body decodes into:
//   WithBodyType(kind, [](auto type) { using Body = typename decltype(type)::type; … });
// calls the callable with std::type_identity<Body>, or std::type_identity<void> for a value
// that is not a kind (callers answer kUnknownKind). The JSON, CLI and help for every kind
// go through here (node/tx_bodies.h). Pure; thread-safe.
#pragma once

#include <type_traits>
#include <utility>

#include "contracts/contributions.h"
#include "contracts/dataset_register.h"
#include "contracts/grants.h"
#include "contracts/member_keys.h"
#include "contracts/membership.h"
#include "contracts/payouts.h"
#include "contracts/revenue.h"
#include "contracts/settlement.h"
#include "contracts/usage.h"
#include "contracts/ventures.h"
#include "ledger/transaction.h"

namespace covalue::contracts {

template <class F>
decltype(auto) WithBodyType(ledger::TxKind kind, F&& f) {
  using ledger::TxKind;
  switch (kind) {
    case TxKind::kDatasetRegister: return std::forward<F>(f)(std::type_identity<DatasetRegisterBody>{});
    case TxKind::kMemberPropose: return std::forward<F>(f)(std::type_identity<MemberProposeBody>{});
    case TxKind::kMemberApprove: return std::forward<F>(f)(std::type_identity<MemberApproveBody>{});
    case TxKind::kKeyAdd: return std::forward<F>(f)(std::type_identity<KeyAddBody>{});
    case TxKind::kKeyRetire: return std::forward<F>(f)(std::type_identity<KeyRetireBody>{});
    case TxKind::kGrantIssue: return std::forward<F>(f)(std::type_identity<GrantIssueBody>{});
    case TxKind::kGrantRevoke: return std::forward<F>(f)(std::type_identity<GrantRevokeBody>{});
    case TxKind::kUsageRecord: return std::forward<F>(f)(std::type_identity<UsageRecordBody>{});
    case TxKind::kVentureCreate: return std::forward<F>(f)(std::type_identity<VentureCreateBody>{});
    case TxKind::kFormulaPropose: return std::forward<F>(f)(std::type_identity<FormulaProposeBody>{});
    case TxKind::kFormulaSign: return std::forward<F>(f)(std::type_identity<FormulaSignBody>{});
    case TxKind::kContributionRecord: return std::forward<F>(f)(std::type_identity<ContributionRecordBody>{});
    case TxKind::kContributionDispute: return std::forward<F>(f)(std::type_identity<ContributionDisputeBody>{});
    case TxKind::kContributionResolve: return std::forward<F>(f)(std::type_identity<ContributionResolveBody>{});
    case TxKind::kRevenueRecord: return std::forward<F>(f)(std::type_identity<RevenueRecordBody>{});
    case TxKind::kSettlementRun: return std::forward<F>(f)(std::type_identity<SettlementRunBody>{});
    case TxKind::kPayoutConfirm: return std::forward<F>(f)(std::type_identity<PayoutConfirmBody>{});
    case TxKind::kPayoutFail: return std::forward<F>(f)(std::type_identity<PayoutFailBody>{});
    case TxKind::kPayoutReinstruct: return std::forward<F>(f)(std::type_identity<PayoutReinstructBody>{});
  }
  return std::forward<F>(f)(std::type_identity<void>{});
}

}  // namespace covalue::contracts
