// Building blocks of the store's keys (docs/spec/storage.md §Keys and values), shared by
// ChainStore and the indexes written with each block (node/chain_indexes.h): an ASCII
// prefix followed by big-endian numbers, so that bytewise key order is numeric order.
// Pure inline functions; thread-safe.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string_view>

#include "common/bytes.h"

namespace covalue::node::keys {

// Appends the low `width` bytes of `v`, most significant first.
inline void AppendBigEndian(Bytes& out, uint64_t v, int width) {
  for (int i = width - 1; i >= 0; --i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

// The `width`-byte big-endian number at `offset` (the caller checked the size).
inline uint64_t ReadBigEndian(ByteView in, size_t offset, int width) {
  uint64_t v = 0;
  for (int i = 0; i < width; ++i) v = v << 8 | in[offset + i];
  return v;
}

// prefix ‖ rest, allocated once.
inline Bytes Key(std::string_view prefix, ByteView rest = {}) {
  Bytes key(prefix.size() + rest.size());
  std::copy(prefix.begin(), prefix.end(), key.begin());
  std::copy(rest.begin(), rest.end(), key.begin() + static_cast<std::ptrdiff_t>(prefix.size()));
  return key;
}

inline bool HasPrefix(ByteView key, ByteView prefix) {
  return key.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), key.begin());
}

}  // namespace covalue::node::keys
