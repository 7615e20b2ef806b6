// Fuzz target: transaction decoding (ledger::DecodeTransaction) and every body decoder
// (contracts/body_types.h WithBodyType + DecodeFields). The input is tried as a whole
// transaction and, for every kind, as that kind's body. Properties: nothing crashes; what
// decodes re-encodes to the same bytes (the encoding is canonical); a decoded body goes to
// JSON and back (node/tx_bodies.h) to the same bytes; the API's view of a transaction
// serializes.
#include <cstdint>

#include "contracts/body_types.h"
#include "fuzz/fuzz_support.h"
#include "node/json_views.h"
#include "node/tx_bodies.h"

using namespace covalue;

namespace {

void CheckBody(ledger::TxKind kind, ByteView body) {
  contracts::WithBodyType(kind, [&](auto type) {
    using Body = typename decltype(type)::type;
    if constexpr (!std::is_void_v<Body>) {
      auto decoded = contracts::DecodeFields<Body>(body);
      if (!decoded.ok()) return;
      FUZZ_CHECK(contracts::EncodeFields(*decoded) == Bytes(body.begin(), body.end()),
                 "a body re-encodes to other bytes");
      auto json = node::BodyToJson(kind, body);
      FUZZ_CHECK(json.ok(), json.status().ToString());
      auto back = node::BodyFromJson(kind, *json);
      FUZZ_CHECK(back.ok(), "body JSON refused: " + back.status().ToString() + " " + json->dump());
      FUZZ_CHECK(*back == Bytes(body.begin(), body.end()), "body JSON round trip changed the bytes");
    }
  });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ByteView input(data, size);
  for (uint16_t kind = 1; kind <= ledger::kLastTxKind; ++kind) {
    CheckBody(static_cast<ledger::TxKind>(kind), input);
  }
  auto tx = ledger::DecodeTransaction(input);
  if (!tx.ok()) return 0;
  FUZZ_CHECK(ledger::EncodeTransaction(*tx) == Bytes(input.begin(), input.end()),
             "a transaction re-encodes to other bytes");
  (void)ledger::TxId(*tx);
  (void)ledger::VerifyTransactionSignatures(*tx);
  (void)node::TransactionToJson(*tx).dump(-1, ' ', false, node::Json::error_handler_t::replace);
  CheckBody(tx->kind, tx->body);
  return 0;
}
