#include "node/node.h"

#include "contracts/admission.h"
#include "node/admin_api.h"
#include "node/genesis_file.h"
#include "node/key_file.h"
#include "node/ledger_api.h"
#include "node/peer_protocol.h"
#include "node/storage/rocks_kv_store.h"

namespace covalue::node {

namespace {
constexpr size_t kRememberedRejections = 10000;
}

struct Node::Waiter {
  // The timer runs on its own strand: it is armed, fired and cancelled there only.
  explicit Waiter(boost::asio::io_context& io, api::Responder r)
      : respond(std::move(r)), timer(boost::asio::make_strand(io)) {}
  api::Responder respond;
  boost::asio::steady_timer timer;
  std::atomic<bool> done{false};
};

// The driver's PeerSender over the peer network, with the isolation fault switch.
class Node::NetworkSender final : public PeerSender {
 public:
  NetworkSender(net::PeerNetwork& network, const std::atomic<bool>& isolated)
      : m_network(network), m_isolated(isolated) {}
  void Broadcast(Bytes payload) override {
    if (!m_isolated.load()) m_network.Broadcast(std::move(payload));
  }
  void Send(const crypto::PublicKey& peer, Bytes payload) override {
    if (!m_isolated.load()) m_network.Send(peer, std::move(payload));
  }
  std::vector<crypto::PublicKey> ConnectedPeers() const override {
    return m_network.ConnectedPeers();
  }

