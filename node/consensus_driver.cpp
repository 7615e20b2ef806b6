#include "node/consensus_driver.h"

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <utility>

#include "common/log.h"

namespace covalue::node {
namespace {

constexpr uint32_t kSyncBatch = 32;
constexpr size_t kSyncMaxBytes = 16u << 20;
// Batches verified or waiting to be applied before the next request goes out.
constexpr size_t kSyncDepth = 2;
// A sync request unanswered for this long is taken as lost (its peer may have gone).
constexpr auto kSyncStall = std::chrono::seconds(3);
// An idle node tells its peers its head this often (and each peer as it connects).
constexpr auto kAnnounceInterval = std::chrono::seconds(2);
// The WAL of one height holds at most this many messages (a stalled height keeps going
// without it; the log only speeds up recovery).
constexpr uint64_t kMaxWalEntriesPerHeight = 20000;
// A proposal whose block time is further ahead of this node's clock is refused.
constexpr int64_t kMaxClockDriftMs = 30000;

// A node that cannot make its safety state or a decided block durable must not go on: it
// could sign against a state it forgot, or answer from a chain it did not store. Crashing
// hands recovery to the restart path, which is tested.
[[noreturn]] void Fatal(std::string_view what, const Status& status) {
  Log(LogLevel::kError, "consensus", "fatal: stopping the process",
      {{"what", std::string(what)}, {"error", status.ToString()}});
  std::abort();
}

}  // namespace

ConsensusDriver::ConsensusDriver(boost::asio::io_context& io, ChainStore& store, Mempool& mempool,
                                 const ledger::Genesis& genesis, const crypto::KeyPair& key,
                                 const Clock& clock, PeerSender& peers,
                                 consensus::EngineConfig config, DriverHooks hooks)
    : m_strand(boost::asio::make_strand(io)),
      m_store(store),
      m_mempool(mempool),
      m_genesis(genesis),
      m_key(key),
      m_clock(clock),
      m_peers(peers),
      m_config(std::move(config)),
      m_hooks(std::move(hooks)) {}

Status ConsensusDriver::Start() {
  COVALUE_ASSIGN_OR_RETURN(auto validators, consensus::ValidatorSet::Create(m_genesis.validators));
  COVALUE_ASSIGN_OR_RETURN(auto claimants, consensus::ValidatorSet::Create(m_genesis.validators));
  m_claims.assign(claimants.size(), 0);
  m_validators.emplace(std::move(claimants));
  COVALUE_ASSIGN_OR_RETURN(auto safety, m_store.LoadSafetyState());
  uint64_t height = m_store.Head().height + 1;
  COVALUE_ASSIGN_OR_RETURN(auto wal, m_store.ReadConsensusWal(height));
  if (height > 1) {
    COVALUE_ASSIGN_OR_RETURN(auto head_block, m_store.GetBlock(height - 1));
    if (!head_block) return Status(Code::kCorruption, "the head block is missing from the store");
    m_head_certificate = head_block->certificate;
  }
  m_engine = std::make_unique<consensus::Engine>(m_config, std::move(validators), m_key, height,
                                                 safety.value_or(consensus::SafetyState{}));
  boost::asio::post(m_strand, [this, wal = std::move(wal)] {
    Run(m_engine->Start());
    // Messages received for this height before a restart, in the order they came (not
    // logged again).
    m_replaying_wal = true;
    for (const auto& bytes : wal) {
      auto message = consensus::DecodeMessage(bytes);
      if (!message.ok()) continue;
      if (const auto* p = std::get_if<consensus::Proposal>(&*message)) {
        Handle(consensus::ProposalReceived{*p});
      } else {
        Handle(consensus::VoteReceived{std::get<consensus::Vote>(*message)});
      }
    }
    m_replaying_wal = false;
    if (m_mempool.size() > 0) Handle(consensus::TxsAvailable{});
    ScheduleAnnounce();
  });
  return Status::Ok();
}

void ConsensusDriver::Stop() {
  boost::asio::post(m_strand, [this] {
    m_stopped = true;
    for (const auto& timer : m_timers) timer->cancel();
    m_timers.clear();
  });
}

void ConsensusDriver::OnConsensusMessage(consensus::Message message) {
  boost::asio::post(m_strand, [this, message = std::move(message)] {
    if (m_stopped) return;
    NoteHeightClaim(message);
    if (const auto* p = std::get_if<consensus::Proposal>(&message)) {
      // The proposal signs only the block id: make sure these bytes are the block that id
      // names before the engine keeps them (a peer could relay a signed proposal with
      // another body; the engine keeps the first copy it sees). Every copy is checked:
      // copies with one id may carry different bytes.
      auto block = DecodeBlockValue(p->value);
      if (!block.ok() || ledger::BlockId(block->header) != p->value_id ||
          !ledger::CheckBlockBody(*block).ok()) {
        std::lock_guard<std::mutex> lock(m_counters_mutex);
        ++m_counters.invalid_proposals;
        return;
      }
      Handle(consensus::ProposalReceived{*p});
    } else {
      Handle(consensus::VoteReceived{std::get<consensus::Vote>(message)});
    }
  });
}

void ConsensusDriver::OnTxsAvailable() {
  boost::asio::post(m_strand, [this] {
    if (!m_stopped && m_engine->idle()) Handle(consensus::TxsAvailable{});
  });
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
  auto timer = std::make_shared<boost::asio::steady_timer>(m_strand);
  timer->expires_after(kAnnounceInterval);
  m_timers.insert(timer);
  timer->async_wait([this, timer](const boost::system::error_code& error) {
    m_timers.erase(timer);
    if (error || m_stopped) return;
    if (m_engine->idle()) AnnounceHead(nullptr);
    ScheduleAnnounce();
  });
}

void ConsensusDriver::OnSyncArrived(const crypto::PublicKey& from, SyncResponse response) {
  if (m_sync_in_flight > 0) --m_sync_in_flight;
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
  if (blocks.empty()) return;
  ++m_sync_batches;
  m_sync_queued_to = next - 1;
  m_sync_peer = from;
  m_sync_more = full && blocks.back().header.height == response.blocks.back().header.height;
  ContinueSync();
  boost::asio::post(m_sync_verifier, [this, from, blocks = std::move(blocks)]() mutable {
    VerifySyncBatch(from, std::move(blocks));
  });
}

void ConsensusDriver::ContinueSync() {
  if (!m_sync_more || m_sync_in_flight > 0 || m_sync_batches >= kSyncDepth) return;
  SendSyncRequest(m_sync_peer, std::max(m_sync_queued_to + 1, m_engine->height()));
}

void ConsensusDriver::VerifySyncBatch(const crypto::PublicKey& from,
                                      std::vector<ledger::Block> blocks) {
  for (size_t i = 0; i < blocks.size(); ++i) {
    SyncedBlock synced{from, std::move(blocks[i]), {}, i + 1 == blocks.size(), false};
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
      synced.verified = VerifiedTxs::Check(
          block.txs,
          [this](const ledger::Transaction& tx, const Hash32& id) {
            return m_mempool.ContainsExact(tx, id);
          },
          nullptr);
    }
    boost::asio::post(m_strand, [this, synced = std::move(synced)]() mutable {
      if (!m_stopped) OnSyncVerified(std::move(synced));
    });
    if (!matches) return;
  }
}

