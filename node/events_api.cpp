#include "node/events_api.h"

#include <algorithm>
#include <memory>
#include <optional>

#include "common/civil_time.h"
#include "common/decimal.h"
#include "ledger/identifiers.h"
#include "node/event_stream.h"

namespace covalue::node {
namespace {

using api::ErrorResponse;
using api::HttpRequest;
using api::JsonResponse;
using api::Responder;

constexpr std::chrono::milliseconds kDefaultHeartbeat{5000};
constexpr uint64_t kDefaultPageLimit = 100;
constexpr uint64_t kMaxPageLimit = 1000;
// Blocks one page request reads at most; a sparse filter gets a page with fewer events (maybe
// none) and a next_cursor that has moved on.
constexpr uint64_t kMaxPageBlocks = 1000;

Status BadCursor(std::string_view text) {
  return Status(Code::kInvalidArgument,
                "cursor '" + std::string(text) +
                    "' must be <height>, <height>.<index>, <height>.<index>.<event> or 'head'");
}

bool IsKindText(std::string_view kind) {
  return !kind.empty() && kind.size() <= 64 &&
         std::all_of(kind.begin(), kind.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
                  c == '-';
         });
}

// The comma-separated values of query parameter `name`, each checked by `valid`.
template <typename Valid>
Result<std::vector<std::string>> ListParameter(const std::map<std::string, std::string>& query,
                                               const std::string& name, Valid valid,
                                               std::string_view what) {
  std::vector<std::string> values;
  auto it = query.find(name);
  if (it == query.end()) return values;
  for (std::string_view value : api::Split(it->second, ',')) {
    if (!valid(value)) {
      return Status(Code::kInvalidArgument,
                    name + " '" + std::string(value) + "' is not " + std::string(what));
    }
    values.emplace_back(value);
  }
  if (values.empty()) return Status(Code::kInvalidArgument, name + " must not be empty");
  return values;
}

bool Contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

bool KindMatches(const EventFilter& filter, std::string_view kind) {
  if (filter.kinds.empty()) return true;
  return std::any_of(filter.kinds.begin(), filter.kinds.end(), [&](const std::string& wanted) {
    return wanted.back() == '.' ? kind.substr(0, wanted.size()) == wanted : kind == wanted;
  });
}

bool PartyMatches(const EventFilter& filter, const ledger::Event& event) {
  if (filter.parties.empty()) return true;
  for (const auto& [name, value] : event.attributes) {
    if (std::find(kPartyAttributes.begin(), kPartyAttributes.end(), name) ==
        kPartyAttributes.end()) {
      continue;
    }
    for (std::string_view member : api::Split(value, ',')) {
      if (Contains(filter.parties, member)) return true;
    }
  }
  return false;
}

const std::string* Attribute(const ledger::Event& event, std::string_view name) {
  for (const auto& [key, value] : event.attributes) {
    if (key == name) return &value;
  }
  return nullptr;
}

// The event's own `name` attribute, or the first one among the events of its transaction.
const std::string* ScopeAttribute(const std::vector<ledger::Event>& events, size_t which,
                                  std::string_view name) {
  if (const std::string* own = Attribute(events[which], name)) return own;
  for (const auto& event : events) {
    if (const std::string* found = Attribute(event, name)) return found;
  }
  return nullptr;
}

// The cursor (the Last-Event-ID header over the `cursor` parameter, for the stream) and filters.
Result<std::pair<EventPosition, EventFilter>> ParseCommon(const HttpRequest& request,
                                                          uint64_t head, bool use_last_event_id) {
  EventPosition after;
  std::optional<std::string> cursor;
  if (auto it = request.query.find("cursor"); it != request.query.end()) cursor = it->second;
  if (auto it = request.headers.find("last-event-id");
      use_last_event_id && it != request.headers.end() && !it->second.empty()) {
    cursor = it->second;
  }
  if (cursor) {
    COVALUE_ASSIGN_OR_RETURN(after, ParseEventCursor(*cursor, head));
  }
  COVALUE_ASSIGN_OR_RETURN(EventFilter filter, ParseEventFilter(request.query));
  return std::make_pair(after, std::move(filter));
}

// Parses an optional integer parameter within [min, max].
Result<uint64_t> BoundedParameter(const HttpRequest& request, const std::string& name,
                                  uint64_t fallback, uint64_t min, uint64_t max) {
  auto it = request.query.find(name);
  if (it == request.query.end()) return fallback;
  std::optional<uint64_t> value = ParseDecimal<uint64_t>(it->second);
  if (!value || *value < min || *value > max) {
    return Status(Code::kInvalidArgument,
                  name + " must be " + std::to_string(min) + ".." + std::to_string(max));
  }
  return *value;
}

void HandleStream(LedgerService& service, const HttpRequest& request, Responder respond) {
  CommitFeed* feed = service.commit_feed();
  if (feed == nullptr) {
    return respond(ErrorResponse(Status(Code::kUnavailable, "this node streams no events")));
  }
  auto common = ParseCommon(request, service.store().Head().height, true);
  if (!common.ok()) return respond(ErrorResponse(common.status()));
  auto heartbeat = BoundedParameter(request, "heartbeat_ms", kDefaultHeartbeat.count(), 100, 60000);
  if (!heartbeat.ok()) return respond(ErrorResponse(heartbeat.status()));
  api::HttpResponse response;
  response.content_type = "text/event-stream";
  response.headers = {{"Cache-Control", "no-cache"}, {"X-Accel-Buffering", "no"}};
  response.stream = std::make_shared<EventStream>(service.store(), *feed, common->first,
                                                  std::move(common->second),
                                                  std::chrono::milliseconds(*heartbeat));
  respond(std::move(response));
}

void HandlePage(LedgerService& service, const HttpRequest& request, Responder respond) {
  const ChainStore& store = service.store();
  uint64_t head = store.Head().height;
  auto common = ParseCommon(request, head, false);
  if (!common.ok()) return respond(ErrorResponse(common.status()));
  auto limit = BoundedParameter(request, "limit", kDefaultPageLimit, 1, kMaxPageLimit);
  if (!limit.ok()) return respond(ErrorResponse(limit.status()));
  auto& [after, filter] = *common;
  Json events = Json::array();
  uint64_t height = FirstHeightAfter(after);
  for (uint64_t read = 0; height <= head && read < kMaxPageBlocks && events.size() < *limit;
       ++read, ++height) {
    auto block = store.GetBlock(height);
    if (!block.ok()) return respond(ErrorResponse(block.status()));
    if (!*block) {
      return respond(ErrorResponse(
          Status(Code::kCorruption, "block " + std::to_string(height) + " is missing")));
    }
    std::vector<Json> found = CollectEvents(**block, after, filter);
    size_t take = std::min<size_t>(found.size(), *limit - events.size());
    for (size_t i = 0; i < take; ++i) events.push_back(std::move(found[i]));
    if (take < found.size()) {  // the page ends inside this block, at its last event
      const Json& last = events.back();
      after = {height, last["index"].get<uint32_t>(), last["event_index"].get<uint32_t>()};
      break;
    }
    after = {height, EventPosition::kAll, EventPosition::kAll};
  }
  respond(JsonResponse(
      200, {{"events", events}, {"next_cursor", FormatEventCursor(after)}, {"head", head}}));
}

}  // namespace

