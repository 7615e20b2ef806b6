// Command-line arguments of one sub-command: positionals and --flags (--name value or
// --name=value; a flag listed as boolean takes no value). Unknown flags are errors.
// A plain value; not thread-safe.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/status.h"

namespace covalue::cli {

class Args {
 public:
  // `value_flags` take a value, `bool_flags` do not.
  static Result<Args> Parse(const std::vector<std::string>& argv,
                            const std::set<std::string>& value_flags,
                            const std::set<std::string>& bool_flags);

  const std::vector<std::string>& positionals() const { return m_positionals; }
  std::optional<std::string> Get(const std::string& flag) const;
  Result<std::string> Require(const std::string& flag) const;
  bool Has(const std::string& flag) const { return m_values.count(flag) != 0; }

 private:
  std::vector<std::string> m_positionals;
  std::map<std::string, std::string> m_values;
};

}  // namespace covalue::cli