void ConsensusDriver::OnSyncVerified(SyncedBlock synced) {
  m_sync_ready.push_back(std::move(synced));
  if (m_sync_applying) return;
  m_sync_applying = true;
  boost::asio::post(m_strand, [this] { ApplySyncedBlock(); });
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
    // One fsync per batch: its last block's synced write makes the ones before durable.
    m_commit_sync = synced.last_of_batch;
    m_synced_verified = &synced.verified;
    uint64_t before = m_engine->height();
    Handle(consensus::DecisionLearnt{BlockValue(block), block.certificate});
    m_synced_verified = nullptr;  // when the certificate did not verify, CommitDecided did not run
    m_commit_sync = true;
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
  if (m_sync_ready.empty()) {
    m_sync_applying = false;
    return;
  }
  boost::asio::post(m_strand, [this] { ApplySyncedBlock(); });
}

SyncResponse ConsensusDriver::AnswerSync(const SyncRequest& request) const {
  SyncResponse response;
  uint64_t head = m_store.Head().height;
  uint32_t limit = std::min(request.max_blocks, kMaxSyncBlocks);
  size_t bytes = 0;
  for (uint64_t h = request.from_height; h <= head && response.blocks.size() < limit; ++h) {
    if (h == 0) continue;
    auto block = m_store.GetBlock(h);
    if (!block.ok() || !*block) break;
    bytes += ledger::EncodeBlock(**block).size();
    if (bytes > kSyncMaxBytes && !response.blocks.empty()) break;
    response.blocks.push_back(std::move(**block));
  }
  return response;
}

