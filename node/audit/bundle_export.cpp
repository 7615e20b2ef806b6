#include "node/audit/bundle_export.h"

#include "node/audit/bundle_writer.h"
#include "node/genesis_file.h"

namespace covalue::audit {

Status ExportBundle(const std::string& address, const JsonFetcher& fetch, uint64_t from,
                    uint64_t to, const std::string& path) {
  COVALUE_ASSIGN_OR_RETURN(node::Json answer, fetch("/v1/genesis"));
  auto genesis_json = answer.find("genesis");
  if (genesis_json == answer.end()) {
    return Status(Code::kMalformed, "genesis answer has no 'genesis'");
  }
  COVALUE_ASSIGN_OR_RETURN(ledger::Genesis genesis, node::GenesisFromJson(*genesis_json));
  COVALUE_ASSIGN_OR_RETURN(auto source, ApiChainSource::Open(address, fetch, genesis));
  if (from == 0 || from > to || to > source->range().last) {
    return Status(Code::kInvalidArgument,
                  "export needs 1 <= from <= to <= " + std::to_string(source->range().last) +
                      " (the node's head)");
  }
  BundleInfo info;
  info.genesis = genesis;
  info.from = from;
  info.to = to;
  if (from > 1) {
    COVALUE_ASSIGN_OR_RETURN(ledger::Block anchor_block, source->ReadBlock(from - 1));
    RangeAnchor anchor{anchor_block.header, anchor_block.certificate, {}};
    COVALUE_ASSIGN_OR_RETURN(node::Json frontier,
                             fetch("/v1/log/frontier?height=" + std::to_string(from - 1)));
    auto nodes = frontier.find("nodes");
    if (nodes == frontier.end() || !nodes->is_array()) {
      return Status(Code::kMalformed, "frontier answer has no 'nodes' list");
    }
    for (const auto& entry : *nodes) {
      crypto::MerkleNode node;
      COVALUE_ASSIGN_OR_RETURN(uint64_t level, node::UintField(entry, "level"));
      COVALUE_ASSIGN_OR_RETURN(node.index, node::UintField(entry, "index"));
      COVALUE_ASSIGN_OR_RETURN(node.hash, node::Hash32Field(entry, "hash"));
      if (level > 63)
        return Status(Code::kMalformed, "frontier node level " + std::to_string(level));
      node.level = static_cast<uint8_t>(level);
      anchor.log_frontier.push_back(node);
    }
    info.anchor = std::move(anchor);
  }
  COVALUE_ASSIGN_OR_RETURN(auto writer, BundleWriter::Create(path, info));
  for (uint64_t height = from; height <= to; ++height) {
    COVALUE_ASSIGN_OR_RETURN(ledger::Block block, source->ReadBlock(height));
    COVALUE_RETURN_IF_ERROR(writer->Append(block));
  }
  return writer->Finish();
}

}  // namespace covalue::audit