Result<EventPosition> ParseEventCursor(std::string_view text, uint64_t head_height) {
  if (text == "head") return EventPosition{head_height, EventPosition::kAll, EventPosition::kAll};
  std::vector<std::string_view> parts = api::Split(text, '.');
  if (parts.empty() || parts.size() > 3 || std::count(text.begin(), text.end(), '.') + 1 !=
                                               static_cast<std::ptrdiff_t>(parts.size())) {
    return BadCursor(text);
  }
  EventPosition position;
  auto height = ParseDecimal<uint64_t>(parts[0]);
  if (!height || *height == UINT64_MAX) return BadCursor(text);
  position.height = *height;
  for (size_t i = 1; i < parts.size(); ++i) {
    auto value = ParseDecimal<uint32_t>(parts[i]);
    if (!value) return BadCursor(text);
    (i == 1 ? position.index : position.event) = *value;
  }
  if (position.height == 0) return EventPosition{0, EventPosition::kAll, EventPosition::kAll};
  return position;
}

uint64_t FirstHeightAfter(const EventPosition& position) {
  return std::max<uint64_t>(
      1, position.index == EventPosition::kAll ? position.height + 1 : position.height);
}

std::string FormatEventCursor(const EventPosition& position) {
  std::string text = std::to_string(position.height);
  if (position.index == EventPosition::kAll) return text;
  text += "." + std::to_string(position.index);
  if (position.event == EventPosition::kAll) return text;
  return text + "." + std::to_string(position.event);
}

