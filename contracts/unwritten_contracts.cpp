// Placeholders for contracts not written yet: each refuses with `unknown_kind`. Each one is
// removed from here when its kind's file defines it (contracts/kinds.h).
#include "contracts/kinds.h"

namespace covalue::contracts {

#define COVALUE_NOT_YET(name)                                                     \
  TxOutcome name(const ledger::Transaction&, const TxContext&, StateOverlay&) {  \
    return Rejected(Code::kUnknownKind, "this kind has no contract yet");         \
  }
COVALUE_NOT_YET(ApplyMemberPropose)  // MemberPropose
COVALUE_NOT_YET(ApplyMemberApprove)  // MemberApprove
COVALUE_NOT_YET(ApplyKeyAdd)  // KeyAdd
COVALUE_NOT_YET(ApplyKeyRetire)  // KeyRetire
COVALUE_NOT_YET(ApplyGrantIssue)  // GrantIssue
COVALUE_NOT_YET(ApplyGrantRevoke)  // GrantRevoke
COVALUE_NOT_YET(ApplyUsageRecord)  // UsageRecord
COVALUE_NOT_YET(ApplyVentureCreate)  // VentureCreate
COVALUE_NOT_YET(ApplyFormulaPropose)  // FormulaPropose
COVALUE_NOT_YET(ApplyFormulaSign)  // FormulaSign
COVALUE_NOT_YET(ApplyContributionRecord)  // ContributionRecord
COVALUE_NOT_YET(ApplyContributionDispute)  // ContributionDispute
COVALUE_NOT_YET(ApplyContributionResolve)  // ContributionResolve
COVALUE_NOT_YET(ApplyRevenueRecord)  // RevenueRecord
COVALUE_NOT_YET(ApplySettlementRun)  // SettlementRun
COVALUE_NOT_YET(ApplyPayoutConfirm)  // PayoutConfirm
COVALUE_NOT_YET(ApplyPayoutFail)  // PayoutFail
COVALUE_NOT_YET(ApplyPayoutReinstruct)  // PayoutReinstruct

}  // namespace covalue::contracts