 private:
  net::PeerNetwork& m_network;
  const std::atomic<bool>& m_isolated;
};

Result<std::unique_ptr<Node>> Node::Open(const NodeConfig& config,
                                         const std::optional<std::string>& passphrase) {
  COVALUE_RETURN_IF_ERROR(config.Validate());
  COVALUE_ASSIGN_OR_RETURN(auto genesis, ReadGenesisFile(config.genesis_file));
  COVALUE_ASSIGN_OR_RETURN(auto key, ReadKeyFile(config.node_key_file, passphrase));
  std::optional<crypto::KeyPair> member_key;
  if (!config.member_key_file.empty()) {
    COVALUE_ASSIGN_OR_RETURN(auto loaded, ReadKeyFile(config.member_key_file, passphrase));
    member_key.emplace(std::move(loaded));
  }
  COVALUE_ASSIGN_OR_RETURN(auto kv, storage::RocksKvStore::Open(config.data_dir));
  std::unique_ptr<Node> node(
      new Node(config, std::move(genesis), std::move(key), std::move(kv)));
  node->m_member_key = std::move(member_key);
  COVALUE_ASSIGN_OR_RETURN(auto validators, consensus::ValidatorSet::Create(node->m_genesis.validators));
  node->m_validators.emplace(std::move(validators));
  COVALUE_RETURN_IF_ERROR(node->m_store->Initialize(node->m_genesis));

  std::vector<net::PeerAddress> peers;
  for (const auto& p : config.peers) peers.push_back({p.name, p.key, p.host, p.port});
  net::PeerNetworkOptions network_options;
  network_options.listen_address = config.p2p_address;
  network_options.listen_port = config.p2p_port;
  node->m_network = std::make_unique<net::PeerNetwork>(node->m_io, node->m_key,
                                                       node->m_genesis.chain_id, std::move(peers),
                                                       network_options);
  Node* self = node.get();
  node->m_network->SetReceiveHandler(
      [self](const crypto::PublicKey& from, Bytes payload) { self->OnPeerPayload(from, std::move(payload)); });
  // Runs only after Start, once the driver exists.
  node->m_network->SetPeerEventHandler([self](const crypto::PublicKey& peer, bool connected) {
    if (connected) self->m_driver->OnPeerConnected(peer);
  });
  node->m_sender = std::make_unique<NetworkSender>(*node->m_network, node->m_isolated);
  node->m_gossip = std::make_unique<GossipQueue>(
      node->m_io.get_executor(), [sender = node->m_sender.get()](Bytes message) {
        sender->Broadcast(std::move(message));
      });
  consensus::EngineConfig engine;
  engine.chain_id = node->m_genesis.chain_id;
  engine.propose_timeout_ms = config.timeout_propose_ms;
  engine.prevote_timeout_ms = config.timeout_prevote_ms;
  engine.precommit_timeout_ms = config.timeout_precommit_ms;
  engine.timeout_increase_ms = config.timeout_increase_ms;
  engine.retransmit_interval_ms = config.retransmit_interval_ms;
  engine.wait_for_txs = true;
  DriverHooks hooks;
  hooks.on_committed = [self](const ledger::Block& block, const std::vector<Hash32>& tx_ids) {
    self->OnCommitted(block, tx_ids);
  };
  hooks.on_rejected = [self](const Hash32& id, const Status& reason) {
    self->RememberRejection(id, reason);
    self->m_metrics.rejections.Add(
        1, {{"stage", "block"}, {"reason", std::string(CodeName(reason.code()))}});
    Log(LogLevel::kInfo, "chain", "transaction left out",
        {{"tx", ToHex(id)}, {"reason", reason.ToString()}});
    self->Settle(id, api::ErrorResponse(reason));
  };
  hooks.on_commit_latency = [self](double seconds) {
    self->m_metrics.commit_latency.Observe(seconds);
  };
  node->m_driver = std::make_unique<ConsensusDriver>(
      node->m_io, *node->m_store, node->m_mempool, node->m_genesis, node->m_key, node->m_clock,
      *node->m_sender, engine, std::move(hooks),
      std::chrono::milliseconds(config.block_interval_ms));
  ChainHead head = node->m_store->Head();
  Log(LogLevel::kInfo, "node", "opened",
      {{"name", config.name},
       {"chain", node->m_genesis.chain_id},
       {"height", std::to_string(head.height)},
       {"state_root", ToHex(head.state_root)}});
  return node;
}

Node::Node(NodeConfig config, ledger::Genesis genesis, crypto::KeyPair key,
           std::unique_ptr<storage::KvStore> kv)
    : m_config(std::move(config)),
      m_genesis(std::move(genesis)),
      m_key(std::move(key)),
      m_kv(std::move(kv)),
      m_store(std::make_unique<ChainStore>(*m_kv)),
      m_mempool(m_config.mempool_max_txs, m_config.mempool_max_bytes) {}

Node::~Node() { Stop(); }

Status Node::Start(size_t io_threads) {
  api::HttpServerOptions options;
  options.address = m_config.api_address;
  options.port = m_config.api_port;
  options.max_body_bytes = m_config.api_max_body_bytes;
  options.max_header_bytes = m_config.api_max_header_bytes;
  options.max_connections = m_config.api_max_connections;
  api::Router router = BuildNodeRouter(
      *this, m_metrics, [this] { return CurrentReadiness(); },
      m_member_key ? &*m_member_key : nullptr,
      std::make_shared<api::Authenticator>(m_config.ApiRequiresTokens(), m_config.api_tokens,
                                           m_clock));
  m_metrics.registry.AddCollector([this] { CollectMetrics(); });
  m_http = std::make_unique<api::HttpServer>(m_io, options, std::move(router));
  COVALUE_RETURN_IF_ERROR(m_http->Start());
  COVALUE_RETURN_IF_ERROR(m_network->Start());
  COVALUE_RETURN_IF_ERROR(m_driver->Start());
  m_started = true;
  for (size_t i = 0; i < std::max<size_t>(1, io_threads); ++i) {
    m_threads.emplace_back([this] { m_io.run(); });
  }
  bool validator = m_validators->IndexOf(m_key.public_key()).has_value();
  Log(LogLevel::kInfo, "node", "started",
      {{"role", validator ? "validator" : "follower"},
       {"api", m_config.api_address + ":" + std::to_string(m_http->port())},
       {"p2p", m_config.p2p_address + ":" + std::to_string(m_network->listen_port())},
       {"peers", std::to_string(m_config.peers.size())},
       {"api_auth", m_config.ApiRequiresTokens() ? "tokens" : "none"},
       {"api_tokens", std::to_string(m_config.api_tokens.size())},
       {"member_key", m_member_key ? ToHex(m_member_key->public_key()) : "none"}});
  if (!m_config.ApiRequiresTokens() && !IsLoopbackAddress(m_config.api_address)) {
    Log(LogLevel::kWarn, "node", "the API needs no token and other machines can reach it",
        {{"api", m_config.api_address}});
  }
  return Status::Ok();
}

void Node::Stop() {
  {
    std::unique_lock<std::mutex> lock(m_stop_mutex);
    if (m_stopping) {
      // Another thread is stopping: wait until it is done.
      m_stop_cv.wait(lock, [this] { return m_stopped; });
      return;
    }
    m_stopping = true;
  }
  if (m_driver) m_driver->Stop();
  if (m_network) m_network->Stop();
  if (m_http) m_http->Stop();
  // A block being committed finishes first: io_context::stop does not interrupt a handler.
  m_io.stop();
  for (auto& t : m_threads) {
    if (t.joinable()) t.join();
  }
  m_threads.clear();
  if (m_started) Log(LogLevel::kInfo, "node", "stopped", {{"name", m_config.name}});
  {
    std::lock_guard<std::mutex> lock(m_stop_mutex);
    m_stopped = true;
  }
  m_stop_cv.notify_all();
}

void Node::WaitForStop() {
  std::unique_lock<std::mutex> lock(m_stop_mutex);
  m_stop_cv.wait(lock, [this] { return m_stopped; });
}

uint16_t Node::api_port() const { return m_http ? m_http->port() : 0; }
uint16_t Node::p2p_port() const { return m_network ? m_network->listen_port() : 0; }

Status Node::Admit(const ledger::Transaction& tx, const Hash32& tx_id, Origin origin) const {
  ChainHead head = m_store->Head();
  contracts::AdmissionContext context{m_genesis.chain_id, head.height + 1, m_genesis.params,
                                      /*verify_signatures=*/true};
  COVALUE_ASSIGN_OR_RETURN(auto members, contracts::AdmitTransaction(tx, tx_id, context, *m_store));
  if (origin == Origin::kGossip) return Status::Ok();
  // A dry run of the contract on the committed state gives the submitter its error now;
  // the real run happens in the block (where a concurrent transaction may still win).
  // Its block time: the clock's, as a block proposed now would have (never before the head's).
  contracts::StateOverlay scratch(*m_store);
  int64_t time_ms = head.time_ms == INT64_MAX ? head.time_ms : std::max(m_clock.NowMillis(), head.time_ms + 1);
  contracts::TxContext tx_context{m_genesis.chain_id, head.height + 1, time_ms, tx_id,
                                  std::move(members), m_genesis.params};
  contracts::TxOutcome outcome = contracts::ApplyTransaction(tx, tx_context, scratch);
  COVALUE_RETURN_IF_ERROR(outcome.fault);
  if (!outcome.result.ok()) return Status(outcome.result.code, outcome.result.message);
  return Status::Ok();
}

Result<bool> Node::Pool(ledger::Transaction tx, const Hash32& tx_id, Origin origin) {
  if (m_mempool.Contains(tx_id)) return false;
  COVALUE_RETURN_IF_ERROR(Admit(tx, tx_id, origin));
  size_t bytes = ledger::EncodedTransactionSize(tx);
  // Every validator gets a client's transaction, so whoever proposes next can include it.
  std::optional<ledger::Transaction> gossip;
  if (origin == Origin::kClient) gossip = tx;
  COVALUE_ASSIGN_OR_RETURN(auto added, m_mempool.Add(std::move(tx), tx_id, bytes));
  if (added != Mempool::AddResult::kAdded) return false;
  if (gossip) m_gossip->Add(std::move(*gossip), bytes);
  return true;
}

void Node::Submit(ledger::Transaction tx, bool wait, std::chrono::milliseconds timeout,
                  api::Responder respond) {
  Hash32 tx_id = ledger::TxId(tx);
  auto pooled = Pool(std::move(tx), tx_id, Origin::kClient);
  if (!pooled.ok()) {
    m_metrics.rejections.Add(
        1, {{"stage", "admission"}, {"reason", std::string(CodeName(pooled.status().code()))}});
    return respond(api::ErrorResponse(pooled.status()));
  }
  if (*pooled) m_driver->OnTxsAvailable();
  if (!wait) {
    return respond(api::JsonResponse(202, {{"tx_id", ToHex(tx_id)}, {"status", "pending"}}));
  }
  auto limit = std::chrono::milliseconds(m_config.commit_wait_timeout_ms);
  AddWaiter(tx_id, std::min(timeout, limit), std::move(respond));
}

void Node::OnPeerPayload(const crypto::PublicKey& from, Bytes payload) {
  if (m_isolated.load()) return;
  auto message = DecodePeerMessage(payload);
  if (!message.ok()) {
    ++m_bad_peer_messages;
    Log(LogLevel::kWarn, "p2p", "undecodable peer message",
        {{"peer", ToHex(from)}, {"error", message.status().ToString()}});
    return;
  }
  std::visit(
      [&](auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, ConsensusPayload>) {
          m_driver->OnConsensusMessage(std::move(m.message));
        } else if constexpr (std::is_same_v<T, TxGossip>) {
          bool any = false;
          for (auto& tx : m.txs) {
            Hash32 id = ledger::TxId(tx);
            auto pooled = Pool(std::move(tx), id, Origin::kGossip);
            any = any || (pooled.ok() && *pooled);
          }
          if (any) m_driver->OnTxsAvailable();
        } else if constexpr (std::is_same_v<T, SyncRequest>) {
          m_sender->Send(from, m_driver->AnswerSync(m));
        } else if constexpr (std::is_same_v<T, SyncResponse>) {
          m_driver->OnSyncResponse(from, std::move(m));
        } else {
          m_driver->OnHeadAnnounce(from, std::move(m.certificate));
        }
      },
      *message);
}

