// ConsensusDriver: hosts the BFT engine (consensus/engine.h) inside a node. It owns the
// engine and carries out its actions: timers, persisting the safety state (synced before
// any signature it covers is sent), building and validating blocks (node/block_builder.h),
// committing decided blocks, broadcasting to peers, announcing its head, and block sync
// (docs/spec/p2p.md §Block sync). Everything runs on one strand; the public methods only post
// to it, so they are thread-safe. Borrows the store, mempool, genesis, key and peer sender,
// which must outlive it. Owns a WorkerPool on which the signatures of proposals are verified
// on every core, and one thread (with a WorkerPool of its own, so it too uses every core) that
// verifies synced blocks' signatures while the strand applies the blocks before them. Block
// sync and head announces are in node/block_sync.cpp.
#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <tuple>
#include <utility>

#include <boost/asio.hpp>
#include <boost/asio/thread_pool.hpp>

#include "common/clock.h"
#include "consensus/engine.h"
#include "node/block_builder.h"
#include "node/chain_store.h"
#include "node/mempool.h"
#include "node/peer_protocol.h"
#include "node/signature_check.h"

namespace covalue::node {

// The seam to the peer network (net::PeerNetwork in the node, a fake in tests).
class PeerSender {
 public:
  virtual ~PeerSender() = default;
  virtual void Broadcast(Bytes payload) = 0;
  virtual void Send(const crypto::PublicKey& peer, Bytes payload) = 0;
  virtual std::vector<crypto::PublicKey> ConnectedPeers() const = 0;
};

// The highest committed height that more than f validators show, from `claims` (per
// validator: the latest height it sent a verified message for, 0 if none; a message for
// height h shows h - 1 committed). With at most f faulty, one honest validator is there.
uint64_t PeersCommittedHeight(std::vector<uint64_t> claims, size_t f);

// How long a proposer waits before building the block after the head block made at
// `head_time_ms` (docs/spec/consensus.md §Block interval): until `interval_ms` past it by
// `now_ms`, never longer than `interval_ms` (a head stamped by a clock running ahead), and
// not at all at height 1 (`head_height` 0: no head block).
int64_t BlockBuildWaitMs(uint64_t head_height, int64_t head_time_ms, int64_t now_ms,
                         int64_t interval_ms);

// Whether a sync peer may hold blocks after an answer (docs/spec/p2p.md §Block sync): the
// answer ended at `last_answered`, of which the host kept up to `last_kept`; it was `full` (as
// many blocks as asked) or ended below `peers_height`, the network's height as the host knows
// it (ConsensusDriver::peers_height) — an answer cut at the byte limit, or from a peer that was
// behind. Not when the host dropped the end of the answer (late, repeated, or not continuing
// its queue).
bool SyncPeerMayHaveMore(bool full, uint64_t last_answered, uint64_t last_kept,
                         uint64_t peers_height);

struct DriverHooks {
  // After a block is committed (on the strand); `tx_ids[i]` is the id of `block.txs[i]`, as the
  // execution computed it.
  std::function<void(const ledger::Block& block, const std::vector<Hash32>& tx_ids)> on_committed;
  // A mempool transaction left out of a block this node built (expired, replay, ...).
  std::function<void(const Hash32& tx_id, const Status& reason)> on_rejected;
  // Seconds from the start of a height's first round to its commit (for metrics; optional).
  std::function<void(double seconds)> on_commit_latency;
};

class ConsensusDriver {
 public:
  ConsensusDriver(boost::asio::io_context& io, ChainStore& store, Mempool& mempool,
                  const ledger::Genesis& genesis, const crypto::KeyPair& key, const Clock& clock,
                  PeerSender& peers, consensus::EngineConfig config, DriverHooks hooks,
                  std::chrono::milliseconds block_interval);

  // Restores the safety state and the consensus WAL of the next height and starts the
  // engine (on the strand).
  Status Start();
  void Stop();

  void OnConsensusMessage(consensus::Message message);
  void OnSyncResponse(const crypto::PublicKey& from, SyncResponse response);
  // A peer's head: verified (once per new height), it shows how far the network has
  // committed, and starts a sync if this node lacks it.
  void OnHeadAnnounce(const crypto::PublicKey& from, consensus::CommitCertificate certificate);
  // A link to `peer` came up: it gets this node's head.
  void OnPeerConnected(const crypto::PublicKey& peer);
  // The mempool received transactions.
  void OnTxsAvailable();
  // Answers a peer's sync request from the store (any thread; reads only): the encoded
  // SyncResponse, of the blocks as stored (EncodeSyncResponse).
  Bytes AnswerSync(const SyncRequest& request) const;

  struct Counters {
    uint64_t heights_committed = 0;
    uint64_t blocks_synced = 0;
    uint64_t invalid_proposals = 0;
    uint64_t txs_committed = 0;
    uint64_t invalid_head_announces = 0;  // a certificate that does not verify
    uint64_t invalid_synced_blocks = 0;   // not the block its certificate names, or a bad certificate
  };
  Counters counters() const;
  uint64_t height() const { return m_height.load(); }
  uint32_t round() const { return m_round.load(); }
  // The highest committed height that more than f validators have shown (a signed message for
  // height h shows h - 1 committed: at least one honest validator is there), or that a
  // verified head certificate proves, whichever is higher. 0 until heard.
  uint64_t peers_height() const { return m_peers_height.load(); }

