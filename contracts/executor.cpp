#include "contracts/executor.h"

#include "contracts/kinds.h"

namespace covalue::contracts {

TxOutcome Rejected(Code code, std::string message) {
  TxOutcome outcome;
  outcome.result.code = code;
  outcome.result.message = std::move(message);
  return outcome;
}

TxOutcome FromStatus(const Status& status) {
  if (IsFault(status)) return TxOutcome{{}, {}, status};
  return Rejected(status.code(), status.message());
}

TxOutcome ApplyTransaction(const ledger::Transaction& tx, const TxContext& context,
                           StateOverlay& state) {
  switch (tx.kind) {
    case ledger::TxKind::kDatasetRegister: return ApplyDatasetRegister(tx, context, state);
    case ledger::TxKind::kMemberPropose: return ApplyMemberPropose(tx, context, state);
    case ledger::TxKind::kMemberApprove: return ApplyMemberApprove(tx, context, state);
    case ledger::TxKind::kKeyAdd: return ApplyKeyAdd(tx, context, state);
    case ledger::TxKind::kKeyRetire: return ApplyKeyRetire(tx, context, state);
    case ledger::TxKind::kGrantIssue: return ApplyGrantIssue(tx, context, state);
    case ledger::TxKind::kGrantRevoke: return ApplyGrantRevoke(tx, context, state);
    case ledger::TxKind::kUsageRecord: return ApplyUsageRecord(tx, context, state);
    case ledger::TxKind::kVentureCreate: return ApplyVentureCreate(tx, context, state);
    case ledger::TxKind::kFormulaPropose: return ApplyFormulaPropose(tx, context, state);
    case ledger::TxKind::kFormulaSign: return ApplyFormulaSign(tx, context, state);
    case ledger::TxKind::kContributionRecord: return ApplyContributionRecord(tx, context, state);
    case ledger::TxKind::kContributionDispute: return ApplyContributionDispute(tx, context, state);
    case ledger::TxKind::kContributionResolve: return ApplyContributionResolve(tx, context, state);
    case ledger::TxKind::kRevenueRecord: return ApplyRevenueRecord(tx, context, state);
    case ledger::TxKind::kSettlementRun: return ApplySettlementRun(tx, context, state);
    case ledger::TxKind::kPayoutConfirm: return ApplyPayoutConfirm(tx, context, state);
    case ledger::TxKind::kPayoutFail: return ApplyPayoutFail(tx, context, state);
    case ledger::TxKind::kPayoutReinstruct: return ApplyPayoutReinstruct(tx, context, state);
  }
  return Rejected(Code::kUnknownKind, "no contract for this kind");
}

Result<BlockExecution> ExecuteBlock(const LedgerReader& base, const BlockContext& context,
                                    std::vector<ledger::Transaction> candidates) {
  BlockExecution execution;
  StateOverlay block_state(base);
  AdmissionContext admission{context.chain_id, context.height, context.params, true};
  uint64_t block_bytes = 0;
  for (auto& tx : candidates) {
    if (execution.txs.size() >= context.params.max_block_txs) break;
    // A transaction that would overflow the block waits for the next one (a block that
    // holds nothing else takes it: every transaction is far below the limit).
    uint64_t tx_bytes = ledger::EncodedTransactionSize(tx);
    if (block_bytes + tx_bytes > context.params.max_block_bytes) break;
    Hash32 tx_id = ledger::TxId(tx);
    admission.verify_signatures = !(context.is_verified && context.is_verified(tx, tx_id));
    auto members = AdmitTransaction(tx, tx_id, admission, block_state);
    if (!members.ok()) {
      Code code = members.status().code();
      if (code == Code::kIoError || code == Code::kCorruption) return members.status();
      execution.rejected.push_back({tx_id, members.status()});
      continue;
    }
    TxContext tx_context{context.chain_id, context.height, context.time_ms, tx_id,
                         std::move(members).value(), context.params};
    StateOverlay tx_state = block_state.Layer();
    TxOutcome outcome = ApplyTransaction(tx, tx_context, tx_state);
    if (!outcome.fault.ok()) return outcome.fault;
    if (outcome.result.ok()) tx_state.MergeInto(block_state);
    block_state.MarkCommitted(tx_id);
    for (const auto& member : tx_context.signer_members) {
      std::string entity = "member/" + member;
      bool listed = false;
      for (const auto& e : outcome.entities) listed = listed || e == entity;
      if (!listed) outcome.entities.push_back(entity);
    }
    block_bytes += tx_bytes;
    execution.txs.push_back({std::move(tx), tx_id, std::move(outcome)});
  }
  execution.changes = block_state.changes();
  return execution;
}

}  // namespace covalue::contracts