nlohmann::json Node::NodeStatus() const {
  nlohmann::json peers = nlohmann::json::array();
  for (const auto& key : m_network->ConnectedPeers()) {
    std::string name = ToHex(key);
    for (const auto& p : m_config.peers) {
      if (p.key == key) name = p.name;
    }
    peers.push_back(name);
  }
  net::PeerNetworkCounters c = m_network->counters();
  ConsensusDriver::Counters d = m_driver->counters();
  return {{"name", m_config.name},
          {"role", m_validators->IndexOf(m_key.public_key()) ? "validator" : "follower"},
          {"key", ToHex(m_key.public_key())},
          {"consensus", {{"height", m_driver->height()}, {"round", m_driver->round()},
                         {"heights_committed", d.heights_committed},
                         {"blocks_synced", d.blocks_synced},
                         {"invalid_proposals", d.invalid_proposals},
                         {"invalid_head_announces", d.invalid_head_announces},
                         {"invalid_synced_blocks", d.invalid_synced_blocks}}},
          {"isolated", m_isolated.load()},
          {"peers_connected", peers},
          {"p2p", {{"handshakes_refused_unknown_key", c.handshakes_refused_unknown_key},
                   {"handshakes_failed", c.handshakes_failed},
                   {"malformed_frames", c.malformed_frames},
                   {"oversized_frames", c.oversized_frames},
                   {"frames_sent", c.frames_sent},
                   {"frames_received", c.frames_received},
                   {"reconnects", c.reconnects},
                   {"undecodable_messages", m_bad_peer_messages.load()}}}};
}