Result<EventFilter> ParseEventFilter(const std::map<std::string, std::string>& query) {
  EventFilter filter;
  auto is_id = [](std::string_view id) { return ledger::IsValidId(id); };
  COVALUE_ASSIGN_OR_RETURN(filter.kinds, ListParameter(query, "kind", IsKindText, "an event kind"));
  COVALUE_ASSIGN_OR_RETURN(filter.ventures, ListParameter(query, "venture", is_id, "an id"));
  COVALUE_ASSIGN_OR_RETURN(filter.parties, ListParameter(query, "party", is_id, "an id"));
  return filter;
}

std::vector<Json> CollectEvents(const ledger::Block& block, const EventPosition& after,
                                const EventFilter& filter) {
  std::vector<Json> out;
  const uint64_t height = block.header.height;
  for (uint32_t i = 0; i < block.results.size() && i < block.txs.size(); ++i) {
    const std::vector<ledger::Event>& events = block.results[i].events;
    std::optional<std::string> tx_id;  // hashed only if an event is sent
    for (uint32_t e = 0; e < events.size(); ++e) {
      if (EventPosition{height, i, e} <= after) continue;
      const ledger::Event& event = events[e];
      const std::string* venture = ScopeAttribute(events, e, "venture");
      if (!KindMatches(filter, event.kind) || !PartyMatches(filter, event) ||
          (!filter.ventures.empty() && (venture == nullptr || !Contains(filter.ventures, *venture)))) {
        continue;
      }
      if (!tx_id) tx_id = ToHex(ledger::TxId(block.txs[i]));
      Json attributes = Json::object();
      for (const auto& [key, value] : event.attributes) attributes[key] = value;
      Json scope = Json::object();
      if (venture != nullptr) scope["venture"] = *venture;
      if (const std::string* period = ScopeAttribute(events, e, "period")) scope["period"] = *period;
      out.push_back({{"id", FormatEventCursor({height, i, e})},
                     {"height", height},
                     {"index", i},
                     {"event_index", e},
                     {"tx_id", *tx_id},
                     {"kind", event.kind},
                     {"attributes", std::move(attributes)},
                     {"scope", std::move(scope)},
                     {"time_ms", block.header.time_ms},
                     {"time", FormatUtcTime(block.header.time_ms)}});
    }
  }
  return out;
}

std::string FormatServerSentEvent(const Json& event) {
  return "id: " + event["id"].get<std::string>() + "\nevent: " + event["kind"].get<std::string>() +
         "\ndata: " + event.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n\n";
}

void AddEventsRoutes(api::Router& router, LedgerService& service) {
  router.Add("GET", "/v1/events", [&service](const HttpRequest& request, Responder respond) {
    HandleStream(service, request, std::move(respond));
  });
  router.Add("GET", "/v1/events/page", [&service](const HttpRequest& request, Responder respond) {
    HandlePage(service, request, std::move(respond));
  });
}

}  // namespace covalue::node