 private:
  void Handle(const consensus::Event& event);
  void Run(std::vector<consensus::Action> actions);
  // Builds the block asked for once the block interval since the head block's time has
  // passed (docs/spec/consensus.md §Block interval), then answers with ValueReady.
  void BuildValue(const consensus::RequestValue& request);
  void BuildValueNow(const consensus::RequestValue& request);
  void ValidateValue(const consensus::ValidateValue& request);
  void CommitDecided(const consensus::Commit& commit);
  // Block sync. Up to kSyncDepth batches (answers) are verified (on m_sync_verifier) or waiting
  // to be applied while the next request is out; the strand applies each block as soon as it
  // is verified, one per turn, so consensus messages are handled in between.
  struct SyncedBlock {
    crypto::PublicKey from{};
    ledger::Block block;
    VerifiedTxs verified;              // its transactions' signatures that hold
    bool certificate_checked = false;  // its certificate verified (for its height and block)
    bool last_of_batch = false;
    bool refused = false;  // not the block its certificate names: the batch ends here
  };
  // From the engine (`peer` empty: the next connected peer, round robin) or a head announce.
  void RequestSync(uint64_t from_height, const crypto::PublicKey* peer = nullptr);
  void SendSyncRequest(const crypto::PublicKey& peer, uint64_t from_height);
  void OnSyncArrived(const crypto::PublicKey& from, SyncResponse response);
  void ContinueSync();
  // On m_sync_verifier: checks each block against its certificate and verifies its
  // signatures, the certificate's beside the transactions', handing the blocks to the strand
  // one by one.
  void VerifySyncBatch(const crypto::PublicKey& from, std::vector<ledger::Block> blocks);
  void OnSyncVerified(SyncedBlock block);
  void ApplySyncedBlock();
  void AnnounceHead(const crypto::PublicKey* to);
  void ScheduleAnnounce();
  void UpdatePeersHeight();
  void RecordInput(const consensus::Message& message);
  void Schedule(const consensus::ScheduleTimeout& timeout);
  // Runs `fire` on the strand after `delay`, unless stopped first (every timer goes through it).
  void After(std::chrono::milliseconds delay, std::function<void()> fire);
  // Whether the mempool verified this very transaction (thread-safe: the mempool locks).
  VerifiedPredicate MempoolVerified() const;
  // Raises the sender's claimed height if `message` is for a later height and its signature
  // verifies (about one check per validator and height), and recomputes m_peers_height.
  // True if it verified the signature (so the engine need not check it again).
  bool NoteHeightClaim(const consensus::Message& message);

  boost::asio::strand<boost::asio::io_context::executor_type> m_strand;
  ChainStore& m_store;
  Mempool& m_mempool;
  const ledger::Genesis& m_genesis;
  const crypto::KeyPair& m_key;
  const Clock& m_clock;
  PeerSender& m_peers;
  std::chrono::milliseconds m_block_interval;  // NodeConfig::block_interval_ms
  consensus::EngineConfig m_config;
  DriverHooks m_hooks;
  WorkerPool m_verify_pool;  // used from the strand only
  // Set by Start, then only read: on the strand and by the sync verifier.
  std::optional<consensus::ValidatorSet> m_validators;

  // Strand-only state.
  std::unique_ptr<consensus::Engine> m_engine;
  std::map<Hash32, BuiltBlock> m_built;  // blocks of the current height by id, executed once
  std::set<std::shared_ptr<boost::asio::steady_timer>> m_timers;
  size_t m_next_sync_peer = 0;
  bool m_replaying_wal = false;
  uint64_t m_wal_height = 0;
  uint64_t m_wal_entries = 0;
  bool m_stopped = false;
  Counters m_counters;
  std::vector<uint64_t> m_claims;   // per validator index: the highest height it spoke of
  uint64_t m_certified_height = 0;  // the highest height a verified head announce proved
  std::optional<consensus::CommitCertificate> m_head_certificate;  // of the store's head
  // Block sync.
  bool m_sync_awaiting = false;  // a request is out and not answered
  std::chrono::steady_clock::time_point m_sync_sent_at;
  crypto::PublicKey m_sync_peer{};
  // The sync peer may have more (SyncPeerMayHaveMore of its last answer, which was kept to
  // its end; false once it answered with nothing).
  bool m_sync_more = false;
  size_t m_sync_batches = 0;             // handed to the verifier and not yet applied
  uint64_t m_sync_queued_to = 0;         // the last height of those batches (0: none)
  std::deque<SyncedBlock> m_sync_ready;  // verified, in order
  const SyncedBlock* m_applying_synced = nullptr;  // while ApplySyncedBlock hands one over
  uint64_t m_timed_height = 0;  // the height whose rounds started at m_height_started
  std::chrono::steady_clock::time_point m_height_started;

  std::atomic<uint64_t> m_peers_height{0};
  std::atomic<uint64_t> m_height{0};
  std::atomic<uint32_t> m_round{0};
  mutable std::mutex m_counters_mutex;
  WorkerPool m_sync_verify_pool;  // used from m_sync_verifier only
  // Last: joined (and its queued jobs dropped) before anything above is destroyed.
  boost::asio::thread_pool m_sync_verifier{1};
};

}  // namespace covalue::node