void Node::OnCommitted(const ledger::Block& block, const std::vector<Hash32>& tx_ids) {
  m_commit_feed.Publish(block);
  for (uint32_t i = 0; i < tx_ids.size(); ++i) {
    if (HasWaiters(tx_ids[i])) Settle(tx_ids[i], api::JsonResponse(200, CommittedTxView(block, i)));
  }
}

void Node::AddWaiter(const Hash32& tx_id, std::chrono::milliseconds timeout,
                     api::Responder respond) {
  auto waiter = std::make_shared<Waiter>(m_io, std::move(respond));
  std::string key = ToHex(tx_id);
  // Armed on the waiter's strand before anyone can find it to cancel it.
  boost::asio::post(waiter->timer.get_executor(), [this, waiter, key, timeout, tx_id] {
    waiter->timer.expires_after(timeout);
    waiter->timer.async_wait([this, waiter, key, timeout](const boost::system::error_code& error) {
      if (error || waiter->done.exchange(true)) return;
      {
        std::lock_guard<std::mutex> lock(m_waiters_mutex);
        auto [begin, end] = m_waiters.equal_range(key);
        for (auto it = begin; it != end; ++it) {
          if (it->second == waiter) {
            m_waiters.erase(it);
            break;
          }
        }
      }
      waiter->respond(api::ErrorResponse(
          Status(Code::kTimeout, "not committed within " + std::to_string(timeout.count()) +
                                     " ms; still pending, query /v1/tx/" + key)));
    });
    {
      std::lock_guard<std::mutex> lock(m_waiters_mutex);
      m_waiters.emplace(key, waiter);
    }
    // The transaction may have been decided between admission and now.
    auto location = m_store->FindTx(tx_id);
    if (location.ok() && *location) {
      auto view = CommittedTxView(*m_store, **location);
      return Settle(tx_id, view.ok() ? api::JsonResponse(200, *view) : api::ErrorResponse(view.status()));
    }
    Status reason;
    if (Stage(tx_id, &reason) == TxStage::kRejected) Settle(tx_id, api::ErrorResponse(reason));
  });
}