uint64_t PeersCommittedHeight(std::vector<uint64_t> claims, size_t f) {
  if (claims.size() <= f) return 0;
  // The (f+1)-th highest claim: more than f validators have reached it.
  std::nth_element(claims.begin(), claims.begin() + static_cast<std::ptrdiff_t>(f), claims.end(),
                   std::greater<>());
  return claims[f] > 0 ? claims[f] - 1 : 0;
}

void ConsensusDriver::NoteHeightClaim(const consensus::Message& message) {
  auto [height, validator] = std::visit(
      [](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, consensus::Proposal>)
          return std::pair{m.height, m.proposer};
        else
          return std::pair{m.height, m.validator};
      },
      message);
  if (validator >= m_claims.size() || height <= m_claims[validator]) return;
  const auto* proposal = std::get_if<consensus::Proposal>(&message);
  Status verified = proposal != nullptr
                        ? consensus::VerifyProposal(*proposal, *m_validators, m_genesis.chain_id)
                        : consensus::VerifyVote(std::get<consensus::Vote>(message), *m_validators,
                                                m_genesis.chain_id);
  if (!verified.ok()) return;
  m_claims[validator] = height;
  UpdatePeersHeight();
}

void ConsensusDriver::UpdatePeersHeight() {
  m_peers_height.store(std::max(PeersCommittedHeight(m_claims, m_validators->MaxFaulty()),
                                m_certified_height));
}

ConsensusDriver::Counters ConsensusDriver::counters() const {
  std::lock_guard<std::mutex> lock(m_counters_mutex);
  return m_counters;
}

void ConsensusDriver::Handle(const consensus::Event& event) {
  if (m_stopped) return;
  Run(m_engine->Step(event));
}

void ConsensusDriver::Run(std::vector<consensus::Action> actions) {
  for (auto& action : actions) {
    if (m_stopped) return;
    std::visit(
        [&](auto& a) {
          using T = std::decay_t<decltype(a)>;
          if constexpr (std::is_same_v<T, consensus::Broadcast>) {
            m_peers.Broadcast(EncodePeerMessage(ConsensusPayload{a.message}));
          } else if constexpr (std::is_same_v<T, consensus::ScheduleTimeout>) {
            Schedule(a);
          } else if constexpr (std::is_same_v<T, consensus::PersistSafetyState>) {
            Status saved = m_store.SaveSafetyState(a.state);
            if (!saved.ok()) Fatal("safety state", saved);
          } else if constexpr (std::is_same_v<T, consensus::RequestValue>) {
            BuildValue(a);
          } else if constexpr (std::is_same_v<T, consensus::ValidateValue>) {
            ValidateValue(a);
          } else if constexpr (std::is_same_v<T, consensus::Commit>) {
            CommitDecided(a);
          } else if constexpr (std::is_same_v<T, consensus::RequestSync>) {
            RequestSync(a.from_height);
          } else if constexpr (std::is_same_v<T, consensus::RecordInput>) {
            RecordInput(a.message);
          }
        },
        action);
  }
  m_height.store(m_engine->height());
  m_round.store(m_engine->round());
  if (!m_engine->idle() && m_timed_height != m_engine->height()) {
    m_timed_height = m_engine->height();
    m_height_started = std::chrono::steady_clock::now();
  }
}

