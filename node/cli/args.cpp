#include "node/cli/args.h"

namespace covalue::cli {

Result<Args> Args::Parse(const std::vector<std::string>& argv,
                         const std::set<std::string>& value_flags,
                         const std::set<std::string>& bool_flags,
                         const std::set<std::string>& repeatable) {
  Args args;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& arg = argv[i];
    if (arg.rfind("--", 0) != 0) {
      args.m_positionals.push_back(arg);
      continue;
    }
    std::string name = arg.substr(2);
    std::optional<std::string> inline_value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      inline_value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    std::string value;
    if (bool_flags.count(name)) {
      if (inline_value) return Status(Code::kInvalidArgument, "--" + name + " takes no value");
      value = "true";
    } else if (value_flags.count(name)) {
      if (inline_value) {
        value = *inline_value;
      } else if (i + 1 < argv.size()) {
        value = argv[++i];
      } else {
        return Status(Code::kInvalidArgument, "--" + name + " needs a value");
      }
    } else {
      return Status(Code::kInvalidArgument, "unknown option --" + name);
    }
    auto& values = args.m_values[name];
    if (!values.empty() && repeatable.count(name) == 0) {
      return Status(Code::kInvalidArgument, "--" + name + " is given twice");
    }
    values.push_back(std::move(value));
  }
  return args;
}

std::optional<std::string> Args::Get(const std::string& flag) const {
  auto it = m_values.find(flag);
  if (it == m_values.end()) return std::nullopt;
  return it->second.back();
}

std::vector<std::string> Args::GetAll(const std::string& flag) const {
  auto it = m_values.find(flag);
  if (it == m_values.end()) return {};
  return it->second;
}

Result<std::string> Args::Require(const std::string& flag) const {
  auto value = Get(flag);
  if (!value) return Status(Code::kInvalidArgument, "--" + flag + " is required");
  return *value;
}

}  // namespace covalue::cli
