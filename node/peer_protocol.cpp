#include "node/peer_protocol.h"

namespace covalue::node {
namespace {

enum : uint8_t { kConsensus = 1, kTxs = 2, kSyncRequest = 3, kSyncResponse = 4, kHead = 5 };
constexpr uint32_t kMaxBlockBytes = 32u << 20;

void WriteSyncResponse(codec::Writer& w, const std::vector<Bytes>& encoded_blocks) {
  w.U8(kSyncResponse);
  w.Count(encoded_blocks.size());
  for (const Bytes& block : encoded_blocks) w.Bytes(block);
}

}  // namespace

Bytes EncodeSyncResponse(const std::vector<Bytes>& encoded_blocks) {
  codec::Writer w;
  WriteSyncResponse(w, encoded_blocks);
  return std::move(w).Take();
}

Bytes EncodePeerMessage(const PeerMessage& message) {
  codec::Writer w;
  std::visit(
      [&](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, ConsensusPayload>) {
          w.U8(kConsensus);
          w.Bytes(consensus::EncodeMessage(m.message));
        } else if constexpr (std::is_same_v<T, TxGossip>) {
          w.U8(kTxs);
          w.Count(m.txs.size());
          for (const auto& tx : m.txs) ledger::EncodeTransaction(w, tx);
        } else if constexpr (std::is_same_v<T, SyncRequest>) {
          w.U8(kSyncRequest);
          w.U64(m.from_height);
          w.U32(m.max_blocks);
        } else if constexpr (std::is_same_v<T, SyncResponse>) {
          std::vector<Bytes> encoded;
          encoded.reserve(m.blocks.size());
          for (const auto& block : m.blocks) encoded.push_back(ledger::EncodeBlock(block));
          WriteSyncResponse(w, encoded);
        } else {
          w.U8(kHead);
          consensus::EncodeCommitCertificate(w, m.certificate);
        }
      },
      message);
  return std::move(w).Take();
}

Result<PeerMessage> DecodePeerMessage(ByteView bytes) {
  codec::Reader r(bytes);
  uint8_t type = 0;
  COVALUE_RETURN_IF_ERROR(r.U8(&type));
  PeerMessage message;
  switch (type) {
    case kConsensus: {
      Bytes inner;
      COVALUE_RETURN_IF_ERROR(r.Bytes(&inner, consensus::kMaxValueBytes + 4096));
      COVALUE_ASSIGN_OR_RETURN(auto decoded, consensus::DecodeMessage(inner));
      message = ConsensusPayload{std::move(decoded)};
      break;
    }
    case kTxs: {
      uint32_t count = 0;
      COVALUE_RETURN_IF_ERROR(r.Count(&count, kMaxGossipTxs, 64));
      TxGossip gossip;
      gossip.txs.resize(count);
      for (auto& tx : gossip.txs) COVALUE_RETURN_IF_ERROR(ledger::DecodeTransaction(r, &tx));
      message = std::move(gossip);
      break;
    }
    case kSyncRequest: {
      SyncRequest request;
      COVALUE_RETURN_IF_ERROR(r.U64(&request.from_height));
      COVALUE_RETURN_IF_ERROR(r.U32(&request.max_blocks));
      message = request;
      break;
    }
    case kSyncResponse: {
      uint32_t count = 0;
      COVALUE_RETURN_IF_ERROR(r.Count(&count, kMaxSyncBlocks, 4));
      SyncResponse response;
      for (uint32_t i = 0; i < count; ++i) {
        Bytes encoded;
        COVALUE_RETURN_IF_ERROR(r.Bytes(&encoded, kMaxBlockBytes));
        COVALUE_ASSIGN_OR_RETURN(auto block, ledger::DecodeBlock(encoded));
        response.blocks.push_back(std::move(block));
      }
      message = std::move(response);
      break;
    }
    case kHead: {
      HeadAnnounce head;
      COVALUE_RETURN_IF_ERROR(consensus::DecodeCommitCertificate(r, &head.certificate));
      message = std::move(head);
      break;
    }
    default:
      return Status(Code::kUnknownEnum, "unknown peer message type " + std::to_string(type));
  }
  COVALUE_RETURN_IF_ERROR(r.Finish());
  return message;
}

}  // namespace covalue::node
