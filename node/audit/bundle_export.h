// ExportBundle: `covalue audit export` — fetches blocks from..to from a node's API (through
// ApiChainSource, so every batch is checked for the heights asked for) and writes them as an
// audit bundle with BundleWriter (docs/spec/audit-bundle.md). A free function: it owns
// nothing beyond the call; thread-safe as the fetcher is.
#pragma once

#include <cstdint>
#include <string>

#include "node/audit/api_chain_source.h"

namespace covalue::audit {

// Fetches the genesis (GET /v1/genesis), blocks from..to and, for from > 1, the anchor
// (block from−1 and the log frontier at it, GET /v1/log/frontier), and writes them to `path`
// (nothing is left there on failure). kInvalidArgument unless 1 <= from <= to <= the node's
// head. The blocks are not verified here: verify-bundle does that.
Status ExportBundle(const std::string& address, const JsonFetcher& fetch, uint64_t from,
                    uint64_t to, const std::string& path);

}  // namespace covalue::audit
