// Node: one running covalue node — RocksDB store, mempool, the consensus driver (BFT
// engine), authenticated peer links, and the HTTP API, on Boost.Asio. A validator if its
// key is in the genesis, a follower (full verified copy, never signs) otherwise. Owns
// everything it opens. Threads: `io_threads` run the io_context (HTTP sessions, peer links,
// timers); consensus and every chain write run on the driver's strand. Start, Stop and the
// LedgerService methods are thread-safe.
#pragma once

#include <atomic>
#include <condition_variable>
#include <utility>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/asio.hpp>

#include "common/log.h"
#include "node/consensus_driver.h"
#include "node/net/peer_network.h"
#include "node/config.h"
#include "node/gossip_queue.h"
#include "node/ledger_service.h"
#include "node/mempool.h"
#include "node/metrics.h"
#include "node/ops_api.h"
#include "node/storage/kv_store.h"
#include "node/system_clock.h"

namespace covalue::node {

class Node final : public LedgerService {
 public:
  // Loads the genesis and the validator key (decrypting it with `passphrase` if it is
  // sealed), opens the RocksDB folder and checks it belongs to this genesis.
  static Result<std::unique_ptr<Node>> Open(const NodeConfig& config,
                                            const std::optional<std::string>& passphrase);
  ~Node() override;

  // Binds the API and the peer port, and starts consensus.
  Status Start(size_t io_threads = 2);
  // Stops accepting, finishes the block in progress, and joins the threads. Idempotent.
  void Stop();
  // Blocks until Stop() has finished (called from another thread).
  void WaitForStop();
  uint16_t api_port() const;
  uint16_t p2p_port() const;
  // Fault injection for process-level tests (SIGUSR1/SIGUSR2 in `covalue node`): while
  // isolated, the node drops every peer message in and out, as if its links were cut.
  void SetIsolated(bool isolated) { m_isolated.store(isolated); }

  // LedgerService
  const ledger::Genesis& genesis() const override { return m_genesis; }
  const consensus::ValidatorSet& validators() const override { return *m_validators; }
  const ChainStore& store() const override { return *m_store; }
  size_t mempool_size() const override { return m_mempool.size(); }
  void Submit(ledger::Transaction tx, bool wait, std::chrono::milliseconds timeout,
              api::Responder respond) override;
  TxStage Stage(const Hash32& tx_id, Status* reason) const override;
  nlohmann::json NodeStatus() const override;
  CommitFeed* commit_feed() override { return &m_commit_feed; }

 private:
  struct Waiter;
  class NetworkSender;
  Node(NodeConfig config, ledger::Genesis genesis, crypto::KeyPair key,
       std::unique_ptr<storage::KvStore> kv);

  // Where a transaction came from: a client of this node's API, whom the contract's dry run
  // answers at once, or a peer's gossip, which admission checks without the dry run (no one
  // waits for its answer here; the block records the contract's verdict either way).
  enum class Origin { kClient, kGossip };
  Status Admit(const ledger::Transaction& tx, const Hash32& tx_id, Origin origin) const;
  // Admits and pools one transaction; true if it is new to the mempool. A client's that is
  // new is queued for gossip to every peer.
  Result<bool> Pool(ledger::Transaction tx, const Hash32& tx_id, Origin origin);
  void OnPeerPayload(const crypto::PublicKey& from, Bytes payload);
  // `tx_ids[i]` is the id of `block.txs[i]` (DriverHooks::on_committed).
  void OnCommitted(const ledger::Block& block, const std::vector<Hash32>& tx_ids);
  void AddWaiter(const Hash32& tx_id, std::chrono::milliseconds timeout, api::Responder respond);
  // Answers every waiter of `tx_id` with `response`.
  void Settle(const Hash32& tx_id, const api::HttpResponse& response);
  bool HasWaiters(const Hash32& tx_id) const;
  void RememberRejection(const Hash32& tx_id, const Status& reason);
  // What GET /readyz judges (node/ops_api.h), and the gauges /metrics shows, as of now.
  Readiness CurrentReadiness() const;
  void CollectMetrics();

  NodeConfig m_config;
  ledger::Genesis m_genesis;
  crypto::KeyPair m_key;
  std::optional<consensus::ValidatorSet> m_validators;
  std::unique_ptr<storage::KvStore> m_kv;
  std::unique_ptr<ChainStore> m_store;
  SystemClock m_clock;
  Mempool m_mempool;
  NodeMetrics m_metrics;  // before m_io: responders still held by the HTTP layer count into it
  std::optional<crypto::KeyPair> m_member_key;  // member_key_file: signs for admin clients

  CommitFeed m_commit_feed;  // before m_io: the HTTP sessions it destroys unsubscribe
  boost::asio::io_context m_io;
  std::unique_ptr<net::PeerNetwork> m_network;
  std::unique_ptr<NetworkSender> m_sender;
  std::unique_ptr<GossipQueue> m_gossip;  // sends through m_sender
  std::unique_ptr<ConsensusDriver> m_driver;
  std::unique_ptr<api::HttpServer> m_http;
  std::atomic<bool> m_isolated{false};
  std::atomic<uint64_t> m_bad_peer_messages{0};
  std::vector<std::thread> m_threads;

  mutable std::mutex m_waiters_mutex;
  std::unordered_multimap<std::string, std::shared_ptr<Waiter>> m_waiters;  // by hex tx id
  mutable std::mutex m_rejected_mutex;
  std::unordered_map<std::string, Status> m_rejected;  // recent block-time rejections
  std::vector<std::string> m_rejected_order;

  std::mutex m_stop_mutex;
  std::condition_variable m_stop_cv;
  bool m_stopping = false;
  bool m_stopped = false;
  bool m_started = false;
};

}  // namespace covalue::node
