// Byte strings and fixed-size hashes/keys, with hex conversion for people (JSON, logs, CLI).
// Value types; thread-compatible.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace covalue {

using Bytes = std::vector<uint8_t>;
using ByteView = std::span<const uint8_t>;

// A 32-byte value: SHA-256 digests, block and transaction ids, Ed25519 public keys.
using Hash32 = std::array<uint8_t, 32>;

inline ByteView AsBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
inline std::string_view AsString(ByteView b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

// The order of byte strings that stores and their iterators keep (RocksDB's bytewise
// comparator): memcmp over the common length, then the shorter first. <0, 0 or >0.
int CompareBytes(ByteView a, ByteView b);

// The value of one hex digit (either case), or -1.
int HexDigitValue(char c);
// Lower-case hex.
std::string ToHex(ByteView data);
// Accepts upper or lower case; fails on odd length or a non-hex character.
Result<Bytes> FromHex(std::string_view hex);
// Exactly 64 hex characters.
Result<Hash32> Hash32FromHex(std::string_view hex);

}  // namespace covalue
