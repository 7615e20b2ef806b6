// ConsensusDriver, continued: block sync and head announces (docs/spec/p2p.md §Block sync) —
// the requests, the verifier thread, applying synced blocks one per strand turn, and answering
// peers. The class and its threading are described in node/consensus_driver.h.
#include <algorithm>
#include <utility>

#include "common/log.h"
#include "node/consensus_driver.h"

namespace covalue::node {
namespace {

// A request asks for this many blocks; an answer holds about at most kSyncMaxBytes of them
// (at least one). Small answers start the pipeline soon: the first block is applied once
// its whole answer has come and been decoded (BENCHMARKS.md, change 22).
constexpr uint32_t kSyncBatch = 32;
constexpr size_t kSyncMaxBytes = 4u << 20;
// Batches verified or waiting to be applied before the next request goes out.
constexpr size_t kSyncDepth = 2;
// A sync request unanswered for this long is taken as lost (its peer may have gone).
constexpr auto kSyncStall = std::chrono::seconds(3);
// An idle node tells its peers its head this often (and each peer as it connects).
constexpr auto kAnnounceInterval = std::chrono::seconds(2);

}  // namespace

bool SyncPeerMayHaveMore(bool full, uint64_t last_answered, uint64_t last_kept,
                         uint64_t peers_height) {
  return last_kept == last_answered && (full || last_kept < peers_height);
}

void ConsensusDriver::OnSyncResponse(const crypto::PublicKey& from, SyncResponse response) {
  boost::asio::post(m_strand, [this, from, response = std::move(response)]() mutable {
    if (!m_stopped) OnSyncArrived(from, std::move(response));
  });
}

void ConsensusDriver::OnHeadAnnounce(const crypto::PublicKey& from,
                                     consensus::CommitCertificate certificate) {
  boost::asio::post(m_strand, [this, from, certificate = std::move(certificate)] {
    if (m_stopped) return;
    uint64_t height = certificate.height;
    if (height < m_engine->height()) return;  // nothing this node lacks
    if (height > m_certified_height) {
      if (!consensus::VerifyCommitCertificate(certificate, *m_validators, m_genesis.chain_id,
                                              height, certificate.block_id)
               .ok()) {
        Log(LogLevel::kWarn, "sync", "a peer announced a head whose certificate does not verify",
            {{"peer", ToHex(from)}, {"height", std::to_string(height)}});
        std::lock_guard<std::mutex> lock(m_counters_mutex);
        ++m_counters.invalid_head_announces;
        return;
      }
      m_certified_height = height;
      UpdatePeersHeight();
    }
    // A node busy at that very height is about to decide it; an idle one missed it.
    if (height > m_engine->height() || m_engine->idle()) RequestSync(m_engine->height(), &from);
  });
}

void ConsensusDriver::OnPeerConnected(const crypto::PublicKey& peer) {
  boost::asio::post(m_strand, [this, peer] {
    if (!m_stopped) AnnounceHead(&peer);
  });
}

void ConsensusDriver::AnnounceHead(const crypto::PublicKey* to) {
  if (!m_head_certificate) return;
  Bytes message = EncodePeerMessage(HeadAnnounce{*m_head_certificate});
  if (to != nullptr) {
    m_peers.Send(*to, std::move(message));
  } else {
    m_peers.Broadcast(std::move(message));
  }
}

void ConsensusDriver::ScheduleAnnounce() {
  // While a height is under way its messages tell the peers where this node is; an idle
  // network sends none, and a node that missed the last decision would wait for the next.
  After(kAnnounceInterval, [this] {
    if (m_engine->idle()) AnnounceHead(nullptr);
    ScheduleAnnounce();
  });
}

void ConsensusDriver::OnSyncArrived(const crypto::PublicKey& from, SyncResponse response) {
  m_sync_awaiting = false;
  bool full = response.blocks.size() >= kSyncBatch;
  // Keep the blocks that continue what is queued (or the current height): a late or repeated
  // answer is dropped here, before its signatures are verified.
  uint64_t next = std::max(m_sync_queued_to + 1, m_engine->height());
  std::vector<ledger::Block> blocks;
  for (auto& block : response.blocks) {
    if (block.header.height < next) continue;
    if (block.header.height != next) break;
    blocks.push_back(std::move(block));
    ++next;
  }
  if (blocks.empty()) {
    // The sync peer had nothing from there on: the pipeline does not ask it again.
    if (response.blocks.empty() && from == m_sync_peer) m_sync_more = false;
    return;
  }
  ++m_sync_batches;
  m_sync_queued_to = next - 1;
  m_sync_peer = from;
  m_sync_more = SyncPeerMayHaveMore(full, response.blocks.back().header.height,
                                    blocks.back().header.height, m_peers_height.load());
  ContinueSync();
  boost::asio::post(m_sync_verifier, [this, from, blocks = std::move(blocks)]() mutable {
    VerifySyncBatch(from, std::move(blocks));
  });
}

void ConsensusDriver::ContinueSync() {
  if (!m_sync_more || m_sync_awaiting || m_sync_batches >= kSyncDepth) return;
  SendSyncRequest(m_sync_peer, std::max(m_sync_queued_to + 1, m_engine->height()));
}

void ConsensusDriver::VerifySyncBatch(const crypto::PublicKey& from,
                                      std::vector<ledger::Block> blocks) {
  for (size_t i = 0; i < blocks.size(); ++i) {
    SyncedBlock synced{.from = from,
                       .block = std::move(blocks[i]),
                       .verified = {},
                       .certificate_checked = false,
                       .last_of_batch = i + 1 == blocks.size(),
                       .refused = false};
    const ledger::Block& block = synced.block;
    bool matches = ledger::BlockId(block.header) == block.certificate.block_id &&
                   ledger::CheckBlockBody(block).ok();
    if (!matches) {
      // It and the rest of the batch are dropped; this one goes on only to close the batch.
      Log(LogLevel::kWarn, "sync", "a peer sent a block that is not the one its certificate names",
          {{"peer", ToHex(from)}, {"height", std::to_string(block.header.height)}});
      synced.block = {};
      synced.last_of_batch = true;
      synced.refused = true;
    } else {
      // The certificate beside the transactions, so that the strand need not verify it: on a
      // chain of small blocks its signatures are most of a block's.
      synced.verified = VerifiedTxs::Check(block.txs, MempoolVerified(), &m_sync_verify_pool, [&] {
        synced.certificate_checked =
            consensus::VerifyCommitCertificate(block.certificate, *m_validators, m_genesis.chain_id,
                                               block.header.height, block.certificate.block_id)
                .ok();
      });
    }
    boost::asio::post(m_strand, [this, synced = std::move(synced)]() mutable {
      if (!m_stopped) OnSyncVerified(std::move(synced));
    });
    if (!matches) return;
  }
}

void ConsensusDriver::OnSyncVerified(SyncedBlock synced) {
  // An ApplySyncedBlock is posted exactly while blocks wait: start one if none did.
  bool waiting = !m_sync_ready.empty();
  m_sync_ready.push_back(std::move(synced));
  if (!waiting) boost::asio::post(m_strand, [this] { ApplySyncedBlock(); });
}

void ConsensusDriver::ApplySyncedBlock() {
  if (m_stopped) return;
  SyncedBlock& synced = m_sync_ready.front();
  const ledger::Block& block = synced.block;
  if (synced.refused) {
    m_sync_more = false;  // that peer is not asked again by the pipeline
    std::lock_guard<std::mutex> lock(m_counters_mutex);
    ++m_counters.invalid_synced_blocks;
  } else if (block.header.height == m_engine->height()) {  // not decided meanwhile by itself
    m_applying_synced = &synced;
    uint64_t before = m_engine->height();
    Handle(consensus::DecisionLearnt{BlockValue(block), block.certificate,
                                     synced.certificate_checked});
    m_applying_synced = nullptr;  // when the certificate did not verify, CommitDecided did not run
    if (m_engine->height() == before) {
      Log(LogLevel::kWarn, "sync", "a synced block's certificate does not verify",
          {{"peer", ToHex(synced.from)}, {"height", std::to_string(block.header.height)}});
      m_sync_more = false;
      std::lock_guard<std::mutex> lock(m_counters_mutex);
      ++m_counters.invalid_synced_blocks;
    } else {
      std::lock_guard<std::mutex> lock(m_counters_mutex);
      ++m_counters.blocks_synced;
    }
  }
  bool batch_done = synced.last_of_batch;
  m_sync_ready.pop_front();
  if (batch_done) {
    if (--m_sync_batches == 0) m_sync_queued_to = 0;
    ContinueSync();
  }
  if (!m_sync_ready.empty()) boost::asio::post(m_strand, [this] { ApplySyncedBlock(); });
}

Bytes ConsensusDriver::AnswerSync(const SyncRequest& request) const {
  // The stored bytes as they are: the receiver decodes and checks every block, and a node
  // serving a catch-up shares the cores of the one catching up (BENCHMARKS.md, change 25).
  // A block corrupt in this store is sent as it is and the receiver refuses the answer (and
  // asks elsewhere after the stall); this node finds out when it reads that block itself.
  std::vector<Bytes> blocks;
  uint64_t head = m_store.Head().height;
  uint32_t limit = std::min(request.max_blocks, kMaxSyncBlocks);
  size_t bytes = 0;
  for (uint64_t h = request.from_height; h <= head && blocks.size() < limit; ++h) {
    if (h == 0) continue;
    auto block = m_store.GetBlockBytes(h);
    if (!block.ok() || !*block) break;
    bytes += (*block)->size();
    if (bytes > kSyncMaxBytes && !blocks.empty()) break;
    blocks.push_back(std::move(**block));
  }
  return EncodeSyncResponse(blocks);
}

void ConsensusDriver::RequestSync(uint64_t from_height, const crypto::PublicKey* peer) {
  // One sync at a time: while batches are on their way or being applied the pipeline asks
  // for more itself, and an answer not yet come is waited for until it counts as lost.
  if (m_sync_batches > 0) return;
  auto now = std::chrono::steady_clock::now();
  if (m_sync_awaiting && now - m_sync_sent_at < kSyncStall) return;
  if (peer != nullptr) return SendSyncRequest(*peer, from_height);
  auto peers = m_peers.ConnectedPeers();
  if (peers.empty()) return;
  SendSyncRequest(peers[m_next_sync_peer++ % peers.size()], from_height);
}

void ConsensusDriver::SendSyncRequest(const crypto::PublicKey& peer, uint64_t from_height) {
  m_peers.Send(peer, EncodePeerMessage(SyncRequest{from_height, kSyncBatch}));
  m_sync_awaiting = true;
  m_sync_sent_at = std::chrono::steady_clock::now();
  m_sync_peer = peer;
}

}  // namespace covalue::node
