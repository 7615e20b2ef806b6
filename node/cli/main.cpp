// covalue: the one binary — key generation, network set-up, the node, transactions,
// queries. See README.md and `covalue help`.
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "node/cli/commands.h"
#include "node/cli/node_client.h"

namespace {

constexpr const char* kUsage = R"(covalue — a permissioned ledger node for data and value exchange

usage:
  covalue keygen --out FILE [--encrypt]
  covalue network init DESCRIPTION.json --out DIR [--genesis-time-ms MS] [--encrypt]
  covalue node --config FILE
  covalue tx KIND [body flags] --key FILE [--key FILE ...] --node ADDR [--wait]
                  [--expiry-blocks N] [--out FILE]    (`covalue tx --help` lists kinds,
                                                       `covalue tx KIND --help` its flags)
  covalue tx build KIND ... --signer KEY ... --out FILE | tx sign FILE --key FILE
                  | tx submit FILE --node ADDR [--wait] | tx show FILE
  covalue tx dataset-register --node ADDR --key FILE --id ID
                              (--content-hash HEX | --content-file PATH)
                              [--description TEXT] [--wait] [--expiry-blocks N]
  covalue query status|tx ID|block HEIGHT|dataset ID|member ID|history KIND ID --node ADDR
  covalue audit verify (--data DIR | --node ADDR) --genesis FILE | audit export --node ADDR
                  --from H --to H --out FILE
                  | audit verify-bundle FILE --genesis FILE [--accept-partial]
                  | audit proof TX_ID --node ADDR --genesis FILE
  covalue token new --role ROLE [--role ROLE] [--name NAME] [--rate-per-s N [--burst N]]
                  [--out FILE] | token hash   (roles: admin, submit, read, auditor)
  covalue version

Key files are encrypted with, and opened with, the passphrase in $COVALUE_PASSPHRASE
(--encrypt requires it). ADDR is host:port of a node's API, e.g. 127.0.0.1:26680.
Commands that call a node send the API token from --token-file FILE (anywhere on the line),
$COVALUE_TOKEN_FILE or $COVALUE_TOKEN. Exit codes: 0 success, 1 failure, 2 usage error,
3 a partial audit not accepted (audit verify-bundle without --accept-partial).
)";

int Dispatch(const std::vector<std::string>& argv) {
  using namespace covalue::cli;
  if (argv.empty() || argv[0] == "help" || argv[0] == "--help" || argv[0] == "-h") {
    std::fputs(kUsage, argv.empty() ? stderr : stdout);
    return argv.empty() ? 2 : 0;
  }
  const std::string& command = argv[0];
  Argv rest(argv.begin() + 1, argv.end());
  if (command == "version") {
    std::puts("covalue 0.1.0");
    return 0;
  }
  if (command == "keygen") return RunKeygen(rest);
  if (command == "node") return RunNode(rest);
  if (command == "query") return RunQuery(rest);
  if (command == "network" && !rest.empty() && rest[0] == "init") {
    return RunNetworkInit(Argv(rest.begin() + 1, rest.end()));
  }
  if (command == "tx") return RunTx(rest);
  if (command == "token") return RunToken(rest);
  if (command == "audit") return RunAudit(rest);
  return UsageError("unknown command; see `covalue help`");
}

}  // namespace

int main(int argc, char** argv) {
  try {
    std::vector<std::string> args(argv + 1, argv + argc);
    covalue::Status token_flag = covalue::cli::TakeTokenFileFlag(args);
    if (!token_flag.ok()) return covalue::cli::UsageError(token_flag.message());
    return Dispatch(args);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: internal: %s\n", e.what());
    return 1;
  }
}
