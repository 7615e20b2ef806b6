// Command-line arguments of one sub-command: positionals and --flags (--name value or
// --name=value; a flag listed as boolean takes no value). Unknown flags are errors, and so
// is a flag given twice unless it is listed as repeatable (--key A --key B).
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
  // `value_flags` take a value, `bool_flags` do not; `repeatable` value flags may be given
  // more than once.
  static Result<Args> Parse(const std::vector<std::string>& argv,
                            const std::set<std::string>& value_flags,
                            const std::set<std::string>& bool_flags,
                            const std::set<std::string>& repeatable = {});

  const std::vector<std::string>& positionals() const { return m_positionals; }
  std::optional<std::string> Get(const std::string& flag) const;
  // Every value of a repeatable flag, in the order given (empty if absent).
  std::vector<std::string> GetAll(const std::string& flag) const;
  Result<std::string> Require(const std::string& flag) const;
  bool Has(const std::string& flag) const { return m_values.count(flag) != 0; }

 private:
  std::vector<std::string> m_positionals;
  std::map<std::string, std::vector<std::string>> m_values;
};

}  // namespace covalue::cli
