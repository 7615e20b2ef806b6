#include "node/requested_state.h"

#include "common/decimal.h"

namespace covalue::node {

Result<RequestedState> RequestedState::From(const LedgerService& service,
                                            const api::HttpRequest& request) {
  RequestedState state(service);
  auto it = request.query.find("as_of");
  if (it == request.query.end()) return state;
  std::optional<uint64_t> height = ParseDecimal<uint64_t>(it->second);
  if (!height) return Status(Code::kInvalidArgument, "as_of must be a height (a decimal integer)");
  COVALUE_ASSIGN_OR_RETURN(StateAsOf as_of, StateAsOf::Open(service.store(), *height));
  state.m_as_of.emplace(std::move(as_of));
  return state;
}

const contracts::LedgerReader& RequestedState::reader() const {
  if (m_as_of) return *m_as_of;
  return m_service.store();
}

std::optional<uint64_t> RequestedState::as_of() const {
  return m_as_of ? std::optional<uint64_t>(m_as_of->height()) : std::nullopt;
}

Result<int64_t> RequestedState::TimeMs() const {
  if (!m_as_of) return m_service.store().Head().time_ms;
  if (m_as_of->height() == 0) return m_service.genesis().genesis_time_ms;
  COVALUE_ASSIGN_OR_RETURN(auto block, m_service.store().GetBlock(m_as_of->height()));
  if (!block) {
    return Status(Code::kCorruption, "block " + std::to_string(m_as_of->height()) + " is missing");
  }
  return block->header.time_ms;
}

std::string RequestedState::Suffix() const {
  return m_as_of ? " as of height " + std::to_string(m_as_of->height()) : "";
}

}  // namespace covalue::node
