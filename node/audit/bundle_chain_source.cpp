#include "node/audit/bundle_chain_source.h"

#include "node/genesis_file.h"
#include "node/json_fields.h"

namespace covalue::audit {

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
  Status decoded = DecodeBundleRange(range, &source->m_info);
  if (!decoded.ok()) return Status(Code::kMalformed, "the bundle's range: " + decoded.message());
  Status valid = CheckBundleInfo(source->m_info);
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

}  // namespace covalue::audit
