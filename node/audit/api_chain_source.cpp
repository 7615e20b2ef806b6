#include "node/audit/api_chain_source.h"

#include <algorithm>

namespace covalue::audit {

Result<node::ChainHead> ChainHeadFromStatus(const node::Json& status) {
  node::ChainHead head;
  COVALUE_ASSIGN_OR_RETURN(head.height, node::UintField(status, "height"));
  COVALUE_ASSIGN_OR_RETURN(head.block_id, node::Hash32Field(status, "block_id"));
  auto time = status.find("time_ms");
  if (time == status.end() || !time->is_number_integer()) {
    return Status(Code::kMalformed, "status: field 'time_ms' must be an integer");
  }
  head.time_ms = time->get<int64_t>();
  COVALUE_ASSIGN_OR_RETURN(head.state_root, node::Hash32Field(status, "state_root"));
  COVALUE_ASSIGN_OR_RETURN(head.log_size, node::UintField(status, "log_size"));
  COVALUE_ASSIGN_OR_RETURN(head.log_root, node::Hash32Field(status, "log_root"));
  return head;
}

Result<std::unique_ptr<ApiChainSource>> ApiChainSource::Open(std::string address, JsonFetcher fetch,
                                                             const ledger::Genesis& genesis) {
  std::unique_ptr<ApiChainSource> source(new ApiChainSource(std::move(address), std::move(fetch)));
  COVALUE_ASSIGN_OR_RETURN(node::Json status, source->m_fetch("/v1/status"));
  COVALUE_ASSIGN_OR_RETURN(Hash32 genesis_hash, node::Hash32Field(status, "genesis_hash"));
  if (genesis_hash != ledger::GenesisHash(genesis)) {
    return Status(Code::kConflict, "node " + source->m_address +
                                       " serves the chain of another genesis (" +
                                       ToHex(genesis_hash) + ")");
  }
  COVALUE_ASSIGN_OR_RETURN(node::ChainHead head, ChainHeadFromStatus(status));
  source->m_range.first = 1;
  source->m_range.last = head.height;
  source->m_range.claimed_head = head;
  return source;
}

Status ApiChainSource::FetchFrom(uint64_t height) {
  const std::string name = "block " + std::to_string(height) + ": ";
  const uint64_t count = std::min(kBatch, m_range.last >= height ? m_range.last - height + 1 : 1);
  const std::string target =
      "/v1/blocks/" + std::to_string(height) + "/encoded?count=" + std::to_string(count);
  auto answer = m_fetch(target);
  if (!answer.ok()) {
    return Status(answer.status().code(),
                  name + "GET " + target + " failed: " + answer.status().message());
  }
  auto blocks = answer->find("blocks");
  if (!answer->is_object() || blocks == answer->end() || !blocks->is_array()) {
    return Status(Code::kMalformed,
                  name + "the node's answer to GET " + target + " has no 'blocks' list");
  }
  if (blocks->size() > count) {
    return Status(Code::kMalformed, name + "the node sent " + std::to_string(blocks->size()) +
                                        " blocks, more than the " + std::to_string(count) +
                                        " asked for");
  }
  uint64_t due = height;
  for (const auto& entry : *blocks) {
    const std::string due_name = "block " + std::to_string(due) + ": ";
    auto at = node::UintField(entry, "height");
    if (!at.ok()) {
      m_fetched.emplace_back(due, Status(Code::kMalformed, due_name + "the node's entry for it " +
                                                               at.status().message()));
      return Status::Ok();
    }
    if (*at != due) {
      m_fetched.emplace_back(
          due, Status(Code::kMalformed, due_name + "the node sent block " + std::to_string(*at) +
                                            " where this block was due"));
      return Status::Ok();
    }
    auto hex = node::StringField(entry, "block");
    if (!hex.ok()) {
      m_fetched.emplace_back(due, Status(Code::kMalformed, due_name + "the node's entry for it " +
                                                               hex.status().message()));
      return Status::Ok();
    }
    auto bytes = FromHex(*hex);
    if (!bytes.ok()) {
      m_fetched.emplace_back(due, Status(Code::kMalformed, due_name + "its bytes are not hex"));
      return Status::Ok();
    }
    m_fetched.emplace_back(due, std::move(bytes).value());
    ++due;
  }
  return Status::Ok();
}

Result<ledger::Block> ApiChainSource::ReadBlock(uint64_t height) {
  while (!m_fetched.empty() && m_fetched.front().first < height) m_fetched.pop_front();
  if (m_fetched.empty()) COVALUE_RETURN_IF_ERROR(FetchFrom(height));
  if (m_fetched.empty() || m_fetched.front().first != height) {
    return Status(Code::kNotFound,
                  "block " + std::to_string(height) + ": the node did not send it");
  }
  Result<Bytes> bytes = std::move(m_fetched.front().second);
  m_fetched.pop_front();
  if (!bytes.ok()) {
    m_fetched.clear();  // nothing after a faulty entry was kept
    return bytes.status();
  }
  return DecodeBlockAt(height, *bytes);
}

}  // namespace covalue::audit
