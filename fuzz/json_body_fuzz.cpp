// Fuzz target: the JSON an API client or a CLI user sends (node/json_fields.h ParseJson, the
// typed field readers, node/tx_bodies.h BodyFromJson). The input is u8 kind ‖ JSON text.
// Properties: nothing crashes or throws; a key twice is refused; a body that BodyFromJson
// accepts decodes canonically, and its JSON view (BodyToJson) reads back to the same bytes.
#include <cstdint>

#include "fuzz/fuzz_support.h"
#include "node/json_fields.h"
#include "node/tx_bodies.h"

using namespace covalue;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  auto kind = static_cast<ledger::TxKind>(1 + data[0] % ledger::kLastTxKind);
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  auto json = node::ParseJson(text, "fuzz input");
  if (!json.ok()) {
    FUZZ_CHECK(json.status().code() == Code::kMalformed, json.status().ToString());
    return 0;
  }
  if (json->is_object()) {
    for (const char* name : {"tx", "expiry_height", "content_hash", "nonce"}) {
      (void)node::StringField(*json, name);
      (void)node::UintField(*json, name);
      (void)node::UintField(*json, name, 7);
      (void)node::Hash32Field(*json, name);
    }
  }
  auto bytes = node::BodyFromJson(kind, *json);
  if (!bytes.ok()) return 0;
  auto view = node::BodyToJson(kind, *bytes);
  FUZZ_CHECK(view.ok(), "an accepted body does not decode: " + view.status().ToString());
  auto again = node::BodyFromJson(kind, *view);
  FUZZ_CHECK(again.ok() && *again == *bytes, "a body's JSON view reads back to other bytes");
  return 0;
}
