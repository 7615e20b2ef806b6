// Fuzz target: what a peer sends once a link is up (node/peer_protocol.h DecodePeerMessage):
// consensus messages, gossiped transactions, sync requests and sync responses with whole
// blocks (header, transactions, results, commit certificate). Properties: nothing crashes;
// what decodes re-encodes to the same bytes; a decoded block renders as the API's JSON.
#include <cstdint>

#include "consensus/validator_set.h"
#include "fuzz/fuzz_support.h"
#include "node/json_views.h"
#include "node/peer_protocol.h"

using namespace covalue;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const consensus::ValidatorSet validators =
      std::move(consensus::ValidatorSet::Create(fuzz::FuzzGenesis().validators)).value();
  ByteView input(data, size);
  auto message = node::DecodePeerMessage(input);
  if (!message.ok()) return 0;
  FUZZ_CHECK(node::EncodePeerMessage(*message) == Bytes(input.begin(), input.end()),
             "a peer message re-encodes to other bytes");
  if (const auto* sync = std::get_if<node::SyncResponse>(&*message)) {
    for (const auto& block : sync->blocks) {
      (void)ledger::BlockId(block.header);
      (void)node::BlockToJson(block, validators).dump(-1, ' ', false,
                                                      node::Json::error_handler_t::replace);
    }
  }
  return 0;
}
