#include "tests/sim/checker.h"

#include <sstream>

#include "codec/writer.h"

namespace covalue::sim {
namespace {

std::string Short(const Hash32& id) { return ToHex(id).substr(0, 12); }

const char* TypeName(consensus::VoteType type) {
  return type == consensus::VoteType::kPrevote ? "prevote" : "precommit";
}

}  // namespace

bool CheckResult::Has(std::string_view kind) const {
  for (const Violation& v : violations) {
    if (v.kind == kind) return true;
  }
  return false;
}

std::string CheckResult::Summary(size_t limit) const {
  std::ostringstream out;
  for (size_t i = 0; i < violations.size() && i < limit; ++i) {
    const Violation& v = violations[i];
    out << "  [t=" << v.time_ms << "ms] " << v.kind << ": " << v.detail << "\n";
  }
  if (violations.size() > limit) out << "  ... and " << violations.size() - limit << " more\n";
  return out.str();
}

Checker::Checker(const ledger::Genesis& genesis, std::vector<uint32_t> node_keys,
                 std::set<uint32_t> byzantine_keys)
    : m_genesis(genesis),
      m_validators(consensus::ValidatorSet::Create(genesis.validators).value()),
      m_node_keys(std::move(node_keys)),
      m_byzantine_keys(std::move(byzantine_keys)) {}

bool Checker::IsHonestNode(int node) const {
  return m_byzantine_keys.count(m_node_keys.at(static_cast<size_t>(node))) == 0;
}

void Checker::Report(std::string kind, std::string detail) {
  m_result.violations.push_back(Violation{std::move(kind), std::move(detail), m_now});
}

void Checker::OnSigned(int node, const consensus::Message& message) {
  if (!IsHonestNode(node)) return;
  uint32_t key = m_node_keys.at(static_cast<size_t>(node));
  // A node also relays messages signed by others (e.g. the prevotes behind its valid
  // value); only what carries its own validator index is its signature.
  uint32_t signer = std::holds_alternative<consensus::Vote>(message)
                        ? std::get<consensus::Vote>(message).validator
                        : std::get<consensus::Proposal>(message).proposer;
  if (signer != key) return;
  if (const auto* vote = std::get_if<consensus::Vote>(&message)) {
    auto slot = std::make_tuple(key, vote->height, vote->round, static_cast<uint8_t>(vote->type));
    auto [it, inserted] = m_votes.emplace(slot, vote->value_id);
    if (!inserted && it->second != vote->value_id) {
      std::ostringstream d;
      d << "honest key v" << key << " (node " << node << ") signed two " << TypeName(vote->type)
        << "s at height " << vote->height << " round " << vote->round << ": "
        << Short(it->second) << " and " << Short(vote->value_id);
      Report("double_sign", d.str());
    }
  } else {
    const auto& proposal = std::get<consensus::Proposal>(message);
    auto slot = std::make_tuple(key, proposal.height, proposal.round);
    auto [it, inserted] = m_proposals.emplace(slot, proposal.value_id);
    if (!inserted && it->second != proposal.value_id) {
      std::ostringstream d;
      d << "honest key v" << key << " (node " << node << ") proposed two values at height "
        << proposal.height << " round " << proposal.round << ": " << Short(it->second) << " and "
        << Short(proposal.value_id);
      Report("double_proposal", d.str());
    }
  }
}

void Checker::OnCommit(int node, const ledger::Block& block, const Hash32& state_root) {
  const uint64_t height = block.header.height;
  const Hash32 id = ledger::BlockId(block.header);
  uint64_t& committed = m_committed[node];
  if (height != committed + 1) {
    std::ostringstream d;
    d << "node " << node << " committed height " << height << " after height " << committed;
    Report("height_backwards", d.str());
  }
  committed = std::max(committed, height);

  Status cert = consensus::VerifyCommitCertificate(block.certificate, m_validators,
                                                   m_genesis.chain_id, height, id);
  if (!cert.ok()) {
    std::ostringstream d;
    d << "node " << node << " height " << height << " block " << Short(id) << ": "
      << cert.ToString();
    Report("bad_certificate", d.str());
  }
  if (!IsHonestNode(node)) return;

  auto [it, first] = m_decided.emplace(height, Decided{id, state_root, node});
  if (!first && it->second.block_id != id) {
    std::ostringstream d;
    d << "height " << height << ": node " << it->second.first_node << " committed "
      << Short(it->second.block_id) << ", node " << node << " committed " << Short(id);
    Report("fork", d.str());
    return;  // the tx and root checks below assume one chain
  }
  if (!first && it->second.state_root != state_root) {
    std::ostringstream d;
    d << "height " << height << ": node " << it->second.first_node << " has state root "
      << Short(it->second.state_root) << ", node " << node << " has " << Short(state_root);
    Report("state_root", d.str());
  }
  if (!first) return;
  for (const ledger::Transaction& tx : block.txs) {
    Hash32 tx_id = ledger::TxId(tx);
    if (!m_submitted.count(tx_id)) {
      Report("unknown_tx", "height " + std::to_string(height) + " holds tx " + Short(tx_id) +
                               " that no client submitted");
    }
    auto [at, inserted] = m_tx_height.emplace(tx_id, height);
    if (!inserted) {
      std::ostringstream d;
      d << "tx " << Short(tx_id) << " committed at height " << at->second << " and again at "
        << height;
      Report("duplicate_tx", d.str());
    }
  }
}

void Checker::OnRestart(int node, uint64_t head_height) {
  uint64_t committed = CommittedHeight(node);
  if (head_height < committed) {
    std::ostringstream d;
    d << "node " << node << " restarted at height " << head_height << " after committing "
      << committed;
    Report("height_backwards", d.str());
  }
}

uint64_t Checker::CommittedHeight(int node) const {
  auto it = m_committed.find(node);
  return it == m_committed.end() ? 0 : it->second;
}

uint64_t Checker::MaxHonestHeight() const {
  return m_decided.empty() ? 0 : m_decided.rbegin()->first;
}

}  // namespace covalue::sim
