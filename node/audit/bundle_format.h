// The audit bundle's format (docs/spec/audit-bundle.md), shared by BundleWriter
// (bundle_writer.h) and BundleChainSource (bundle_chain_source.h): the magic, the version,
// the frame limit, what a bundle holds besides its blocks (BundleInfo) and the encoding of
// its range frame. Plain data and pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "common/bytes.h"
#include "common/status.h"
#include "ledger/genesis.h"
#include "node/audit/chain_verifier.h"

namespace covalue::audit {

inline constexpr std::string_view kBundleMagic = "covalue-audit-bundle";
inline constexpr uint16_t kBundleVersion = 1;
// The largest frame (a block, the genesis document, the range); above every block limit.
inline constexpr uint32_t kMaxBundleFrame = 64u << 20;

// What a bundle holds besides its blocks.
struct BundleInfo {
  ledger::Genesis genesis;
  uint64_t from = 1;
  uint64_t to = 0;
  std::optional<RangeAnchor> anchor;  // exactly when from > 1: block from−1
};

// range = u64 from ‖ u64 to ‖ bool has_anchor
//         ‖ [header ‖ certificate ‖ u32 count ‖ (u8 level ‖ u64 index ‖ hash32)^count]
// (the genesis is a frame of its own and is not touched by these).
Bytes EncodeBundleRange(const BundleInfo& info);
Status DecodeBundleRange(ByteView bytes, BundleInfo* info);
// kInvalidArgument unless 1 <= from <= to and the anchor is there exactly when from > 1 (and
// is block from−1).
Status CheckBundleInfo(const BundleInfo& info);

}  // namespace covalue::audit
