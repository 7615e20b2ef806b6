#include "node/node.h"

#include "contracts/admission.h"
#include "node/genesis_file.h"
#include "node/key_file.h"
#include "node/ledger_api.h"
#include "node/storage/rocks_kv_store.h"

namespace covalue::node {

namespace {
constexpr size_t kRememberedRejections = 10000;
}

struct Node::Waiter {
  explicit Waiter(boost::asio::io_context& io, api::Responder r) : respond(std::move(r)), timer(io) {}
  api::Responder respond;
  boost::asio::steady_timer timer;
  std::atomic<bool> done{false};
};

Result<std::unique_ptr<Node>> Node::Open(const NodeConfig& config,
                                         const std::optional<std::string>& passphrase) {
  COVALUE_RETURN_IF_ERROR(config.Validate());
  COVALUE_ASSIGN_OR_RETURN(auto genesis, ReadGenesisFile(config.genesis_file));
  COVALUE_ASSIGN_OR_RETURN(auto key, ReadKeyFile(config.validator_key_file, passphrase));
  COVALUE_ASSIGN_OR_RETURN(auto kv, storage::RocksKvStore::Open(config.data_dir));
  std::unique_ptr<Node> node(
      new Node(config, std::move(genesis), std::move(key), std::move(kv)));
  COVALUE_ASSIGN_OR_RETURN(auto validators, consensus::ValidatorSet::Create(node->m_genesis.validators));
  node->m_validators.emplace(std::move(validators));
  COVALUE_RETURN_IF_ERROR(node->m_store->Initialize(node->m_genesis));
  COVALUE_ASSIGN_OR_RETURN(auto producer, BlockProducer::Create(*node->m_store, node->m_genesis,
                                                                node->m_key, node->m_clock));
  node->m_producer.emplace(std::move(producer));
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
      m_mempool(m_config.mempool_max_txs, m_config.mempool_max_bytes),
      m_chain_strand(boost::asio::make_strand(m_io)),
      m_production_timer(m_chain_strand) {}

Node::~Node() { Stop(); }

Status Node::Start(size_t api_threads) {
  api::HttpServerOptions options;
  options.address = m_config.api_address;
  options.port = m_config.api_port;
  options.max_body_bytes = m_config.api_max_body_bytes;
  m_http = std::make_unique<api::HttpServer>(m_io, options, BuildLedgerApi(*this));
  COVALUE_RETURN_IF_ERROR(m_http->Start());
  m_started = true;
  boost::asio::post(m_chain_strand, [this] { ScheduleProduction(); });
  for (size_t i = 0; i < std::max<size_t>(1, api_threads); ++i) {
    m_threads.emplace_back([this] { m_io.run(); });
  }
  Log(LogLevel::kInfo, "node", "api listening",
      {{"address", m_config.api_address}, {"port", std::to_string(m_http->port())}});
  return Status::Ok();
}

void Node::Stop() {
  {
    std::lock_guard<std::mutex> lock(m_stop_mutex);
    if (m_stopped) return;
    m_stopped = true;
  }
  m_stop_cv.notify_all();
  if (m_http) m_http->Stop();
  // A block being committed finishes first: io_context::stop does not interrupt a handler.
  m_io.stop();
  for (auto& t : m_threads) {
    if (t.joinable()) t.join();
  }
  m_threads.clear();
  if (m_started) Log(LogLevel::kInfo, "node", "stopped", {{"name", m_config.name}});
}

void Node::WaitForStop() {
  std::unique_lock<std::mutex> lock(m_stop_mutex);
  m_stop_cv.wait(lock, [this] { return m_stopped; });
}

uint16_t Node::api_port() const { return m_http ? m_http->port() : 0; }

Status Node::Admit(const ledger::Transaction& tx, const Hash32& tx_id) const {
  ChainHead head = m_store->Head();
  contracts::AdmissionContext context{m_genesis.chain_id, head.height + 1, m_genesis.params,
                                      /*verify_signatures=*/true};
  COVALUE_ASSIGN_OR_RETURN(auto members, contracts::AdmitTransaction(tx, tx_id, context, *m_store));
  // A dry run of the contract on the committed state gives the submitter its error now;
  // the real run happens in the block (where a concurrent transaction may still win).
  contracts::StateOverlay scratch(*m_store);
  contracts::TxContext tx_context{m_genesis.chain_id, head.height + 1, head.time_ms, tx_id,
                                  std::move(members)};
  contracts::TxOutcome outcome = contracts::ApplyTransaction(tx, tx_context, scratch);
  COVALUE_RETURN_IF_ERROR(outcome.fault);
  if (!outcome.result.ok()) return Status(outcome.result.code, outcome.result.message);
  return Status::Ok();
}

void Node::Submit(ledger::Transaction tx, bool wait, std::chrono::milliseconds timeout,
                  api::Responder respond) {
  Hash32 tx_id = ledger::TxId(tx);
  bool pending = m_mempool.Contains(tx_id);
  if (!pending) {
    Status admitted = Admit(tx, tx_id);
    if (!admitted.ok()) return respond(api::ErrorResponse(admitted));
    size_t bytes = ledger::EncodeTransaction(tx).size();
    auto added = m_mempool.Add(std::move(tx), tx_id, bytes);
    if (!added.ok()) return respond(api::ErrorResponse(added.status()));
  }
  if (!wait) {
    return respond(api::JsonResponse(202, {{"tx_id", ToHex(tx_id)}, {"status", "pending"}}));
  }
  auto limit = std::chrono::milliseconds(m_config.commit_wait_timeout_ms);
  AddWaiter(tx_id, std::min(timeout, limit), std::move(respond));
}

void Node::AddWaiter(const Hash32& tx_id, std::chrono::milliseconds timeout,
                     api::Responder respond) {
  auto waiter = std::make_shared<Waiter>(m_io, std::move(respond));
  std::string key = ToHex(tx_id);
  {
    std::lock_guard<std::mutex> lock(m_waiters_mutex);
    m_waiters.emplace(key, waiter);
  }
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
  // The block may have been decided between admission and registering the waiter.
  auto location = m_store->FindTx(tx_id);
  if (location.ok() && *location) return Settle(tx_id, Status::Ok());
  Status reason;
  if (Stage(tx_id, &reason) == TxStage::kRejected) Settle(tx_id, reason);
}

void Node::Settle(const Hash32& tx_id, const Status& rejection) {
  std::vector<std::shared_ptr<Waiter>> waiters;
  {
    std::lock_guard<std::mutex> lock(m_waiters_mutex);
    auto [begin, end] = m_waiters.equal_range(ToHex(tx_id));
    for (auto it = begin; it != end; ++it) waiters.push_back(it->second);
    m_waiters.erase(begin, end);
  }
  if (waiters.empty()) return;
  api::HttpResponse response;
  if (rejection.ok()) {
    auto location = m_store->FindTx(tx_id);
    Result<Json> view = location.ok() && *location
                            ? CommittedTxView(*m_store, tx_id, **location)
                            : Result<Json>(Status(Code::kInternal, "committed tx not found"));
    response = view.ok() ? api::JsonResponse(200, *view) : api::ErrorResponse(view.status());
  } else {
    response = api::ErrorResponse(rejection);
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

void Node::ScheduleProduction() {
  m_production_timer.expires_after(std::chrono::milliseconds(m_config.block_interval_ms));
  m_production_timer.async_wait([this](const boost::system::error_code& error) {
    if (error) return;
    ProduceOnce();
    ScheduleProduction();
  });
}

void Node::ProduceOnce() {
  if (m_mempool.size() == 0) return;
  auto produced = m_producer->Produce(m_mempool.Peek(m_genesis.params.max_block_txs));
  if (!produced.ok()) {
    // Nothing was written (the batch is atomic); the next tick tries again.
    Log(LogLevel::kError, "chain", "block production failed",
        {{"error", produced.status().ToString()}});
    return;
  }
  std::vector<Hash32> done;
  for (const auto& rejected : produced->rejected) {
    done.push_back(rejected.tx_id);
    RememberRejection(rejected.tx_id, rejected.reason);
    Log(LogLevel::kInfo, "chain", "transaction left out",
        {{"tx", ToHex(rejected.tx_id)}, {"reason", rejected.reason.ToString()}});
  }
  const ledger::Block& block = produced->block;
  std::vector<Hash32> committed;
  for (const auto& tx : block.txs) committed.push_back(ledger::TxId(tx));
  done.insert(done.end(), committed.begin(), committed.end());
  m_mempool.Remove(done);
  if (block.header.height != 0) {
    Log(LogLevel::kInfo, "chain", "block committed",
        {{"height", std::to_string(block.header.height)},
         {"txs", std::to_string(block.txs.size())},
         {"id", ToHex(ledger::BlockId(block.header))}});
  }
  for (const auto& id : committed) Settle(id, Status::Ok());
  for (const auto& rejected : produced->rejected) Settle(rejected.tx_id, rejected.reason);
}

}  // namespace covalue::node
