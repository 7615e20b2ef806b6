#include "node/consensus_driver.h"

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <utility>

#include "common/log.h"

namespace covalue::node {
namespace {

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
                                 consensus::EngineConfig config, DriverHooks hooks,
                                 std::chrono::milliseconds block_interval)
    : m_strand(boost::asio::make_strand(io)),
      m_store(store),
      m_mempool(mempool),
      m_genesis(genesis),
      m_key(key),
      m_clock(clock),
      m_peers(peers),
      m_block_interval(block_interval),
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
    bool checked = NoteHeightClaim(message);
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
      Handle(consensus::ProposalReceived{*p, checked});
    } else {
      Handle(consensus::VoteReceived{std::get<consensus::Vote>(message), checked});
    }
  });
}

void ConsensusDriver::OnTxsAvailable() {
  boost::asio::post(m_strand, [this] {
    if (!m_stopped && m_engine->idle()) Handle(consensus::TxsAvailable{});
  });
}

uint64_t PeersCommittedHeight(std::vector<uint64_t> claims, size_t f) {
  if (claims.size() <= f) return 0;
  // The (f+1)-th highest claim: more than f validators have reached it.
  std::nth_element(claims.begin(), claims.begin() + static_cast<std::ptrdiff_t>(f), claims.end(),
                   std::greater<>());
  return claims[f] > 0 ? claims[f] - 1 : 0;
}

int64_t BlockBuildWaitMs(uint64_t head_height, int64_t head_time_ms, int64_t now_ms,
                         int64_t interval_ms) {
  if (head_height == 0 || interval_ms <= 0 || head_time_ms <= now_ms - interval_ms) return 0;
  if (head_time_ms > now_ms) return interval_ms;
  return head_time_ms + interval_ms - now_ms;
}

bool ConsensusDriver::NoteHeightClaim(const consensus::Message& message) {
  auto [height, validator] = std::visit(
      [](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, consensus::Proposal>)
          return std::pair{m.height, m.proposer};
        else
          return std::pair{m.height, m.validator};
      },
      message);
  if (validator >= m_claims.size() || height <= m_claims[validator]) return false;
  const auto* proposal = std::get_if<consensus::Proposal>(&message);
  Status verified = proposal != nullptr
                        ? consensus::VerifyProposal(*proposal, *m_validators, m_genesis.chain_id)
                        : consensus::VerifyVote(std::get<consensus::Vote>(message), *m_validators,
                                                m_genesis.chain_id);
  if (!verified.ok()) return false;
  m_claims[validator] = height;
  UpdatePeersHeight();
  return true;
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
  After(std::chrono::milliseconds(timeout.after_ms), [this, timeout] {
    Handle(consensus::TimeoutFired{timeout.height, timeout.round, timeout.kind});
  });
}

void ConsensusDriver::After(std::chrono::milliseconds delay, std::function<void()> fire) {
  auto timer = std::make_shared<boost::asio::steady_timer>(m_strand);
  timer->expires_after(delay);
  m_timers.insert(timer);
  timer->async_wait(
      [this, timer, fire = std::move(fire)](const boost::system::error_code& error) {
        m_timers.erase(timer);
        if (error || m_stopped) return;
        fire();
      });
}

VerifiedPredicate ConsensusDriver::MempoolVerified() const {
  return [this](const ledger::Transaction& tx, const Hash32& id) {
    return m_mempool.ContainsExact(tx, id);
  };
}

void ConsensusDriver::BuildValue(const consensus::RequestValue& request) {
  ChainHead head = m_store.Head();
  int64_t wait =
      BlockBuildWaitMs(head.height, head.time_ms, m_clock.NowMillis(), m_block_interval.count());
  if (wait == 0) return BuildValueNow(request);
  After(std::chrono::milliseconds(wait), [this, request] {
    // Not for a round the engine has left while this waited (it would ignore the value).
    if (m_engine->height() == request.height && m_engine->round() == request.round) {
      BuildValueNow(request);
    }
  });
}

void ConsensusDriver::BuildValueNow(const consensus::RequestValue& request) {
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
                             MempoolVerified(),
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
  const SyncedBlock* synced = std::exchange(m_applying_synced, nullptr);
  // One fsync per sync batch: its last block's synced write makes the ones before durable.
  bool sync = synced == nullptr || synced->last_of_batch;
  BuiltBlock built;
  if (auto it = m_built.find(commit.value_id); it != m_built.end()) {
    built = std::move(it->second);
  } else {
    // Learnt from sync (or decided before this node validated it): execute it now. A synced
    // block's signatures were checked on the sync verifier's thread (those that hold are
    // taken as verified; any other is checked again in the replay, which then refuses it).
    // A synced block is at hand, decoded: the decided value is its encoding when the ids agree
    // (its body was checked against its header on the verifier's thread).
    bool at_hand = synced != nullptr && synced->block.certificate.block_id == commit.value_id;
    std::optional<ledger::Block> decoded;
    if (!at_hand) {
      auto value = DecodeBlockValue(commit.value);
      if (!value.ok()) Fatal("decided block does not decode", value.status());
      decoded = std::move(value).value();
    }
    const ledger::Block& block = at_hand ? synced->block : *decoded;
    auto replayed = synced != nullptr
                        ? ReplayBlock(m_store, m_genesis, block, synced->verified.Predicate())
                        : ReplayBlock(m_store, m_genesis, block, MempoolVerified(),
                                      std::nullopt, &m_verify_pool);
    // A block with a valid certificate that this node cannot replay means its state
    // differs from the network's: going on would build on a fork.
    if (!replayed.ok()) Fatal("decided block does not replay", replayed.status());
    built = std::move(replayed).value();
  }
  m_built.clear();
  Status committed = CommitBuiltBlock(m_store, built, commit.certificate, sync);
  if (!committed.ok()) Fatal("commit", committed);
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
  if (m_hooks.on_committed) m_hooks.on_committed(built.block, ids);
  if (m_mempool.size() > 0) {
    boost::asio::post(m_strand, [this] {
      if (!m_stopped && m_engine->idle()) Handle(consensus::TxsAvailable{});
    });
  }
}

}  // namespace covalue::node
