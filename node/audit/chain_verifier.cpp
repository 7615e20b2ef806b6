#include "node/audit/chain_verifier.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "node/audit/stored_data_check.h"
#include "node/block_builder.h"
#include "node/signature_check.h"

namespace covalue::audit {
namespace {

std::string Short(const Hash32& hash) {
  return ToHex(hash).substr(0, 16);
}

// The chain's head once the block with `header` is on it.
node::ChainHead HeadAfter(const ledger::BlockHeader& header) {
  return {header.height,     ledger::BlockId(header), header.time_ms,
          header.state_root, header.log_size,         header.log_root};
}

std::string DescribeResult(const ledger::TxResult& result) {
  return std::string(CodeName(result.code)) + " \"" + result.message + "\" with " +
         std::to_string(result.events.size()) + " event(s)";
}

}  // namespace

Status CheckCertifiedHeader(const ledger::BlockHeader& header,
                            const consensus::CommitCertificate& certificate,
                            const ledger::Genesis& genesis,
                            const consensus::ValidatorSet& validators) {
  if (header.chain_id != genesis.chain_id) {
    return Status(Code::kWrongChain,
                  "header is for chain '" + header.chain_id + "', not '" + genesis.chain_id + "'");
  }
  Status verified = consensus::VerifyCommitCertificate(certificate, validators, genesis.chain_id,
                                                       header.height, ledger::BlockId(header));
  if (!verified.ok()) return Status(verified.code(), "commit certificate: " + verified.message());
  return Status::Ok();
}

Result<std::unique_ptr<ChainVerifier>> ChainVerifier::Create(const ledger::Genesis& genesis,
                                                             std::optional<RangeAnchor> anchor) {
  COVALUE_RETURN_IF_ERROR(ledger::ValidateGenesis(genesis));
  COVALUE_ASSIGN_OR_RETURN(auto validators, consensus::ValidatorSet::Create(genesis.validators));
  std::unique_ptr<ChainVerifier> verifier(new ChainVerifier(genesis, std::move(validators)));
  AuditReport& report = verifier->m_report;
  report.chain_id = genesis.chain_id;
  report.genesis_hash = ledger::GenesisHash(genesis);
  if (!anchor) {
    verifier->m_replay_kv = std::make_unique<storage::MemoryKvStore>();
    verifier->m_replay = std::make_unique<node::ChainStore>(*verifier->m_replay_kv,
                                                            /*state_cache_bytes=*/0);
    COVALUE_RETURN_IF_ERROR(verifier->m_replay->Initialize(verifier->m_genesis));
    verifier->m_previous = verifier->m_replay->Head();
    report.state_replayed = true;
  } else {
    const ledger::BlockHeader& header = anchor->header;
    auto bad_anchor = [&](const std::string& what) {
      return Status(Code::kInvalidArgument,
                    "anchor block " + std::to_string(header.height) + ": " + what);
    };
    if (header.height == 0) return bad_anchor("a range anchor is a block, not the genesis");
    Status certified = CheckCertifiedHeader(header, anchor->certificate, verifier->m_genesis,
                                            verifier->m_validators);
    if (!certified.ok()) return bad_anchor(certified.message());
    verifier->m_frontier = std::make_unique<crypto::MemoryMerkleNodes>();
    verifier->m_frontier->PutAll(anchor->log_frontier);
    auto root = crypto::MerkleRoot(*verifier->m_frontier, header.log_size);
    if (!root.ok() || *root != header.log_root) {
      return bad_anchor("the log frontier does not give the header's log root");
    }
    verifier->m_range_log =
        std::make_unique<crypto::MerkleLogWriter>(*verifier->m_frontier, header.log_size);
    verifier->m_previous = HeadAfter(header);
  }
  report.first_height = verifier->m_previous.height + 1;
  verifier->ReportRoots();
  return verifier;
}

void ChainVerifier::ReportRoots() {
  m_report.state_root = m_previous.state_root;
  m_report.log_size = m_previous.log_size;
  m_report.log_root = m_previous.log_root;
}

Status ChainVerifier::Fail(uint64_t height, const Status& status) {
  m_failure = Status(status.code(), "block " + std::to_string(height) + ": " + status.message());
  return m_failure;
}

Status ChainVerifier::CheckBlock(const ledger::Block& block, const BlockSignatures* signatures) {
  if (!m_failure.ok()) return m_failure;
  uint64_t height = next_height();
  Status checked = CheckBlockAlone(block, signatures);
  if (checked.ok()) checked = m_replay ? ReplayBlock(block) : CheckRangeLog(block);
  if (!checked.ok()) return Fail(height, checked);
  m_previous = HeadAfter(block.header);
  m_report.blocks++;
  m_report.transactions += block.txs.size();
  for (const auto& tx : block.txs) m_report.tx_signatures += tx.signatures.size();
  m_report.certificates++;
  m_report.certificate_signatures += block.certificate.signatures.size();
  ReportRoots();
  return Status::Ok();
}

BlockSignatures ChainVerifier::VerifySignatures(const ledger::Block& block) {
  BlockSignatures found;
  // The certificate beside the transactions: on a chain of small blocks its signatures are
  // most of a block's.
  found.txs = node::VerifySignatures(block.txs, {}, &m_pool, [&] {
    found.certificate =
        CheckCertifiedHeader(block.header, block.certificate, m_genesis, m_validators);
  });
  return found;
}

Status ChainVerifier::CheckBlockAlone(const ledger::Block& block, const BlockSignatures* verified) {
  const ledger::BlockHeader& header = block.header;
  auto invalid = [](std::string what) { return Status(Code::kInvalidArgument, std::move(what)); };
  if (header.chain_id != m_genesis.chain_id) {
    return Status(Code::kWrongChain,
                  "chain id is '" + header.chain_id + "', not '" + m_genesis.chain_id + "'");
  }
  if (header.height != next_height()) {
    return invalid("header says height " + std::to_string(header.height));
  }
  if (header.previous_id != m_previous.block_id) {
    return invalid("previous id " + Short(header.previous_id) + "… is not the id of " +
                   (m_previous.height == 0 ? std::string("the genesis")
                                           : "block " + std::to_string(m_previous.height)) +
                   " (" + Short(m_previous.block_id) + "…)");
  }
  if (header.time_ms <= m_previous.time_ms) {
    return invalid("time " + std::to_string(header.time_ms) + " is not after the previous " +
                   std::to_string(m_previous.time_ms));
  }
  if (!m_validators.IndexOf(header.proposer)) return invalid("proposer is not a validator");
  if (block.txs.size() > m_genesis.params.max_block_txs) {
    return invalid(std::to_string(block.txs.size()) + " transactions, more than max_block_txs");
  }
  Status body = ledger::CheckBlockBody(block);
  if (!body.ok()) return Status(body.code(), "body: " + body.message());
  BlockSignatures verified_here;
  if (verified == nullptr) verified_here = VerifySignatures(block);
  const BlockSignatures& signatures = verified != nullptr ? *verified : verified_here;
  COVALUE_RETURN_IF_ERROR(signatures.certificate);
  for (size_t i = 0; i < block.txs.size(); ++i) {
    const ledger::Transaction& tx = block.txs[i];
    Status signed_ok = tx.chain_id == m_genesis.chain_id
                           ? signatures.txs[i]
                           : Status(Code::kWrongChain, "it is for chain '" + tx.chain_id + "'");
    if (!signed_ok.ok()) {
      return Status(signed_ok.code(), "transaction " + std::to_string(i) + " (" +
                                          Short(ledger::TxId(tx)) + "…): " + signed_ok.message());
    }
  }
  return Status::Ok();
}

Status ChainVerifier::ReplayBlock(const ledger::Block& block) {
  // Every signature was verified just now (CheckBlockAlone): the executor need not again.
  auto verified = [](const ledger::Transaction&, const Hash32&) { return true; };
  auto built = node::ReplayBlock(*m_replay, m_genesis, block, verified);
  if (!built.ok()) {
    return Status(built.status().code(), "the replay disagrees: " + built.status().message());
  }
  const auto& replayed = built->block.results;
  for (size_t i = 0; i < block.results.size(); ++i) {
    if (!(block.results[i] == replayed[i])) {
      return Status(Code::kCorruption, "result of transaction " + std::to_string(i) + " (" +
                                           Short(ledger::TxId(block.txs[i])) + "…) is " +
                                           DescribeResult(block.results[i]) +
                                           "; the replay gives " + DescribeResult(replayed[i]));
    }
  }
  // Committed with the source's certificate, so the replay store is what the node stored.
  return node::CommitBuiltBlock(*m_replay, *built, block.certificate);
}

Status ChainVerifier::CheckRangeLog(const ledger::Block& block) {
  const ledger::BlockHeader& header = block.header;
  for (uint32_t i = 0; i < block.txs.size(); ++i) {
    COVALUE_RETURN_IF_ERROR(m_range_log->Append(crypto::MerkleLeafHash(
        ledger::EncodeLogLeaf(header.height, i, ledger::TxId(block.txs[i]), block.results[i]))));
  }
  COVALUE_ASSIGN_OR_RETURN(Hash32 root, m_range_log->Root());
  if (m_range_log->size() != header.log_size) {
    return Status(Code::kCorruption, "log size " + std::to_string(header.log_size) +
                                         " is not the " + std::to_string(m_range_log->size()) +
                                         " leaves of the log so far");
  }
  if (root != header.log_root) {
    return Status(Code::kCorruption,
                  "log root differs from the root of the log over the stored results");
  }
  return Status::Ok();
}

Status ChainVerifier::CheckClaimedHead(const node::ChainHead& claimed) {
  if (!m_failure.ok()) return m_failure;
  if (claimed == m_previous) return Status::Ok();
  m_failure = Status(
      Code::kCorruption,
      "head: the source claims height " + std::to_string(claimed.height) + " with block " +
          Short(claimed.block_id) + "…, state root " + Short(claimed.state_root) + "…, log " +
          std::to_string(claimed.log_size) + "/" + Short(claimed.log_root) + "…; block " +
          std::to_string(m_previous.height) + " is " + Short(m_previous.block_id) +
          "…, state root " + Short(m_previous.state_root) + "…, log " +
          std::to_string(m_previous.log_size) + "/" + Short(m_previous.log_root) + "…");
  return m_failure;
}

Status ChainVerifier::CompareStoredData(const storage::KvStore& stored) {
  if (!m_failure.ok()) return m_failure;
  if (!m_replay) return Status::Ok();
  auto versions_from = audit::CompareStoredData(stored, *m_replay_kv, m_previous.height, m_pool);
  if (!versions_from.ok()) {
    m_failure =
        Status(versions_from.status().code(), "stored data: " + versions_from.status().message());
    return m_failure;
  }
  m_report.stored_data_compared = true;
  m_report.state_versions_from = *versions_from;
  return Status::Ok();
}

namespace {

// Reads blocks first..last of a source in order on a thread of its own, verifying each one's
// signatures, its transactions' and its certificate's (on the verifier's pool), keeping up to
// kAhead verified blocks ready (and one more under way) for the thread that takes them with Next —
// so that verification and the replay keep both cores busy instead of taking turns. A block that
// cannot be read is handed on as its error, and the thread stops there. The destructor stops the
// thread (after the read or verification under way) and joins it; the source is used by that thread
// only, until then. ReadBlock and VerifySignatures report errors as Status, not exceptions: one
// thrown on the reading thread would end the process.
class BlockPrefetcher {
 public:
  struct Fetched {
    Result<ledger::Block> block;
    BlockSignatures signatures;  // VerifySignatures(*block) when the block was read
  };
  static constexpr size_t kAhead = 4;

