#include "node/audit/chain_source.h"

namespace covalue::audit {

Status CheckHeldHeight(uint64_t height, const ledger::Block& block) {
  if (block.header.height == height) return Status::Ok();
  return Status(Code::kCorruption, "block " + std::to_string(height) +
                                       ": the bytes held for it are block " +
                                       std::to_string(block.header.height));
}

Result<ledger::Block> DecodeBlockAt(uint64_t height, ByteView bytes) {
  auto block = ledger::DecodeBlock(bytes);
  if (!block.ok()) {
    return Status(Code::kCorruption, "block " + std::to_string(height) +
                                         ": its bytes do not decode: " + block.status().message());
  }
  COVALUE_RETURN_IF_ERROR(CheckHeldHeight(height, *block));
  return std::move(block).value();
}

}  // namespace covalue::audit
