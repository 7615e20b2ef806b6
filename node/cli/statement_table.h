// A settlement statement as a table for people (`covalue query statement`): one row per
// venture member — recouped costs, fixed share, share by contributions, total, the
// contributions counted, the cost still to recoup, the payout's state — and a totals row
// checked against the revenue. Amounts are shown in major units with two decimals (the
// ledger holds minor units). Pure functions; thread-safe.
#pragma once

#include <string>

#include "node/json_fields.h"

namespace covalue::cli {

// 1234567 → "12,345.67".
std::string FormatMinorUnits(uint64_t minor);

struct StatementText {
  std::string text;
  bool adds_up = false;  // the lines' totals sum to the revenue
};

// `settlement` is the answer of GET /v1/ventures/{id}/settlements/{period}.
Result<StatementText> FormatStatement(const node::Json& settlement);

}  // namespace covalue::cli
