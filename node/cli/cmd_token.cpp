// `covalue token new` and `covalue token hash`: API tokens for a node's config
// (docs/operations.md §Tokens). A token is shown once (or written to a 0600 file); the config
// gets only its SHA-256, which `token hash` recomputes from a token on stdin.
#include <cstdio>
#include <iostream>
#include <string>

#include "common/decimal.h"
#include "node/api/auth.h"
#include "node/cli/args.h"
#include "node/cli/commands.h"
#include "node/json_fields.h"
#include "node/token_file.h"

namespace covalue::cli {
namespace {

constexpr const char* kTokenUsage =
    "token new --role ROLE [--role ROLE] [--name NAME] [--rate-per-s N [--burst N]] [--out FILE]\n"
    "  | token hash   (reads a token on stdin)\nroles: admin, submit, read, auditor";

Result<uint64_t> OptionalCount(const Args& args, const std::string& flag) {
  auto text = args.Get(flag);
  if (!text) return uint64_t{0};
  auto value = ParseDecimal<uint64_t>(*text);
  if (!value || *value > 1000000)
    return Status(Code::kInvalidArgument, "--" + flag + " must be 0..1000000");
  return *value;
}

int RunTokenNew(const Argv& argv) {
  auto args = Args::Parse(argv, {"role", "name", "rate-per-s", "burst", "out"}, {}, {"role"});
  if (!args.ok()) return UsageError(args.status().message());
  if (!args->positionals().empty()) return UsageError(kTokenUsage);
  node::Json roles = node::Json::array();
  for (const std::string& name : args->GetAll("role")) {
    if (!api::RoleFromName(name)) return UsageError("unknown role '" + name + "'; " + kTokenUsage);
    roles.push_back(name);
  }
  if (roles.empty()) return UsageError(std::string("--role is required; ") + kTokenUsage);
  auto rate = OptionalCount(*args, "rate-per-s");
  auto burst = OptionalCount(*args, "burst");
  if (!rate.ok()) return UsageError(rate.status().message());
  if (!burst.ok()) return UsageError(burst.status().message());
  if (*burst != 0 && *rate == 0) return UsageError("--burst needs --rate-per-s");

  std::string token = api::NewApiToken();
  node::Json entry = {{"name", args->Get("name").value_or(roles[0].get<std::string>())},
                      {"roles", roles},
                      {"sha256", ToHex(api::ApiTokenHash(token))}};
  if (*rate != 0) entry["rate_per_s"] = *rate;
  if (*burst != 0) entry["burst"] = *burst;
  node::Json out = {{"api_token", entry}};
  if (auto path = args->Get("out")) {
    Status written = node::WriteTokenFile(*path, token);
    if (!written.ok()) return Fail(written);
    out["token_file"] = *path;
  } else {
    out["token"] = token;
  }
  std::printf("%s\n", out.dump(2).c_str());
  std::fprintf(stderr,
               "add api_token to the node's config under \"api_tokens\" and restart it; the token "
               "itself is not kept anywhere else%s\n",
               args->Has("out") ? "" : " — this is the only time it is shown");
  return 0;
}

int RunTokenHash(const Argv& argv) {
  if (!argv.empty()) return UsageError(kTokenUsage);
  std::string token;
  std::getline(std::cin, token);
  while (!token.empty() && (token.back() == '\r' || token.back() == ' ')) token.pop_back();
  if (token.empty()) return Fail(Status(Code::kInvalidArgument, "no token on stdin"));
  std::printf("%s\n", ToHex(api::ApiTokenHash(token)).c_str());
  return 0;
}

}  // namespace

int RunToken(const Argv& argv) {
  if (!argv.empty() && argv[0] == "new") return RunTokenNew(Argv(argv.begin() + 1, argv.end()));
  if (!argv.empty() && argv[0] == "hash") return RunTokenHash(Argv(argv.begin() + 1, argv.end()));
  return UsageError(kTokenUsage);
}

}  // namespace covalue::cli