bool Node::HasWaiters(const Hash32& tx_id) const {
  std::lock_guard<std::mutex> lock(m_waiters_mutex);
  return m_waiters.count(ToHex(tx_id)) != 0;
}

void Node::Settle(const Hash32& tx_id, const api::HttpResponse& response) {
  std::vector<std::shared_ptr<Waiter>> waiters;
  {
    std::lock_guard<std::mutex> lock(m_waiters_mutex);
    auto [begin, end] = m_waiters.equal_range(ToHex(tx_id));
    for (auto it = begin; it != end; ++it) waiters.push_back(it->second);
    m_waiters.erase(begin, end);
  }
  for (auto& waiter : waiters) {
    if (waiter->done.exchange(true)) continue;
    boost::asio::post(waiter->timer.get_executor(), [waiter] { waiter->timer.cancel(); });
    waiter->respond(response);
  }
}

TxStage Node::Stage(const Hash32& tx_id, Status* reason) const {
  if (m_mempool.Contains(tx_id)) return TxStage::kPending;
  std::lock_guard<std::mutex> lock(m_rejected_mutex);
  auto it = m_rejected.find(ToHex(tx_id));
  if (it == m_rejected.end()) return TxStage::kUnknown;
  *reason = it->second;
  return TxStage::kRejected;
}

void Node::RememberRejection(const Hash32& tx_id, const Status& reason) {
  std::lock_guard<std::mutex> lock(m_rejected_mutex);
  std::string key = ToHex(tx_id);
  if (m_rejected.emplace(key, reason).second) m_rejected_order.push_back(key);
  if (m_rejected_order.size() > kRememberedRejections) {
    m_rejected.erase(m_rejected_order.front());
    m_rejected_order.erase(m_rejected_order.begin());
  }
}

Readiness Node::CurrentReadiness() const {
  Readiness r;
  r.height = m_store->Head().height;
  r.peers_height = m_driver->peers_height();
  r.isolated = m_isolated.load();
  for (const auto& key : m_network->ConnectedPeers()) {
    if (key != m_key.public_key() && m_validators->IndexOf(key)) ++r.validator_peers;
  }
  size_t others = m_validators->size() - (m_validators->IndexOf(m_key.public_key()) ? 1 : 0);
  r.validator_peers_needed = std::min(m_validators->MaxFaulty() + 1, others);
  return r;
}

void Node::CollectMetrics() {
  Readiness r = CurrentReadiness();
  ConsensusDriver::Counters d = m_driver->counters();
  m_metrics.height.Set(static_cast<double>(r.height));
  m_metrics.consensus_height.Set(static_cast<double>(m_driver->height()));
  m_metrics.consensus_round.Set(m_driver->round());
  m_metrics.peers_height.Set(static_cast<double>(r.peers_height));
  m_metrics.peers_connected.Set(static_cast<double>(m_network->ConnectedPeers().size()));
  m_metrics.mempool_txs.Set(static_cast<double>(m_mempool.size()));
  m_metrics.mempool_bytes.Set(static_cast<double>(m_mempool.bytes()));
  m_metrics.ready.Set(NotReadyReasons(r).empty() ? 1 : 0);
  m_metrics.commits.Set(static_cast<double>(d.heights_committed));
  m_metrics.blocks_synced.Set(static_cast<double>(d.blocks_synced));
  m_metrics.txs_committed.Set(static_cast<double>(d.txs_committed));
  m_metrics.invalid_proposals.Set(static_cast<double>(d.invalid_proposals));
}

}  // namespace covalue::node
