#include "tests/sim/sim_node.h"

#include <algorithm>
#include <iostream>
#include <sstream>

#include "node/block_builder.h"
#include "tests/sim/trace_format.h"

namespace covalue::sim {
namespace {

constexpr size_t kMaxBlockTxs = 8;
constexpr uint64_t kMaxSyncBlocks = 16;
// The proposer's host waits this long before answering RequestValue (a block interval),
// so a run covers a handful of heights rather than hundreds.
constexpr uint64_t kMinBlockDelayMs = 100;
constexpr uint64_t kMaxBlockDelayMs = 300;

std::shared_ptr<const Packet> MakePacket(Packet packet) {
  return std::make_shared<const Packet>(std::move(packet));
}

}  // namespace

SimNode::SimNode(SimContext& context, int address, uint32_t key_index, const crypto::KeyPair& key,
                 NodeRole role, MidActionCrashes crashes)
    : m_context(context),
      m_address(address),
      m_key_index(key_index),
      m_key(key),
      m_role(role),
      m_crashes(crashes),
      m_kv(std::make_unique<storage::MemoryKvStore>()) {}

uint64_t SimNode::head_height() const { return m_store ? m_store->Head().height : 0; }

std::string SimNode::Describe() const {
  if (!m_up) return "down";
  std::ostringstream out;
  out << "head=" << head_height() << " engine h=" << m_engine->height()
      << " r=" << m_engine->round() << " step=" << static_cast<int>(m_engine->step())
      << " mempool=" << m_mempool.size();
  return out.str();
}

void SimNode::Later(uint64_t delay_ms, std::function<void()> fn) {
  uint64_t incarnation = m_incarnation;
  m_context.scheduler.After(delay_ms, [this, incarnation, fn = std::move(fn)] {
    if (m_up && m_incarnation == incarnation) fn();
  });
}

void SimNode::Boot() {
  m_up = true;
  ++m_incarnation;
  m_store = std::make_unique<node::ChainStore>(*m_kv);
  Status init = m_store->Initialize(m_context.genesis);
  if (!init.ok()) {
    m_context.checker.Report("commit_failed", "node " + std::to_string(m_address) +
                                                  " cannot reopen its store: " + init.ToString());
  }
  uint64_t head = m_store->Head().height;
  m_context.checker.OnRestart(m_address, head);
  // A node that forgets its lock comes back as if it had never signed anything.
  consensus::SafetyState safety = m_role == NodeRole::kForgetsLock ? consensus::SafetyState{} : m_persisted;
  m_engine = std::make_unique<consensus::Engine>(m_context.engine_config, m_context.validators,
                                                 m_key, head + 1, safety);
  Run(m_engine->Start());
}

void SimNode::Crash(const std::string& why) {
  if (!m_up) return;
  m_context.trace("node " + std::to_string(m_address) + " crashes (" + why + ") at " +
                  Describe());
  m_up = false;
  ++m_incarnation;
  m_engine.reset();
  m_store.reset();
  m_kv->DropUnsynced();
  m_mempool.clear();
  m_mempool_ids.clear();
  m_equivocations.clear();
}

void SimNode::CrashAndRestart(uint64_t down_ms, const std::string& why) {
  if (!m_up) return;
  Crash(why);
  uint64_t incarnation = m_incarnation;
  m_context.scheduler.After(down_ms, [this, incarnation] {
    if (m_up || m_incarnation != incarnation) return;
    m_context.trace("node " + std::to_string(m_address) + " restarts");
    Boot();
  });
}

void SimNode::StepEngine(const consensus::Event& event) {
  if (!m_up) return;
  if (m_context.verbose) {
    std::cerr << "t=" << m_context.scheduler.now() << " node " << m_address << " <- "
              << DescribeEvent(event) << "  [" << Describe() << "]\n";
  }
  Run(m_engine->Step(event));
}

void SimNode::Run(std::vector<consensus::Action> actions) {
  for (size_t i = 0; i < actions.size(); ++i) {
    if (!m_up) return;
    if (m_context.verbose) {
      std::cerr << "t=" << m_context.scheduler.now() << " node " << m_address << " -> "
                << DescribeAction(actions[i]) << "\n";
    }
    Carry(actions[i]);
    if (MaybeCrashMidActions(actions[i], i + 1 < actions.size())) return;
  }
}

bool SimNode::MaybeCrashMidActions(const consensus::Action& done, bool more_follow) {
  const MidActionCrashes& c = m_crashes;
  if (!m_up || !more_follow || m_crash_count >= c.max_crashes) return false;
  if (m_context.scheduler.now() >= c.until_ms) return false;
  const char* why = nullptr;
  if (std::holds_alternative<consensus::PersistSafetyState>(done) &&
      m_context.rng.Chance(c.after_persist)) {
    why = "between PersistSafetyState and the next action";
  } else if (const auto* b = std::get_if<consensus::Broadcast>(&done);
             b && std::holds_alternative<consensus::Vote>(b->message) &&
             m_context.rng.Chance(c.after_vote_broadcast)) {
    why = "right after a vote left";
  } else if (m_context.rng.Chance(c.after_any_action)) {
    why = "between two actions";
  }
  if (why == nullptr) return false;
  ++m_crash_count;
  CrashAndRestart(m_context.rng.Between(c.min_down_ms, c.max_down_ms), why);
  return true;
}

void SimNode::Carry(const consensus::Action& action) {
  std::visit(
      [&](const auto& a) {
        using T = std::decay_t<decltype(a)>;
        if constexpr (std::is_same_v<T, consensus::Broadcast>) {
          OnBroadcast(a.message);
        } else if constexpr (std::is_same_v<T, consensus::ScheduleTimeout>) {
          consensus::TimeoutFired fired{a.height, a.round, a.kind};
          Later(a.after_ms, [this, fired] { StepEngine(fired); });
        } else if constexpr (std::is_same_v<T, consensus::PersistSafetyState>) {
          m_persisted = a.state;  // durable at once (an fsynced file in the node)
        } else if constexpr (std::is_same_v<T, consensus::RequestValue>) {
          uint64_t height = a.height;
          uint32_t round = a.round;
          Later(m_context.rng.Between(kMinBlockDelayMs, kMaxBlockDelayMs),
                [this, height, round] { OnRequestValue(height, round); });
        } else if constexpr (std::is_same_v<T, consensus::ValidateValue>) {
          OnValidateValue(a);
        } else if constexpr (std::is_same_v<T, consensus::Commit>) {
          OnCommit(a);
        } else if constexpr (std::is_same_v<T, consensus::RequestSync>) {
          int peers = m_context.network.addresses();
          int peer = static_cast<int>(m_context.rng.Between(0, static_cast<uint64_t>(peers - 2)));
          if (peer >= m_address) ++peer;
          m_context.network.Send(m_address, peer, MakePacket(SyncRequestPacket{a.from_height}));
        }
      },
      action);
}

void SimNode::OnBroadcast(const consensus::Message& message) {
  m_context.checker.OnSigned(m_address, message);
  if (m_role == NodeRole::kEquivocator) {
    if (const auto* proposal = std::get_if<consensus::Proposal>(&message)) {
      Equivocate(*proposal);
      return;
    }
  }
  m_context.network.Broadcast(m_address, MakePacket(ConsensusPacket{consensus::EncodeMessage(message)}));
}

void SimNode::Equivocate(const consensus::Proposal& proposal) {
  auto key = std::make_pair(proposal.height, proposal.round);
  auto it = m_equivocations.find(key);
  if (it == m_equivocations.end()) {
    // A second valid block for the same height: another time, and no transactions.
    auto block = node::DecodeBlockValue(proposal.value);
    if (!block.ok()) return;
    auto other = node::BuildBlock(*m_store, m_context.genesis, m_key.public_key(),
                                  block->header.time_ms + 1 + static_cast<int64_t>(m_context.rng.Between(0, 50)),
                                  {}, {});
    if (!other.ok()) return;
    Twin twin{proposal, {}};
    twin.proposal.value = node::BlockValue(other->block);
    twin.proposal.value_id = ledger::BlockId(other->block.header);
    consensus::SignProposal(twin.proposal, m_key, m_context.genesis.chain_id);
    for (int to = 0; to < m_context.network.addresses(); ++to) {
      if (to != m_address && m_context.rng.Chance(0.5)) twin.receivers.insert(to);
    }
    it = m_equivocations.emplace(key, std::move(twin)).first;
    m_context.trace("equivocator node " + std::to_string(m_address) + " splits its proposal at h=" +
                    std::to_string(proposal.height) + " r=" + std::to_string(proposal.round));
  }
  auto first = MakePacket(ConsensusPacket{consensus::EncodeMessage(proposal)});
  auto second = MakePacket(ConsensusPacket{consensus::EncodeMessage(it->second.proposal)});
  for (int to = 0; to < m_context.network.addresses(); ++to) {
    if (to == m_address) continue;
    m_context.network.Send(m_address, to, it->second.receivers.count(to) ? second : first);
  }
}

void SimNode::OnRequestValue(uint64_t height, uint32_t round) {
  if (m_engine->height() != height || m_store->Head().height + 1 != height) return;
  std::vector<ledger::Transaction> candidates(
      m_mempool.begin(), m_mempool.begin() + static_cast<std::ptrdiff_t>(std::min(m_mempool.size(), kMaxBlockTxs)));
  int64_t time_ms = m_context.genesis.genesis_time_ms + static_cast<int64_t>(m_context.scheduler.now());
  auto built = node::BuildBlock(*m_store, m_context.genesis, m_key.public_key(), time_ms,
                                std::move(candidates), {});
  if (!built.ok()) {
    m_context.checker.Report("commit_failed", "node " + std::to_string(m_address) +
                                                  " cannot build a block: " + built.status().ToString());
    return;
  }
  // Candidates the executor refused (already committed, expired) leave the mempool.
  for (const auto& rejected : built->execution.rejected) {
    m_mempool_ids.erase(rejected.tx_id);
    std::erase_if(m_mempool, [&](const ledger::Transaction& tx) { return ledger::TxId(tx) == rejected.tx_id; });
  }
  StepEngine(consensus::ValueReady{height, round, ledger::BlockId(built->block.header),
                                   node::BlockValue(built->block)});
}

void SimNode::OnValidateValue(const consensus::ValidateValue& validate) {
  bool valid = false;
  auto block = node::DecodeBlockValue(validate.value);
  if (block.ok() && ledger::BlockId(block->header) == validate.value_id &&
      block->header.height == validate.height && m_store->Head().height + 1 == validate.height) {
    valid = node::ReplayBlock(*m_store, m_context.genesis, *block, {}).ok();
  }
  consensus::ValueValidated answer{validate.height, validate.value_id, valid};
  Later(m_context.rng.Between(1, 5), [this, answer] { StepEngine(answer); });
}

void SimNode::OnCommit(const consensus::Commit& commit) {
  std::string who = "node " + std::to_string(m_address) + " height " + std::to_string(commit.height);
  auto block = node::DecodeBlockValue(commit.value);
  if (!block.ok() || ledger::BlockId(block->header) != commit.value_id) {
    m_context.checker.Report("commit_failed", who + ": the decided value is not a block with its id");
    return;
  }
  if (block->header.height != commit.height || m_store->Head().height + 1 != commit.height) {
    m_context.checker.Report("height_backwards", who + ": decided, but the store's head is at " +
                                                     std::to_string(m_store->Head().height));
    return;
  }
  Status cert = consensus::VerifyCommitCertificate(commit.certificate, m_context.validators,
                                                   m_context.genesis.chain_id, commit.height,
                                                   commit.value_id);
  if (!cert.ok()) {
    // A real node would refuse the block. The simulator reports it and commits anyway, so
    // the checker also sees what a broken engine leads to (the fork a weak quorum makes).
    m_context.checker.Report("bad_certificate", who + ": the engine decided with " + cert.ToString());
  }
  auto built = node::ReplayBlock(*m_store, m_context.genesis, *block, {});
  if (!built.ok()) {
    m_context.checker.Report("commit_failed", who + ": replay failed: " + built.status().ToString());
    return;
  }
  Status committed = node::CommitBuiltBlock(*m_store, *built, commit.certificate);
  if (!committed.ok()) {
    m_context.checker.Report("commit_failed", who + ": " + committed.ToString());
    return;
  }
  block->certificate = commit.certificate;
  m_context.trace("node " + std::to_string(m_address) + " commits h=" + std::to_string(commit.height) +
                  " r=" + std::to_string(commit.certificate.round) + " " +
                  ToHex(commit.value_id).substr(0, 12) + " txs=" + std::to_string(block->txs.size()));
  m_context.checker.OnCommit(m_address, *block, m_store->Head().state_root);
  for (const ledger::Transaction& tx : block->txs) {
    Hash32 id = ledger::TxId(tx);
    if (m_mempool_ids.erase(id)) {
      std::erase_if(m_mempool, [&](const ledger::Transaction& t) { return ledger::TxId(t) == id; });
    }
  }
}

void SimNode::OnSyncResponse(const std::vector<ledger::Block>& blocks) {
  for (const ledger::Block& block : blocks) {
    if (!m_up) return;
    if (block.header.height != m_engine->height()) continue;
    if (ledger::BlockId(block.header) != block.certificate.block_id) continue;
    StepEngine(consensus::DecisionLearnt{node::BlockValue(block), block.certificate});
  }
}

void SimNode::SubmitFromClient(const ledger::Transaction& tx) {
  if (!m_up) return;
  OnPacket(m_address, TxPacket{tx});
  m_context.network.Broadcast(m_address, MakePacket(TxPacket{tx}));
}

void SimNode::OnPacket(int from, const Packet& packet) {
  if (!m_up) return;
  if (const auto* p = std::get_if<ConsensusPacket>(&packet)) {
    auto message = consensus::DecodeMessage(p->encoded);
    if (!message.ok()) return;
    if (const auto* proposal = std::get_if<consensus::Proposal>(&*message)) {
      StepEngine(consensus::ProposalReceived{*proposal});
    } else {
      StepEngine(consensus::VoteReceived{std::get<consensus::Vote>(*message)});
    }
  } else if (const auto* t = std::get_if<TxPacket>(&packet)) {
    Hash32 id = ledger::TxId(t->tx);
    if (m_mempool_ids.count(id)) return;
    auto at = m_store->FindTx(id);
    if (at.ok() && at->has_value()) return;
    m_mempool_ids.insert(id);
    m_mempool.push_back(t->tx);
  } else if (const auto* request = std::get_if<SyncRequestPacket>(&packet)) {
    SyncResponsePacket response;
    uint64_t head = m_store->Head().height;
    for (uint64_t h = request->from_height; h <= head && h < request->from_height + kMaxSyncBlocks; ++h) {
      auto block = m_store->GetBlock(h);
      if (!block.ok() || !block->has_value()) break;
      response.blocks.push_back(std::move(**block));
    }
    if (!response.blocks.empty()) {
      m_context.network.Send(m_address, from, MakePacket(std::move(response)));
    }
  } else if (const auto* response = std::get_if<SyncResponsePacket>(&packet)) {
    OnSyncResponse(response->blocks);
  }
}

}  // namespace covalue::sim
