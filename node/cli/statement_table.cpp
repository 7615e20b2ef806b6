#include "node/cli/statement_table.h"

#include <algorithm>
#include <map>
#include <vector>

namespace covalue::cli {
namespace {

using Row = std::vector<std::string>;

std::string Render(const std::vector<Row>& rows) {
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()));
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  std::string out;
  for (size_t r = 0; r < rows.size(); ++r) {
    for (size_t i = 0; i < rows[r].size(); ++i) {
      const std::string& cell = rows[r][i];
      std::string pad(widths[i] - cell.size(), ' ');
      // The member and payout columns read left to right; numbers line up on the right.
      bool left = i == 0 || i + 1 == rows[r].size();
      out += "  " + (left ? cell + pad : pad + cell);
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    out += "\n";
    if (r == 0 || r + 2 == rows.size()) {
      size_t total = 0;
      for (size_t w : widths) total += w + 2;
      out += "  " + std::string(total - 2, '-') + "\n";
    }
  }
  return out;
}

Result<uint64_t> Amount(const node::Json& object, const char* name) {
  return node::UintField(object, name);
}

}  // namespace

std::string FormatMinorUnits(uint64_t minor) {
  std::string whole = std::to_string(minor / 100);
  for (int i = static_cast<int>(whole.size()) - 3; i > 0; i -= 3) whole.insert(static_cast<size_t>(i), ",");
  uint64_t cents = minor % 100;
  return whole + "." + (cents < 10 ? "0" : "") + std::to_string(cents);
}

Result<StatementText> FormatStatement(const node::Json& s) {
  if (!s.is_object() || !s.contains("lines") || !s["lines"].is_array()) {
    return Status(Code::kMalformed, "not a settlement");
  }
  COVALUE_ASSIGN_OR_RETURN(uint64_t revenue, Amount(s, "revenue"));
  std::map<std::string, std::string> payout_state;
  for (const auto& p : s.value("payouts", node::Json::array())) {
    std::string state = p.value("status", "?");
    if (state == "confirmed") state += " (" + p.value("bank_ref", "") + ")";
    if (p.value("attempt", 1) > 1) state += ", attempt " + std::to_string(p.value("attempt", 1));
    payout_state[p.value("payee", "")] = state;
  }
  std::vector<Row> rows = {{"member", "recouped", "fixed share", "by contributions", "total",
                            "contributions counted", "cost to recoup", "payout"}};
  uint64_t sums[4] = {0, 0, 0, 0};
  for (const auto& line : s["lines"]) {
    uint64_t values[4];
    const char* names[4] = {"recoup_amount", "fixed_amount", "contribution_amount", "total"};
    for (int i = 0; i < 4; ++i) {
      COVALUE_ASSIGN_OR_RETURN(values[i], Amount(line, names[i]));
      sums[i] += values[i];
    }
    std::string member = line.value("member", "?");
    rows.push_back({member, FormatMinorUnits(values[0]), FormatMinorUnits(values[1]),
                    FormatMinorUnits(values[2]), FormatMinorUnits(values[3]),
                    std::to_string(line.value("contributions_counted", uint64_t{0})) + " worth " +
                        FormatMinorUnits(line.value("contribution_value", uint64_t{0})),
                    FormatMinorUnits(line.value("recoup_outstanding_after", uint64_t{0})),
                    payout_state.count(member) ? payout_state[member] : "none (nothing due)"});
  }
  rows.push_back({"total", FormatMinorUnits(sums[0]), FormatMinorUnits(sums[1]), FormatMinorUnits(sums[2]),
                  FormatMinorUnits(sums[3]), "", "", ""});
  StatementText out;
  out.adds_up = sums[3] == revenue && sums[0] + sums[1] + sums[2] == revenue;
  std::string currency = s.value("currency", "");
  out.text = "Settlement of venture " + s.value("venture_id", "?") + " for " + s.value("period", "?") +
             " — formula v" + std::to_string(s.value("formula_version", 0)) +
             (s.contains("formula_kind") && s["formula_kind"].is_string()
                  ? " (" + s["formula_kind"].get<std::string>() + ")"
                  : "") +
             ", revenue " + currency + " " + FormatMinorUnits(revenue) + " from " +
             std::to_string(s.value("revenue_count", 0)) + " record(s), settled at height " +
             std::to_string(s.value("settled_height", uint64_t{0})) + "\n" + Render(rows) +
             (out.adds_up ? "  the lines add up to the revenue exactly\n"
                          : "  THE LINES DO NOT ADD UP TO THE REVENUE\n");
  return out;
}

}  // namespace covalue::cli
