#include "tests/sim/trace_format.h"

#include <sstream>

namespace covalue::sim {
namespace {

std::string Id(const Hash32& id) { return id == consensus::kNilId ? "nil" : ToHex(id).substr(0, 8); }

const char* KindName(consensus::TimeoutKind kind) {
  switch (kind) {
    case consensus::TimeoutKind::kPropose: return "propose";
    case consensus::TimeoutKind::kPrevote: return "prevote";
    case consensus::TimeoutKind::kPrecommit: return "precommit";
    case consensus::TimeoutKind::kRetransmit: return "retransmit";
  }
  return "?";
}

}  // namespace

std::string DescribeMessage(const consensus::Message& message) {
  std::ostringstream out;
  if (const auto* p = std::get_if<consensus::Proposal>(&message)) {
    out << "proposal h=" << p->height << " r=" << p->round << " pol=" << p->pol_round << " "
        << Id(p->value_id) << " by v" << p->proposer;
  } else {
    const auto& v = std::get<consensus::Vote>(message);
    out << (v.type == consensus::VoteType::kPrevote ? "prevote" : "precommit") << " h=" << v.height
        << " r=" << v.round << " " << Id(v.value_id) << " by v" << v.validator;
  }
  return out.str();
}

std::string DescribeEvent(const consensus::Event& event) {
  std::ostringstream out;
  std::visit(
      [&](const auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, consensus::ProposalReceived>) {
          out << DescribeMessage(e.proposal);
        } else if constexpr (std::is_same_v<T, consensus::VoteReceived>) {
          out << DescribeMessage(e.vote);
        } else if constexpr (std::is_same_v<T, consensus::TimeoutFired>) {
          out << "timeout " << KindName(e.kind) << " h=" << e.height << " r=" << e.round;
        } else if constexpr (std::is_same_v<T, consensus::ValueReady>) {
          out << "value ready h=" << e.height << " r=" << e.round << " " << Id(e.value_id);
        } else if constexpr (std::is_same_v<T, consensus::ValueValidated>) {
          out << "validated h=" << e.height << " " << Id(e.value_id) << (e.valid ? " valid" : " INVALID");
        } else if constexpr (std::is_same_v<T, consensus::TxsAvailable>) {
          out << "txs available";
        } else {
          out << "decision learnt h=" << e.certificate.height << " " << Id(e.certificate.block_id);
        }
      },
      event);
  return out.str();
}

std::string DescribeAction(const consensus::Action& action) {
  std::ostringstream out;
  std::visit(
      [&](const auto& a) {
        using T = std::decay_t<decltype(a)>;
        if constexpr (std::is_same_v<T, consensus::Broadcast>) {
          out << "broadcast " << DescribeMessage(a.message);
        } else if constexpr (std::is_same_v<T, consensus::ScheduleTimeout>) {
          out << "schedule " << KindName(a.kind) << " h=" << a.height << " r=" << a.round << " in "
              << a.after_ms << "ms";
        } else if constexpr (std::is_same_v<T, consensus::PersistSafetyState>) {
          out << "persist h=" << a.state.height << " r=" << a.state.round
              << " step=" << static_cast<int>(a.state.step) << " lock=" << a.state.locked_round;
        } else if constexpr (std::is_same_v<T, consensus::RequestValue>) {
          out << "request value h=" << a.height << " r=" << a.round;
        } else if constexpr (std::is_same_v<T, consensus::ValidateValue>) {
          out << "validate h=" << a.height << " " << Id(a.value_id);
        } else if constexpr (std::is_same_v<T, consensus::Commit>) {
          out << "COMMIT h=" << a.height << " " << Id(a.value_id) << " round " << a.certificate.round;
        } else if constexpr (std::is_same_v<T, consensus::RequestSync>) {
          out << "request sync from " << a.from_height;
        } else {
          out << "record " << DescribeMessage(a.message);
        }
      },
      action);
  return out.str();
}

}  // namespace covalue::sim
