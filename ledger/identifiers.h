// Identifier rules shared by every record on the ledger (member ids, dataset ids, chain ids):
// 1 to 64 characters of [a-z0-9._-], starting with a letter or digit. Pure; thread-safe.
#pragma once

#include <string_view>

namespace covalue::ledger {

inline constexpr size_t kMaxIdLength = 64;

bool IsValidId(std::string_view id);

}  // namespace covalue::ledger
