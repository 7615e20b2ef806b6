// The event routes of the API (docs/api.md §Events): GET /v1/events, a server-sent-events stream
// of the events of committed transactions that replays them from a cursor out of the store and
// then follows new blocks (through the node's CommitFeed) with no gap and no repeat; and
// GET /v1/events/page, the same events as JSON pages. Also the pure parts both share: cursors,
// filters and the JSON of one event. Handlers are thread-safe; every function here is pure.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/block.h"
#include "node/api/router.h"
#include "node/json_fields.h"
#include "node/ledger_service.h"

namespace covalue::node {

// A place in the sequence of committed events, ordered by (height, transaction index, event
// index). As a cursor it names the last event a client has; the events after it come next.
// "H.I.E" is one event; "H.I" stands after every event of transaction I of block H, "H" after
// every event of block H, and "0" before the first event of the chain.
struct EventPosition {
  static constexpr uint32_t kAll = UINT32_MAX;
  uint64_t height = 0;
  uint32_t index = kAll;
  uint32_t event = kAll;
  auto operator<=>(const EventPosition&) const = default;
};

// "H", "H.I", "H.I.E" (decimal), or "head": after block `head_height`. kInvalidArgument else.
Result<EventPosition> ParseEventCursor(std::string_view text, uint64_t head_height);
// The shortest text that parses back to `position`.
std::string FormatEventCursor(const EventPosition& position);
// The first block that may hold an event after `position` (blocks start at height 1).
uint64_t FirstHeightAfter(const EventPosition& position);

// The attributes whose value names members (a comma-separated list for `by` and `signers`):
// the party filter matches an event if one of them names the party.
inline constexpr std::array<std::string_view, 15> kPartyAttributes = {
    "member",  "owner",    "grantor",     "grantee",     "by",
    "provider", "consumer", "payer",      "treasurer",   "creator",
    "proposer", "contributor", "disputed_by", "resolved_by", "signers"};

// Which events a client wants. Each list holds comma-separated values of one query parameter;
// an empty list matches every event, a list matches if any of its values does, and an event
// must match every list.
struct EventFilter {
  std::vector<std::string> kinds;     // "payout.confirmed" exactly, or "payout." as a prefix
  std::vector<std::string> ventures;  // the event's scope venture (see CollectEvents)
  std::vector<std::string> parties;   // a member named by one of kPartyAttributes
};

// From the query parameters `kind`, `venture` and `party`; kInvalidArgument for a value that is
// not a kind (a-z, 0-9, '.', '_', '-') or an id.
Result<EventFilter> ParseEventFilter(const std::map<std::string, std::string>& query);

// The events of `block` after `after` that `filter` matches, in order, each as
// {"id", "height", "index", "event_index", "tx_id", "kind", "attributes", "scope", "time_ms",
// "time"}. `scope` holds the event's `venture` and `period`: its own attributes, or else those
// of the first event of its transaction that has them (a settlement.line takes its venture and
// period from the settlement.completed before it).
std::vector<Json> CollectEvents(const ledger::Block& block, const EventPosition& after,
                                const EventFilter& filter);

// One event of CollectEvents as a server-sent event: "id: …\nevent: …\ndata: {json}\n\n".
std::string FormatServerSentEvent(const Json& event);

void AddEventsRoutes(api::Router& router, LedgerService& service);

}  // namespace covalue::node