  BlockPrefetcher(ChainSource& source, ChainVerifier& verifier, uint64_t first, uint64_t last)
      : m_thread([this, &source, &verifier, first, last] { Run(source, verifier, first, last); }) {}
  ~BlockPrefetcher() {
    {
      std::lock_guard lock(m_mutex);
      m_stopping = true;
    }
    m_space.notify_all();
    m_thread.join();
  }
  BlockPrefetcher(const BlockPrefetcher&) = delete;
  BlockPrefetcher& operator=(const BlockPrefetcher&) = delete;

  // The next block in height order; waits for it. At most last − first + 1 calls, and none
  // after one that returned an error.
  Fetched Next() {
    std::unique_lock lock(m_mutex);
    m_filled.wait(lock, [this] { return !m_ready.empty(); });
    Fetched fetched = std::move(m_ready.front());
    m_ready.pop_front();
    lock.unlock();
    m_space.notify_one();
    return fetched;
  }

 private:
  void Run(ChainSource& source, ChainVerifier& verifier, uint64_t first, uint64_t last) {
    for (uint64_t height = first; height <= last; ++height) {
      {
        std::unique_lock lock(m_mutex);
        m_space.wait(lock, [this] { return m_stopping || m_ready.size() < kAhead; });
        if (m_stopping) return;
      }
      Fetched fetched{source.ReadBlock(height), {}};
      const bool read = fetched.block.ok();
      if (read) fetched.signatures = verifier.VerifySignatures(*fetched.block);
      {
        std::lock_guard lock(m_mutex);
        m_ready.push_back(std::move(fetched));
      }
      m_filled.notify_one();
      if (!read) return;
    }
  }