void ConsensusDriver::RecordInput(const consensus::Message& message) {
  if (m_replaying_wal) return;
  uint64_t height = std::visit([](const auto& m) { return m.height; }, message);
  if (height != m_wal_height) {
    m_wal_height = height;
    m_wal_entries = 0;
  }
  if (++m_wal_entries > kMaxWalEntriesPerHeight) return;
  // Unsynced: the next synced write (the safety state, before any vote) covers it.
  Status logged = m_store.AppendConsensusWal(height, consensus::EncodeMessage(message));
  if (!logged.ok()) Fatal("consensus WAL", logged);
}

void ConsensusDriver::Schedule(const consensus::ScheduleTimeout& timeout) {
  auto timer = std::make_shared<boost::asio::steady_timer>(m_strand);
  timer->expires_after(std::chrono::milliseconds(timeout.after_ms));
  m_timers.insert(timer);
  timer->async_wait([this, timer, timeout](const boost::system::error_code& error) {
    m_timers.erase(timer);
    if (error || m_stopped) return;
    Handle(consensus::TimeoutFired{timeout.height, timeout.round, timeout.kind});
  });
}

void ConsensusDriver::BuildValue(const consensus::RequestValue& request) {
  if (request.height != m_store.Head().height + 1) return;
  auto built = BuildBlock(m_store, m_genesis, m_key.public_key(), m_clock.NowMillis(),
                          m_mempool.Peek(m_genesis.params.max_block_txs),
                          [](const ledger::Transaction&, const Hash32&) { return true; });
  if (!built.ok()) {
    Log(LogLevel::kError, "consensus", "cannot build a block",
        {{"height", std::to_string(request.height)}, {"error", built.status().ToString()}});
    return;  // the round times out and moves on
  }
  std::vector<Hash32> rejected;
  for (const auto& r : built->execution.rejected) {
    rejected.push_back(r.tx_id);
    if (m_hooks.on_rejected) m_hooks.on_rejected(r.tx_id, r.reason);
  }
  m_mempool.Remove(rejected);
  Hash32 id = ledger::BlockId(built->block.header);
  Bytes value = BlockValue(built->block);
  m_built.emplace(id, std::move(built).value());
  // Answered through the strand, after the actions that asked for it.
  boost::asio::post(m_strand, [this, request, id, value = std::move(value)] {
    Handle(consensus::ValueReady{request.height, request.round, id, value});
  });
}

void ConsensusDriver::ValidateValue(const consensus::ValidateValue& request) {
  bool valid = false;
  auto block = DecodeBlockValue(request.value);
  if (block.ok() && block->header.height == request.height &&
      ledger::BlockId(block->header) == request.value_id) {
    auto built = ReplayBlock(m_store, m_genesis, *block,
                             [this](const ledger::Transaction& tx, const Hash32& id) {
                               return m_mempool.ContainsExact(tx, id);
                             },
                             m_clock.NowMillis() + kMaxClockDriftMs, &m_verify_pool);
    if (built.ok()) {
      m_built.emplace(request.value_id, std::move(built).value());
      valid = true;
    } else {
      Log(LogLevel::kWarn, "consensus", "proposed block refused",
          {{"height", std::to_string(request.height)}, {"error", built.status().ToString()}});
    }
  }
  if (!valid) {
    std::lock_guard<std::mutex> lock(m_counters_mutex);
    ++m_counters.invalid_proposals;
  }
  boost::asio::post(m_strand, [this, request, valid] {
    Handle(consensus::ValueValidated{request.height, request.value_id, valid});
  });
}

