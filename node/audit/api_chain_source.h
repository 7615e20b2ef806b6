// ApiChainSource: a ChainSource over a node's HTTP API. /v1/status gives the genesis hash and
// the head (pinned when opened, so a live node may go on committing); GET
// /v1/blocks/{height}/encoded?count=N gives the blocks' exact bytes, fetched in batches.
// Nothing the node answers is trusted: a batch must hold the heights asked for, in order, as
// hex, and every block is then checked by ChainVerifier. The source owns its fetcher (a copy)
// and the current batch. Thread-compatible: one thread at a time.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>

#include "ledger/genesis.h"
#include "node/audit/chain_source.h"
#include "node/json_fields.h"

namespace covalue::audit {

// GET `target` on a node's API and its JSON answer; an error answer becomes its Status
// (the CLI's NodeClient::Get, or a test's fake).
using JsonFetcher = std::function<Result<node::Json>(const std::string& target)>;

class ApiChainSource final : public ChainSource {
 public:
  // Reads /v1/status: kConflict if the node's genesis hash is not the auditor's, kMalformed
  // (or the field's code) if its head fields are missing or mistyped.
  static Result<std::unique_ptr<ApiChainSource>> Open(std::string address, JsonFetcher fetch,
                                                      const ledger::Genesis& genesis);

  std::string Describe() const override { return "node " + m_address; }
  const SourceRange& range() const override { return m_range; }
  // kNotFound "block H: the node did not send it"; kMalformed "block H: …" when the node's
  // batch holds another height where H was due, is not hex, or holds more blocks than asked.
  Result<ledger::Block> ReadBlock(uint64_t height) override;

  // Blocks asked for per request (the node may answer with fewer).
  static constexpr uint64_t kBatch = 100;

 private:
  ApiChainSource(std::string address, JsonFetcher fetch)
      : m_address(std::move(address)), m_fetch(std::move(fetch)) {}
  // Fetches the batch from `height` into m_fetched. A fault in the answer is queued at the
  // height it concerns, after the entries before it, so earlier blocks are checked first.
  Status FetchFrom(uint64_t height);

  std::string m_address;
  JsonFetcher m_fetch;
  SourceRange m_range;
  // (height, encoded block or what is wrong with it), in increasing height order.
  std::deque<std::pair<uint64_t, Result<Bytes>>> m_fetched;
};

// A /v1/status answer's head fields as a ChainHead (for the claimed head).
Result<node::ChainHead> ChainHeadFromStatus(const node::Json& status);

}  // namespace covalue::audit
