// Helpers for tests of a KvStore (node/storage/kv_store.h): read a key as text, write one
// key in a batch of its own. Header-only; each test uses them on its own store.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <catch2/catch.hpp>

#include "node/storage/kv_store.h"

namespace covalue::testing {

// The value of `key` as text, or nullopt when the key is absent; a read error fails the test.
inline std::optional<std::string> GetString(const storage::KvStore& kv, std::string_view key) {
  auto result = kv.Get(AsBytes(key));
  REQUIRE(result.ok());
  if (!result.value()) return std::nullopt;
  return std::string(AsString(*result.value()));
}

// Writes `key` = `value` as a batch of one, synced when `sync`.
inline Status PutOne(storage::KvStore& kv, std::string_view key, std::string_view value,
                     bool sync = false) {
  storage::WriteBatch batch;
  batch.Put(AsBytes(key), AsBytes(value));
  return kv.Write(batch, sync);
}

}  // namespace covalue::testing