  std::mutex m_mutex;  // guards m_ready and m_stopping
  std::condition_variable m_filled;
  std::condition_variable m_space;
  std::deque<Fetched> m_ready;
  bool m_stopping = false;
  std::thread m_thread;  // last: starts once the members above exist
};

}  // namespace

Status VerifyChain(ChainSource& source, ChainVerifier& verifier) {
  const SourceRange& range = source.range();
  if (range.last != 0 && range.first != verifier.next_height()) {
    return Status(Code::kInvalidArgument, "the source starts at block " +
                                              std::to_string(range.first) + ", the audit at " +
                                              std::to_string(verifier.next_height()));
  }
  if (range.first <= range.last) {
    // Later blocks are read and their signatures verified while this thread checks and
    // replays the earlier ones. On an early return the prefetcher stops and is joined.
    BlockPrefetcher prefetcher(source, verifier, range.first, range.last);
    for (uint64_t height = range.first; height <= range.last; ++height) {
      BlockPrefetcher::Fetched current = prefetcher.Next();
      if (!current.block.ok()) {
        std::string message = current.block.status().message();
        std::string name = "block " + std::to_string(height) + ": ";
        if (message.rfind(name, 0) != 0) message = name + message;  // an I/O error, say
        return Status(current.block.status().code(), message);
      }
      COVALUE_RETURN_IF_ERROR(verifier.CheckBlock(*current.block, &current.signatures));
    }
  }
  if (range.claimed_head) COVALUE_RETURN_IF_ERROR(verifier.CheckClaimedHead(*range.claimed_head));
  if (const storage::KvStore* stored = source.stored_kv()) {
    COVALUE_RETURN_IF_ERROR(verifier.CompareStoredData(*stored));
  }
  return Status::Ok();
}

}  // namespace covalue::audit
