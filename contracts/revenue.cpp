#include "contracts/revenue.h"

#include "contracts/member_record.h"
#include "crypto/hash.h"

namespace covalue::contracts {
namespace {

// Non-empty, no control characters (C0, DEL, C1 — the body decoder already refused invalid
// UTF-8) and no spaces around it, so that one invoice cannot be recorded twice under two
// spellings that look alike.
Status CheckExternalRef(std::string_view ref) {
  if (ref.empty()) return Status(Code::kInvalidArgument, "external_ref is empty");
  for (size_t i = 0; i < ref.size(); ++i) {
    auto byte = static_cast<unsigned char>(ref[i]);
    bool c1 = byte == 0xC2 && i + 1 < ref.size() && static_cast<unsigned char>(ref[i + 1]) <= 0x9F;
    if (byte < 0x20 || byte == 0x7F || c1) {
      return Status(Code::kInvalidArgument, "external_ref holds a control character");
    }
  }
  if (ref.front() == ' ' || ref.back() == ' ') {
    return Status(Code::kInvalidArgument, "external_ref starts or ends with a space");
  }
  return Status::Ok();
}

}  // namespace

std::string RevenueKey(std::string_view venture_id, std::string_view external_ref) {
  return "revenue/" + std::string(venture_id) + "/" + ToHex(crypto::Sha256(AsBytes(external_ref)));
}

std::string RevenueTotalKey(std::string_view venture_id, const Period& period) {
  return "revenue-total/" + std::string(venture_id) + "/" + PeriodName(period);
}

Result<RevenueTotal> LoadRevenueTotal(const LedgerReader& state, std::string_view venture_id,
                                      const Period& period) {
  COVALUE_ASSIGN_OR_RETURN(auto total,
                           LoadRecord<RevenueTotal>(state, RevenueTotalKey(venture_id, period)));
  return total ? *total : RevenueTotal{};
}

TxOutcome ApplyRevenueRecord(const ledger::Transaction& tx, const TxContext& context,
                             StateOverlay& state) {
  auto signer = SoleSignerWithRole(context, state, ledger::kRoleMember);
  if (!signer.ok()) return FromStatus(signer.status());
  auto body = DecodeTxBody<RevenueRecordBody>(tx.body);
  if (!body.ok()) return FromStatus(body.status());
  if (Status status = CheckExternalRef(body->external_ref); !status.ok()) return FromStatus(status);
  if (body->amount == 0) return Rejected(Code::kInvalidArgument, "amount must be over 0");
  auto venture = LoadExistingVenture(state, body->venture_id);
  if (!venture.ok()) return FromStatus(venture.status());
  if (*signer != venture->terms.treasurer) {
    return Rejected(Code::kForbidden, "only the treasurer '" + venture->terms.treasurer +
                                          "' records revenue of venture '" + venture->id() + "'");
  }
  if (body->currency != venture->terms.currency) {
    return Rejected(Code::kInvalidArgument, "currency '" + body->currency +
                                                "' is not the venture's currency " +
                                                venture->terms.currency);
  }
  std::string key = RevenueKey(venture->id(), body->external_ref);
  auto original = LoadRecord<RevenueRecord>(state, key);
  if (!original.ok()) return FromStatus(original.status());
  if (*original) {
    return Rejected(Code::kDuplicate, "external reference '" + body->external_ref +
                                          "' was recorded by transaction " +
                                          ToHex((*original)->tx_id) + " at height " +
                                          std::to_string((*original)->recorded_height));
  }
  if (Status status = CheckPeriodOpen(*venture, body->period, context.time_ms); !status.ok()) {
    return FromStatus(status);
  }
  auto total = LoadRevenueTotal(state, venture->id(), body->period);
  if (!total.ok()) return FromStatus(total.status());
  if (body->amount > kMaxAmount - total->amount) {
    return Rejected(Code::kFailedPrecondition, "the revenue of period " + PeriodName(body->period) +
                                                   " of venture '" + venture->id() +
                                                   "' would exceed 10^15 minor units");
  }

  RevenueRecord record{*body, *signer, context.tx_id, context.height};
  StoreRecord(state, key, record);
  total->amount += record.entry.amount;
  total->count += 1;
  std::string total_key = RevenueTotalKey(venture->id(), record.entry.period);
  StoreRecord(state, total_key, *total);

  TxOutcome outcome;
  outcome.result.events.push_back({"revenue.recorded",
                                   {{"venture", record.entry.venture_id},
                                    {"period", PeriodName(record.entry.period)},
                                    {"external_ref", record.entry.external_ref},
                                    {"amount", std::to_string(record.entry.amount)},
                                    {"currency", record.entry.currency},
                                    {"period_total", std::to_string(total->amount)}}});
  outcome.entities = {VentureKey(record.entry.venture_id), key, total_key};
  return outcome;
}

}  // namespace covalue::contracts