void ConsensusDriver::CommitDecided(const consensus::Commit& commit) {
  // Set by ApplySyncedBlock for the one block it hands over (not for any decided after it).
  const VerifiedTxs* synced_verified = std::exchange(m_synced_verified, nullptr);
  bool sync = std::exchange(m_commit_sync, true);
  BuiltBlock built;
  if (auto it = m_built.find(commit.value_id); it != m_built.end()) {
    built = std::move(it->second);
  } else {
    // Learnt from sync (or decided before this node validated it): execute it now. A synced
    // block's signatures were checked on the sync verifier's thread (those that hold are
    // taken as verified; any other is checked again in the replay, which then refuses it).
    auto block = DecodeBlockValue(commit.value);
    if (!block.ok()) Fatal("decided block does not decode", block.status());
    auto replayed =
        synced_verified != nullptr
            ? ReplayBlock(m_store, m_genesis, *block, synced_verified->Predicate())
            : ReplayBlock(m_store, m_genesis, *block,
                          [this](const ledger::Transaction& tx, const Hash32& id) {
                            return m_mempool.ContainsExact(tx, id);
                          },
                          std::nullopt, &m_verify_pool);
    // A block with a valid certificate that this node cannot replay means its state
    // differs from the network's: going on would build on a fork.
    if (!replayed.ok()) Fatal("decided block does not replay", replayed.status());
    built = std::move(replayed).value();
  }
  m_built.clear();
  Status committed = CommitBuiltBlock(m_store, built, commit.certificate, sync);
  if (!committed.ok()) Fatal("commit", committed);
  built.block.certificate = commit.certificate;
  m_head_certificate = commit.certificate;
  std::vector<Hash32> ids;
  for (const auto& executed : built.execution.txs) ids.push_back(executed.tx_id);
  m_mempool.Remove(ids);
  // Whoever proposes, transactions that expired while waiting leave every node's mempool
  // (a follower never builds a block that would drop them).
  for (const auto& id : m_mempool.RemoveExpired(commit.height + 1)) {
    if (m_hooks.on_rejected) {
      m_hooks.on_rejected(id, Status(Code::kExpired, "expired before it was included in a block"));
    }
  }
  {
    std::lock_guard<std::mutex> lock(m_counters_mutex);
    ++m_counters.heights_committed;
    m_counters.txs_committed += built.block.txs.size();
  }
  if (m_hooks.on_commit_latency && m_timed_height == commit.height) {
    m_hooks.on_commit_latency(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - m_height_started).count());
  }
  Log(LogLevel::kInfo, "chain", "block committed",
      {{"height", std::to_string(commit.height)},
       {"txs", std::to_string(built.block.txs.size())},
       {"round", std::to_string(commit.certificate.round)},
       {"id", ToHex(commit.value_id)}});
  if (m_hooks.on_committed) m_hooks.on_committed(built.block);
  if (m_mempool.size() > 0) {
    boost::asio::post(m_strand, [this] {
      if (!m_stopped && m_engine->idle()) Handle(consensus::TxsAvailable{});
    });
  }
}

void ConsensusDriver::RequestSync(uint64_t from_height, const crypto::PublicKey* peer) {
  // One sync at a time: while batches are on their way or being applied the pipeline asks
  // for more itself, and an answer not yet come is waited for until it counts as lost.
  if (m_sync_batches > 0) return;
  auto now = std::chrono::steady_clock::now();
  if (m_sync_in_flight > 0 && now - m_sync_sent_at < kSyncStall) return;
  m_sync_in_flight = 0;
  if (peer != nullptr) return SendSyncRequest(*peer, from_height);
  auto peers = m_peers.ConnectedPeers();
  if (peers.empty()) return;
  SendSyncRequest(peers[m_next_sync_peer++ % peers.size()], from_height);
}

void ConsensusDriver::SendSyncRequest(const crypto::PublicKey& peer, uint64_t from_height) {
  m_peers.Send(peer, EncodePeerMessage(SyncRequest{from_height, kSyncBatch}));
  ++m_sync_in_flight;
  m_sync_sent_at = std::chrono::steady_clock::now();
  m_sync_peer = peer;
}

}  // namespace covalue::node
