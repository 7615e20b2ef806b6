// `covalue debug …` (hidden, for tests): alters a stopped node's data folder on purpose so
// that tests can show the auditor's kit finds it. corrupt-block flips one byte of a stored
// block, one bit of its certificate's first signature, or changes its first result's
// message — written straight into the store under the block's key (docs/spec/storage.md),
// bypassing every check. Never use it on a real node's data.
#include <cstdio>

#include "codec/writer.h"
#include "common/decimal.h"
#include "ledger/block.h"
#include "node/cli/args.h"
#include "node/cli/commands.h"
#include "node/storage/rocks_kv_store.h"

namespace covalue::cli {
namespace {

constexpr const char* kUsage =
    "debug corrupt-block --data DIR --height H --what block|certificate|result [--offset N]";

// "blk/" ‖ u64 big-endian height: the block's key (docs/spec/storage.md §Keys and values).
Bytes StoredBlockKey(uint64_t height) {
  Bytes key(AsBytes("blk/").begin(), AsBytes("blk/").end());
  for (int i = 7; i >= 0; --i) key.push_back(static_cast<uint8_t>(height >> (8 * i)));
  return key;
}

// The altered bytes of `stored` and a description, or why it cannot be altered that way.
Result<std::pair<Bytes, std::string>> Alter(Bytes stored, const std::string& what,
                                            std::optional<uint64_t> offset) {
  if (what == "block") {
    uint64_t at = offset.value_or(stored.size() / 2);
    if (at >= stored.size())
      return Status(Code::kInvalidArgument, "--offset is past the block's bytes");
    stored[at] ^= 0x01;
    std::string description =
        "byte " + std::to_string(at) + " of " + std::to_string(stored.size()) + " flipped";
    return std::make_pair(std::move(stored), std::move(description));
  }
  COVALUE_ASSIGN_OR_RETURN(ledger::Block block, ledger::DecodeBlock(stored));
  std::string description;
  if (what == "certificate") {
    if (block.certificate.signatures.empty())
      return Status(Code::kFailedPrecondition, "no signature");
    block.certificate.signatures[0].signature[0] ^= 0x01;
    description = "a bit of the certificate's first signature flipped";
  } else if (what == "result") {
    if (block.results.empty()) return Status(Code::kFailedPrecondition, "the block has no results");
    block.results[0].message += " (altered)";
    description = "the first result's message altered";
  } else {
    return Status(Code::kInvalidArgument, kUsage);
  }
  return std::make_pair(ledger::EncodeBlock(block), description);
}

int RunCorruptBlock(const Argv& argv) {
  auto args = Args::Parse(argv, {"data", "height", "what", "offset"}, {});
  if (!args.ok()) return UsageError(args.status().message());
  auto data = args->Get("data");
  auto height_text = args->Get("height");
  auto what = args->Get("what");
  if (!data || !height_text || !what) return UsageError(kUsage);
  std::optional<uint64_t> parsed_height = ParseDecimal<uint64_t>(*height_text);
  if (!parsed_height) return UsageError("--height must be a block height");
  const uint64_t height = *parsed_height;
  std::optional<uint64_t> offset;
  if (auto text = args->Get("offset")) {
    offset = ParseDecimal<uint64_t>(*text);
    if (!offset) return UsageError("--offset must be a byte offset");
  }
  storage::RocksOptions options;
  options.create_if_missing = false;
  auto kv = storage::RocksKvStore::Open(*data, options);
  if (!kv.ok()) return Fail(kv.status());
  Bytes key = StoredBlockKey(height);
  auto stored = (*kv)->Get(key);
  if (!stored.ok()) return Fail(stored.status());
  if (!*stored) return Fail(Status(Code::kNotFound, "no block " + std::to_string(height)));
  auto altered = Alter(std::move(**stored), *what, offset);
  if (!altered.ok()) return Fail(altered.status());
  storage::WriteBatch batch;
  batch.Put(key, altered->first);
  Status written = (*kv)->Write(batch, /*sync=*/true);
  if (!written.ok()) return Fail(written);
  std::printf("block %llu: %s\n", static_cast<unsigned long long>(height), altered->second.c_str());
  return 0;
}

}  // namespace

int RunDebug(const Argv& argv) {
  if (!argv.empty() && argv[0] == "corrupt-block")
    return RunCorruptBlock(Argv(argv.begin() + 1, argv.end()));
  return UsageError(kUsage);
}

}  // namespace covalue::cli
