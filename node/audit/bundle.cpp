#include "node/audit/bundle.h"

#include <cstdio>
#include <filesystem>

#include "codec/reader.h"
#include "codec/writer.h"
#include "node/genesis_file.h"

namespace covalue::audit {
namespace {

// range = u64 from ‖ u64 to ‖ bool has_anchor
//         ‖ [header ‖ certificate ‖ count ‖ (u8 level ‖ u64 index ‖ hash32)*]
Bytes EncodeRange(const BundleInfo& info) {
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

Status DecodeRange(ByteView bytes, BundleInfo* info) {
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

Status CheckInfo(const BundleInfo& info) {
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

void PutU32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
}

}  // namespace

// --- BundleWriter -------------------------------------------------------------------------

Result<std::unique_ptr<BundleWriter>> BundleWriter::Create(const std::string& path,
                                                           const BundleInfo& info) {
  COVALUE_RETURN_IF_ERROR(CheckInfo(info));
  std::unique_ptr<BundleWriter> writer(new BundleWriter(path, info.from, info.to));
  writer->m_out.open(path + ".part", std::ios::binary | std::ios::trunc);
  if (!writer->m_out) return Status(Code::kIoError, "cannot write " + path + ".part");
  std::string prefix(kBundleMagic);
  prefix.push_back(static_cast<char>(kBundleVersion & 0xff));
  prefix.push_back(static_cast<char>(kBundleVersion >> 8));
  writer->m_out.write(prefix.data(), static_cast<std::streamsize>(prefix.size()));
  COVALUE_RETURN_IF_ERROR(writer->WriteFrame(AsBytes(node::GenesisToJson(info.genesis).dump())));
  COVALUE_RETURN_IF_ERROR(writer->WriteFrame(EncodeRange(info)));
  return writer;
}

BundleWriter::~BundleWriter() {
  if (!m_finished) {
    m_out.close();
    std::error_code ignored;
    std::filesystem::remove(m_path + ".part", ignored);
  }
}

Status BundleWriter::WriteFrame(ByteView payload) {
  if (payload.size() > kMaxBundleFrame) {
    return Status(Code::kTooLarge,
                  "a bundle frame of " + std::to_string(payload.size()) + " bytes");
  }
  std::string length;
  PutU32(length, static_cast<uint32_t>(payload.size()));
  m_out.write(length.data(), 4);
  m_out.write(reinterpret_cast<const char*>(payload.data()),
              static_cast<std::streamsize>(payload.size()));
  if (!m_out) return Status(Code::kIoError, "writing " + m_path + ".part failed");
  return Status::Ok();
}

Status BundleWriter::Append(const ledger::Block& block) {
  if (m_next > m_to || block.header.height != m_next) {
    return Status(Code::kInvalidArgument, "bundle expects block " + std::to_string(m_next) +
                                              ", not " + std::to_string(block.header.height));
  }
  COVALUE_RETURN_IF_ERROR(WriteFrame(ledger::EncodeBlock(block)));
  ++m_next;
  return Status::Ok();
}

Status BundleWriter::Finish() {
  if (m_next != m_to + 1) {
    return Status(Code::kFailedPrecondition, "bundle is missing blocks " + std::to_string(m_next) +
                                                 ".." + std::to_string(m_to));
  }
  m_out.flush();
  m_out.close();
  if (!m_out) return Status(Code::kIoError, "writing " + m_path + ".part failed");
  std::error_code error;
  std::filesystem::rename(m_path + ".part", m_path, error);
  if (error)
    return Status(Code::kIoError,
                  "cannot rename the bundle into " + m_path + ": " + error.message());
  m_finished = true;
  return Status::Ok();
}

// --- BundleChainSource --------------------------------------------------------------------

Result<Bytes> BundleChainSource::ReadFrame(const std::string& what) {
  unsigned char length_bytes[4];
  if (!m_in.read(reinterpret_cast<char*>(length_bytes), 4)) {
    return Status(Code::kMalformed, "the bundle ends before " + what);
  }
  uint32_t length = 0;
  for (int i = 3; i >= 0; --i) length = length << 8 | length_bytes[i];
  if (length > kMaxBundleFrame) {
    return Status(Code::kMalformed, "the bundle's frame for " + what + " claims " +
                                        std::to_string(length) + " bytes");
  }
  Bytes payload(length);
  if (!m_in.read(reinterpret_cast<char*>(payload.data()), length)) {
    return Status(Code::kMalformed, "the bundle ends inside " + what);
  }
  return payload;
}

Result<std::unique_ptr<BundleChainSource>> BundleChainSource::Open(const std::string& path) {
  std::unique_ptr<BundleChainSource> source(new BundleChainSource(path));
  source->m_in.open(path, std::ios::binary);
  if (!source->m_in) return Status(Code::kNotFound, "cannot open bundle " + path);
  std::string prefix(kBundleMagic.size() + 2, '\0');
  if (!source->m_in.read(prefix.data(), static_cast<std::streamsize>(prefix.size())) ||
      prefix.substr(0, kBundleMagic.size()) != kBundleMagic) {
    return Status(Code::kMalformed, path + " is not an audit bundle");
  }
  uint16_t version =
      static_cast<uint8_t>(prefix[kBundleMagic.size()]) |
      static_cast<uint16_t>(static_cast<uint8_t>(prefix[kBundleMagic.size() + 1]) << 8);
  if (version != kBundleVersion) {
    return Status(Code::kUnsupportedVersion, "audit bundle version " + std::to_string(version));
  }
  COVALUE_ASSIGN_OR_RETURN(Bytes genesis_text, source->ReadFrame("the genesis"));
  auto genesis_json = node::ParseJson(AsString(genesis_text), "the bundle's genesis");
  if (!genesis_json.ok()) return Status(Code::kMalformed, genesis_json.status().message());
  auto genesis = node::GenesisFromJson(*genesis_json);
  if (!genesis.ok())
    return Status(Code::kMalformed, "the bundle's genesis: " + genesis.status().message());
  COVALUE_ASSIGN_OR_RETURN(Bytes range, source->ReadFrame("the range"));
  Status decoded = DecodeRange(range, &source->m_info);
  if (!decoded.ok()) return Status(Code::kMalformed, "the bundle's range: " + decoded.message());
  Status valid = CheckInfo(source->m_info);
  if (!valid.ok()) return Status(Code::kMalformed, "the bundle's range: " + valid.message());
  source->m_info.genesis = std::move(genesis).value();
  source->m_range.first = source->m_info.from;
  source->m_range.last = source->m_info.to;
  return source;
}

Result<ledger::Block> BundleChainSource::ReadBlock(uint64_t height) {
  std::string name = "block " + std::to_string(height);
  auto frame = ReadFrame(name);
  if (!frame.ok()) return Status(frame.status().code(), name + ": " + frame.status().message());
  COVALUE_ASSIGN_OR_RETURN(ledger::Block block, DecodeBlockAt(height, *frame));
  if (height == m_range.last && m_in.peek() != std::char_traits<char>::eof()) {
    return Status(Code::kMalformed, name + ": the bundle goes on after its last block");
  }
  return block;
}

// --- ExportBundle -------------------------------------------------------------------------

Status ExportBundle(const std::string& address, const JsonFetcher& fetch, uint64_t from,
                    uint64_t to, const std::string& path) {
  COVALUE_ASSIGN_OR_RETURN(node::Json answer, fetch("/v1/genesis"));
  if (!answer.contains("genesis"))
    return Status(Code::kMalformed, "genesis answer has no 'genesis'");
  COVALUE_ASSIGN_OR_RETURN(ledger::Genesis genesis, node::GenesisFromJson(answer["genesis"]));
  COVALUE_ASSIGN_OR_RETURN(auto source, ApiChainSource::Open(address, fetch, genesis));
  if (from == 0 || from > to || to > source->range().last) {
    return Status(Code::kInvalidArgument,
                  "export needs 1 <= from <= to <= " + std::to_string(source->range().last) +
                      " (the node's head)");
  }
  BundleInfo info;
  info.genesis = genesis;
  info.from = from;
  info.to = to;
  if (from > 1) {
    COVALUE_ASSIGN_OR_RETURN(ledger::Block anchor_block, source->ReadBlock(from - 1));
    RangeAnchor anchor{anchor_block.header, anchor_block.certificate, {}};
    COVALUE_ASSIGN_OR_RETURN(node::Json frontier,
                             fetch("/v1/log/frontier?height=" + std::to_string(from - 1)));
    if (!frontier.contains("nodes") || !frontier["nodes"].is_array()) {
      return Status(Code::kMalformed, "frontier answer has no 'nodes' list");
    }
    for (const auto& entry : frontier["nodes"]) {
      crypto::MerkleNode node;
      COVALUE_ASSIGN_OR_RETURN(uint64_t level, node::UintField(entry, "level"));
      COVALUE_ASSIGN_OR_RETURN(node.index, node::UintField(entry, "index"));
      COVALUE_ASSIGN_OR_RETURN(node.hash, node::Hash32Field(entry, "hash"));
      if (level > 63)
        return Status(Code::kMalformed, "frontier node level " + std::to_string(level));
      node.level = static_cast<uint8_t>(level);
      anchor.log_frontier.push_back(node);
    }
    info.anchor = std::move(anchor);
  }
  COVALUE_ASSIGN_OR_RETURN(auto writer, BundleWriter::Create(path, info));
  for (uint64_t height = from; height <= to; ++height) {
    COVALUE_ASSIGN_OR_RETURN(ledger::Block block, source->ReadBlock(height));
    COVALUE_RETURN_IF_ERROR(writer->Append(block));
  }
  return writer->Finish();
}

}  // namespace covalue::audit
