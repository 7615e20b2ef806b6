// Payouts (docs/spec/contracts/settlement.md §Payouts): settlement.run instructs one payout
// per paid line, from the venture's treasurer (the payer) to the member; the payer then
// records what the bank did — payout.confirm (with the bank's reference, once), payout.fail
// (with a reason) and payout.reinstruct (after a failure, as a new attempt). The record,
// its state machine and the bodies. Pure; thread-compatible.
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "contracts/fields.h"
#include "contracts/kinds.h"
#include "contracts/period.h"
#include "contracts/ventures.h"

namespace covalue::contracts {

inline constexpr uint32_t kMaxBankRefLength = 128;
inline constexpr uint32_t kMaxPayoutFailureLength = 256;

// Wire format: never renumber.
//   instructed --confirm--> confirmed (final)
//   instructed --fail--> failed --reinstruct--> instructed (attempt + 1)
enum class PayoutStatus : uint8_t { kInstructed = 1, kConfirmed = 2, kFailed = 3 };

template <>
struct EnumNames<PayoutStatus> {
  static constexpr std::array kValues = {
      std::pair{PayoutStatus::kInstructed, std::string_view("instructed")},
      std::pair{PayoutStatus::kConfirmed, std::string_view("confirmed")},
      std::pair{PayoutStatus::kFailed, std::string_view("failed")}};
};

// "payout/<venture_id>/<period name>/<payee>".
struct PayoutRecord {
  static constexpr uint16_t kRecordVersion = 1;
  std::string venture_id;
  Period period;
  std::string payee;
  std::string payer;  // the venture's treasurer at settlement
  uint64_t amount = 0;
  std::string currency;
  PayoutStatus status = PayoutStatus::kInstructed;
  uint32_t attempt = 1;            // 1, then + 1 at each re-instruction
  std::string bank_ref;            // set when confirmed
  std::string failure_reason;      // the last failure's reason; "" while instructed or confirmed
  uint64_t instructed_height = 0;  // of the settlement, or of the last re-instruction
  uint64_t confirmed_height = 0;   // 0 until confirmed
  bool operator==(const PayoutRecord&) const = default;
  template <class V>
  void Fields(V& v) {
    v.Id("venture_id", venture_id);
    v.PeriodField("period", period);
    v.Id("payee", payee);
    v.Id("payer", payer);
    v.Amount("amount", amount);
    v.Text("currency", currency, kMaxCurrencyLength);
    v.Enum("status", status);
    v.U32("attempt", attempt);
    v.Text("bank_ref", bank_ref, kMaxBankRefLength);
    v.Text("failure_reason", failure_reason, kMaxPayoutFailureLength);
    v.U64("instructed_height", instructed_height);
    v.U64("confirmed_height", confirmed_height);
  }
};

// The payout a payout.* body is about: `member`'s payout of `period` in venture `venture_id`
// (at PayoutKey(venture_id, period, member)). The bodies list these fields in line (flat on
// the wire and in JSON).
struct PayoutRef {
  std::string venture_id;
  Period period;
  std::string member;
  bool operator==(const PayoutRef&) const = default;
  template <class V>
  void Fields(V& v) {
    v.Id("venture_id", venture_id);
    v.PeriodField("period", period);
    v.Id("member", member);
  }
};

struct PayoutConfirmBody {
  PayoutRef payout;
  std::string bank_ref;  // non-empty
  bool operator==(const PayoutConfirmBody&) const = default;
  template <class V>
  void Fields(V& v) {
    payout.Fields(v);
    v.Text("bank_ref", bank_ref, kMaxBankRefLength);
  }
};

struct PayoutFailBody {
  PayoutRef payout;
  std::string reason;  // non-empty
  bool operator==(const PayoutFailBody&) const = default;
  template <class V>
  void Fields(V& v) {
    payout.Fields(v);
    v.Text("reason", reason, kMaxPayoutFailureLength);
  }
};

struct PayoutReinstructBody {
  PayoutRef payout;
  bool operator==(const PayoutReinstructBody&) const = default;
  template <class V>
  void Fields(V& v) {
    payout.Fields(v);
  }
};

std::string PayoutKey(std::string_view venture_id, const Period& period, std::string_view payee);

// The contracts (contracts/kinds.h): ApplyPayoutConfirm, ApplyPayoutFail, ApplyPayoutReinstruct.

}  // namespace covalue::contracts
