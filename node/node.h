// Node: one running covalue node with a single validator (n = 1) — RocksDB store, mempool,
// block producer, and the HTTP API, on Boost.Asio. Owns everything it opens.
// Threads: `api_threads` run the io_context (HTTP sessions, timers); block production runs
// on one strand (m_chain_strand), the only place the chain is written. Start, Stop and the
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
#include "node/block_producer.h"
#include "node/config.h"
#include "node/ledger_service.h"
#include "node/mempool.h"
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

  // Binds the API and starts producing blocks.
  Status Start(size_t api_threads = 2);
  // Stops accepting, finishes the block in progress, and joins the threads. Idempotent.
  void Stop();
  // Blocks until Stop() has been called (e.g. from a signal handler thread).
  void WaitForStop();
  uint16_t api_port() const;

  // LedgerService
  const ledger::Genesis& genesis() const override { return m_genesis; }
  const consensus::ValidatorSet& validators() const override { return *m_validators; }
  const ChainStore& store() const override { return *m_store; }
  size_t mempool_size() const override { return m_mempool.size(); }
  void Submit(ledger::Transaction tx, bool wait, std::chrono::milliseconds timeout,
              api::Responder respond) override;
  TxStage Stage(const Hash32& tx_id, Status* reason) const override;

 private:
  struct Waiter;
  Node(NodeConfig config, ledger::Genesis genesis, crypto::KeyPair key,
       std::unique_ptr<storage::KvStore> kv);

  Status Admit(const ledger::Transaction& tx, const Hash32& tx_id) const;
  void AddWaiter(const Hash32& tx_id, std::chrono::milliseconds timeout, api::Responder respond);
  void ScheduleProduction();
  void ProduceOnce();
  void Settle(const Hash32& tx_id, const Status& rejection);
  void RememberRejection(const Hash32& tx_id, const Status& reason);

  NodeConfig m_config;
  ledger::Genesis m_genesis;
  crypto::KeyPair m_key;
  std::optional<consensus::ValidatorSet> m_validators;
  std::unique_ptr<storage::KvStore> m_kv;
  std::unique_ptr<ChainStore> m_store;
  SystemClock m_clock;
  Mempool m_mempool;
  std::optional<BlockProducer> m_producer;

  boost::asio::io_context m_io;
  boost::asio::strand<boost::asio::io_context::executor_type> m_chain_strand;
  boost::asio::steady_timer m_production_timer;
  std::unique_ptr<api::HttpServer> m_http;
  std::vector<std::thread> m_threads;

  mutable std::mutex m_waiters_mutex;
  std::unordered_multimap<std::string, std::shared_ptr<Waiter>> m_waiters;  // by hex tx id
  mutable std::mutex m_rejected_mutex;
  std::unordered_map<std::string, Status> m_rejected;  // recent block-time rejections
  std::vector<std::string> m_rejected_order;

  std::mutex m_stop_mutex;
  std::condition_variable m_stop_cv;
  bool m_stopped = false;
  bool m_started = false;
};

}  // namespace covalue::node
