// covalue_corrupt_block: a test-only tool (never installed, not part of the `covalue` CLI)
// that alters a stopped node's data folder on purpose, so that tests can show the auditor's
// kit finds it (tests/integration/audit_test.sh). It flips one byte of a stored block, one
// bit of its certificate's first signature, or changes its first result's message — written
// straight into the store under the block's key (docs/spec/storage.md), bypassing every
// check. Never use it on a real node's data.
//
//   covalue_corrupt_block --data DIR --height H --what block|certificate|result [--offset N]
//
// Exit 0 when the block was altered, 1 on an error, 2 for a usage error.
#include <cstdio>
#include <map>
#include <optional>
#include <string>

#include "common/decimal.h"
#include "ledger/block.h"
#include "node/storage/rocks_kv_store.h"
#include "node/chain_store.h"

namespace {

using namespace covalue;

constexpr const char* kUsage =
    "usage: covalue_corrupt_block --data DIR --height H --what block|certificate|result "
    "[--offset N]\n";

// The altered bytes of `stored` and a description, or why it cannot be altered that way.
Result<std::pair<Bytes, std::string>> Alter(Bytes stored, const std::string& what,
                                            std::optional<uint64_t> offset) {
  if (what == "block") {
    uint64_t at = offset.value_or(stored.size() / 2);
    if (at >= stored.size()) {
      return Status(Code::kInvalidArgument, "--offset is past the block's bytes");
    }
    stored[at] ^= 0x01;
    std::string description =
        "byte " + std::to_string(at) + " of " + std::to_string(stored.size()) + " flipped";
    return std::make_pair(std::move(stored), std::move(description));
  }
  COVALUE_ASSIGN_OR_RETURN(ledger::Block block, ledger::DecodeBlock(stored));
  std::string description;
  if (what == "certificate") {
    if (block.certificate.signatures.empty()) {
      return Status(Code::kFailedPrecondition, "the block's certificate has no signature");
    }
    block.certificate.signatures[0].signature[0] ^= 0x01;
    description = "a bit of the certificate's first signature flipped";
  } else if (what == "result") {
    if (block.results.empty()) return Status(Code::kFailedPrecondition, "the block has no results");
    block.results[0].message += " (altered)";
    description = "the first result's message altered";
  } else {
    return Status(Code::kInvalidArgument, "--what must be block, certificate or result");
  }
  return std::make_pair(ledger::EncodeBlock(block), description);
}

int Fail(const Status& status) {
  std::fprintf(stderr, "error: %s\n", status.ToString().c_str());
  return 1;
}

int Usage(const std::string& message) {
  std::fprintf(stderr, "%s\n%s", message.c_str(), kUsage);
  return 2;
}

int Run(int argc, char** argv) {
  std::map<std::string, std::string> flags;
  for (int i = 1; i < argc; i += 2) {
    std::string name = argv[i];
    if (name.rfind("--", 0) != 0 || i + 1 >= argc) return Usage("unexpected '" + name + "'");
    name.erase(0, 2);
    if (name != "data" && name != "height" && name != "what" && name != "offset") {
      return Usage("unknown flag --" + name);
    }
    if (!flags.emplace(name, argv[i + 1]).second) return Usage("--" + name + " given twice");
  }
  if (!flags.count("data") || !flags.count("height") || !flags.count("what")) {
    return Usage("--data, --height and --what are required");
  }
  std::optional<uint64_t> height = ParseDecimal<uint64_t>(flags["height"]);
  if (!height) return Usage("--height must be a block height");
  std::optional<uint64_t> offset;
  if (flags.count("offset")) {
    offset = ParseDecimal<uint64_t>(flags["offset"]);
    if (!offset) return Usage("--offset must be a byte offset");
  }
  storage::RocksOptions options;
  options.create_if_missing = false;
  auto kv = storage::RocksKvStore::Open(flags["data"], options);
  if (!kv.ok()) return Fail(kv.status());
  Bytes key = node::BlockKey(*height);
  auto stored = (*kv)->Get(key);
  if (!stored.ok()) return Fail(stored.status());
  if (!*stored) return Fail(Status(Code::kNotFound, "no block " + std::to_string(*height)));
  auto altered = Alter(std::move(**stored), flags["what"], offset);
  if (!altered.ok()) return Fail(altered.status());
  storage::WriteBatch batch;
  batch.Put(key, altered->first);
  Status written = (*kv)->Write(batch, /*sync=*/true);
  if (!written.ok()) return Fail(written);
  std::printf("block %llu: %s\n", static_cast<unsigned long long>(*height),
              altered->second.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return Run(argc, argv);
}
