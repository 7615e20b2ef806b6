#include "node/audit/bundle_format.h"

#include "codec/reader.h"
#include "codec/writer.h"

namespace covalue::audit {

Bytes EncodeBundleRange(const BundleInfo& info) {
  codec::Writer w;
  w.U64(info.from);
  w.U64(info.to);
  w.Bool(info.anchor.has_value());
  if (info.anchor) {
    w.Raw(ledger::EncodeBlockHeader(info.anchor->header));
    consensus::EncodeCommitCertificate(w, info.anchor->certificate);
    w.Count(info.anchor->log_frontier.size());
    for (const auto& node : info.anchor->log_frontier) {
      w.U8(node.level);
      w.U64(node.index);
      w.Hash(node.hash);
    }
  }
  return std::move(w).Take();
}

Status DecodeBundleRange(ByteView bytes, BundleInfo* info) {
  codec::Reader r(bytes);
  COVALUE_RETURN_IF_ERROR(r.U64(&info->from));
  COVALUE_RETURN_IF_ERROR(r.U64(&info->to));
  bool has_anchor = false;
  COVALUE_RETURN_IF_ERROR(r.Bool(&has_anchor));
  if (has_anchor) {
    RangeAnchor anchor;
    COVALUE_RETURN_IF_ERROR(ledger::DecodeBlockHeader(r, &anchor.header));
    COVALUE_RETURN_IF_ERROR(consensus::DecodeCommitCertificate(r, &anchor.certificate));
    uint32_t count = 0;
    COVALUE_RETURN_IF_ERROR(r.Count(&count, 64, 1 + 8 + 32));  // one node per bit of the size
    anchor.log_frontier.resize(count);
    for (auto& node : anchor.log_frontier) {
      COVALUE_RETURN_IF_ERROR(r.U8(&node.level));
      COVALUE_RETURN_IF_ERROR(r.U64(&node.index));
      COVALUE_RETURN_IF_ERROR(r.Hash(&node.hash));
    }
    info->anchor = std::move(anchor);
  }
  return r.Finish();
}

Status CheckBundleInfo(const BundleInfo& info) {
  if (info.from == 0 || info.from > info.to) {
    return Status(Code::kInvalidArgument, "a bundle holds blocks from..to with 1 <= from <= to");
  }
  if ((info.from > 1) != info.anchor.has_value() ||
      (info.anchor && info.anchor->header.height != info.from - 1)) {
    return Status(Code::kInvalidArgument,
                  "a bundle from block F > 1 holds block F-1 as its anchor, and only then");
  }
  return Status::Ok();
}

}  // namespace covalue::audit
