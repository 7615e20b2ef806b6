#include "node/history_api.h"

#include <algorithm>
#include <set>

#include "common/civil_time.h"
#include "common/decimal.h"
#include "ledger/identifiers.h"
#include "node/json_fields.h"

namespace covalue::node {
namespace {

using api::ErrorResponse;
using api::HttpRequest;
using api::JsonResponse;
using api::Responder;

constexpr uint64_t kDefaultLimit = 100;
constexpr uint64_t kMaxLimit = 1000;

// A position in an entity's history: (height, index in the block).
struct Position {
  uint64_t height = 0;
  uint32_t index = 0;
  auto operator<=>(const Position&) const = default;
};

// What a history request asks for, parsed and checked.
struct HistoryQuery {
  std::string entity;  // "dataset/telemetry"
  Position start;      // from the cursor
  std::optional<uint64_t> from_height, to_height;
  std::optional<int64_t> from_time, to_time;  // [from_time, to_time)
  uint64_t limit = kDefaultLimit;
};

const std::string* Find(const HttpRequest& request, const char* name) {
  auto it = request.query.find(name);
  return it == request.query.end() ? nullptr : &it->second;
}

Result<std::optional<uint64_t>> HeightParam(const HttpRequest& request, const char* name) {
  const std::string* text = Find(request, name);
  if (!text) return std::optional<uint64_t>();
  std::optional<uint64_t> height = ParseDecimal<uint64_t>(*text);
  if (!height) return Status(Code::kInvalidArgument, std::string(name) + " must be a height");
  return height;
}

Result<std::optional<int64_t>> TimeParam(const HttpRequest& request, const char* name) {
  const std::string* text = Find(request, name);
  if (!text) return std::optional<int64_t>();
  COVALUE_ASSIGN_OR_RETURN(int64_t time, ParseTimeParam(name, *text));
  return std::optional<int64_t>(time);
}

Result<HistoryQuery> ParseQuery(const HttpRequest& request) {
  static const std::set<std::string, std::less<>> kFamilies = {
      "dataset", "member", "grant", "receipt", "proposal", "venture", "contribution"};
  const std::string& family = request.params.at("family");
  const std::string& id = request.params.at("id");
  if (!kFamilies.count(family) || !ledger::IsValidId(id)) {
    return Status(Code::kInvalidArgument,
                  "history is kept for dataset, member, grant, receipt, proposal, venture and "
                  "contribution ids");
  }
  HistoryQuery query;
  query.entity = family + "/" + id;
  // cursor = "<height>.<index>": the first entry to return (a previous page's next_cursor).
  if (const std::string* cursor = Find(request, "cursor")) {
    std::string_view text = *cursor;
    size_t dot = text.find('.');
    auto height = ParseDecimal<uint64_t>(text.substr(0, dot));
    auto index = dot == std::string_view::npos ? std::nullopt
                                               : ParseDecimal<uint32_t>(text.substr(dot + 1));
    if (!height || !index) return Status(Code::kInvalidArgument, "cursor must be <height>.<index>");
    query.start = {*height, *index};
  }
  if (const std::string* limit = Find(request, "limit")) {
    auto parsed = ParseDecimal<uint64_t>(*limit);
    if (!parsed || *parsed == 0 || *parsed > kMaxLimit) {
      return Status(Code::kInvalidArgument, "limit must be 1.." + std::to_string(kMaxLimit));
    }
    query.limit = *parsed;
  }
  COVALUE_ASSIGN_OR_RETURN(query.from_height, HeightParam(request, "from_height"));
  COVALUE_ASSIGN_OR_RETURN(query.to_height, HeightParam(request, "to_height"));
  COVALUE_ASSIGN_OR_RETURN(query.from_time, TimeParam(request, "from_time"));
  COVALUE_ASSIGN_OR_RETURN(query.to_time, TimeParam(request, "to_time"));
  if (query.from_height && query.to_height && *query.from_height > *query.to_height) {
    return Status(Code::kInvalidArgument, "from_height is above to_height");
  }
  if (query.from_time && query.to_time && *query.from_time > *query.to_time) {
    return Status(Code::kInvalidArgument, "from_time is after to_time");
  }
  return query;
}

Result<Json> HistoryJson(const ChainStore& store, const HistoryQuery& query) {
  // The height range: both height bounds inclusive; block times strictly increase, so
  // [from_time, to_time) is the heights from the first block at or after from_time to the
  // last block before to_time.
  uint64_t low = query.from_height.value_or(0);
  uint64_t high = query.to_height.value_or(UINT64_MAX);
  if (query.from_time) {
    COVALUE_ASSIGN_OR_RETURN(uint64_t first, store.FirstHeightAtOrAfter(*query.from_time));
    low = std::max(low, first);
  }
  if (query.to_time) {
    COVALUE_ASSIGN_OR_RETURN(uint64_t after, store.FirstHeightAtOrAfter(*query.to_time));
    high = std::min(high, after == 0 ? 0 : after - 1);
  }
  Position start = std::max(query.start, Position{low, 0});
  // One more than asked tells whether there is a next page.
  COVALUE_ASSIGN_OR_RETURN(auto entries, store.History(query.entity, start.height, start.index,
                                                       query.limit + 1, high));
  Json items = Json::array();
  for (size_t i = 0; i < entries.size() && i < query.limit; ++i) {
    const HistoryEntry& e = entries[i];
    items.push_back({{"height", e.height},
                     {"index", e.index},
                     {"tx_id", ToHex(e.tx_id)},
                     {"kind", ledger::TxKindName(e.kind)},
                     {"time_ms", e.time_ms},
                     {"time", FormatUtcTime(e.time_ms)}});
  }
  Json out = {{"entity", query.entity},
              {"from_height", low},
              {"to_height", high == UINT64_MAX ? Json(nullptr) : Json(high)},
              {"items", std::move(items)}};
  if (entries.size() > query.limit) {
    const HistoryEntry& next = entries[query.limit];
    out["next_cursor"] = std::to_string(next.height) + "." + std::to_string(next.index);
  }
  return out;
}

}  // namespace

Result<int64_t> ParseTimeParam(std::string_view name, std::string_view text) {
  if (auto ms = ParseDecimal<int64_t>(text)) return *ms;
  auto time = ParseUtcTime(text);
  if (!time.ok()) {
    return Status(Code::kInvalidArgument,
                  std::string(name) + " must be ms since 1970 or UTC text YYYY-MM-DD[THH:MM:SSZ], not '" +
                      std::string(text) + "'");
  }
  return *time;
}

void AddHistoryRoutes(api::Router& router, LedgerService& service) {
  router.Add("GET", "/v1/history/{family}/{id}",
             [&service](const HttpRequest& request, Responder respond) {
               auto query = ParseQuery(request);
               if (!query.ok()) return respond(ErrorResponse(query.status()));
               auto json = HistoryJson(service.store(), *query);
               if (!json.ok()) return respond(ErrorResponse(json.status()));
               respond(JsonResponse(200, *json));
             });
}

}  // namespace covalue::node
