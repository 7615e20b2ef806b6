// API token files: one bearer token (node/api/auth.h NewApiToken) as a line of text, in a
// file only its owner may read — written by `covalue network init` (each node's admin.token)
// and `covalue token new --out`, read by the CLI (--token-file, $COVALUE_TOKEN_FILE). The
// node never reads them: its config holds only the tokens' SHA-256. Thread-safe (no state).
#pragma once

#include <string>

#include "common/status.h"

namespace covalue::node {

// Creates `path` with mode 0600 holding `token` and a newline, and fsyncs it. Never
// overwrites: kAlreadyExists if `path` exists.
Status WriteTokenFile(const std::string& path, const std::string& token);

// The token in `path` (its first line, surrounding spaces removed). kNotFound if there is no
// such file; kPermissionDenied if group or others may read it (the message says how to fix
// it); kInvalidArgument if it is empty or not one line of printable text.
Result<std::string> ReadTokenFile(const std::string& path);

}  // namespace covalue::node
