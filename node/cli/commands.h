// The `covalue` sub-commands. Each takes its own arguments (after the sub-command words),
// prints results to stdout and errors to stderr, and returns the process exit code:
// 0 success, 1 failure (refused, unreachable, invalid data), 2 usage error.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace covalue::cli {

using Argv = std::vector<std::string>;

int RunKeygen(const Argv& args);
int RunNetworkInit(const Argv& args);
int RunNode(const Argv& args);
int RunTx(const Argv& args);
int RunQuery(const Argv& args);
int RunToken(const Argv& args);
int RunAudit(const Argv& args);

// Prints "error: <code>: <message>" to stderr and returns 1.
int Fail(const Status& status);
int UsageError(const std::string& message);
// The passphrase for key files from $COVALUE_PASSPHRASE, if set.
std::optional<std::string> PassphraseFromEnv();

}  // namespace covalue::cli
