// `covalue query …`: reads from a node's API and prints the JSON answer — or, for
// `statement`, a settlement as a table (node/cli/statement_table.h).
#include <cstdio>

#include "node/cli/args.h"
#include "node/cli/commands.h"
#include "node/cli/node_client.h"
#include "node/cli/statement_table.h"

namespace covalue::cli {
namespace {

// What each query word reads: its positional arguments fill the API path in order.
struct QueryRoute {
  const char* word;
  const char* usage;  // the arguments
  std::vector<std::string> path;  // literal segments, "" for the next argument
};

const std::vector<QueryRoute>& Routes() {
  static const std::vector<QueryRoute> routes = {
      {"status", "", {"/v1/status"}},
      {"tx", "ID", {"/v1/tx/", ""}},
      {"block", "HEIGHT|latest", {"/v1/blocks/", ""}},
      {"dataset", "ID", {"/v1/datasets/", ""}},
      {"member", "ID", {"/v1/members/", ""}},
      {"history", "KIND ID", {"/v1/history/", "", "/", ""}},
      {"grant", "ID", {"/v1/grants/", ""}},
      {"receipt", "ID", {"/v1/receipts/", ""}},
      {"proposal", "ID", {"/v1/proposals/", ""}},
      {"venture", "ID", {"/v1/ventures/", ""}},
      {"formula", "VENTURE VERSION", {"/v1/ventures/", "", "/formulas/", ""}},
      {"contribution", "ID", {"/v1/contributions/", ""}},
      {"period", "VENTURE PERIOD", {"/v1/ventures/", "", "/periods/", ""}},
      {"settlement", "VENTURE PERIOD", {"/v1/ventures/", "", "/settlements/", ""}},
      {"statement", "VENTURE PERIOD", {"/v1/ventures/", "", "/settlements/", ""}},
      {"payout", "VENTURE PERIOD MEMBER", {"/v1/ventures/", "", "/payouts/", "", "/", ""}},
  };
  return routes;
}

std::string Usage() {
  std::string usage = "query WHAT --node ADDR, WHAT one of:";
  for (const auto& route : Routes()) usage += std::string("\n  ") + route.word + " " + route.usage;
  usage += "\n  access --party ID --dataset ID --purpose ID [--operation ID] [--time UTC|MS]";
  return usage;
}

// Query-string value: ids and times only, so percent-encoding the few specials is enough.
std::string Escape(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_') {
      out += c;
    } else {
      char buffer[4];
      std::snprintf(buffer, sizeof(buffer), "%%%02X", static_cast<unsigned char>(c));
      out += buffer;
    }
  }
  return out;
}

}  // namespace

int RunQuery(const Argv& argv) {
  auto args = Args::Parse(argv, {"node", "party", "dataset", "purpose", "operation", "time"}, {});
  if (!args.ok()) return UsageError(args.status().message());
  auto address = args->Require("node");
  if (!address.ok()) return UsageError(address.status().message());
  const auto& words = args->positionals();
  if (words.empty()) return UsageError(Usage());
  std::string target;
  if (words[0] == "access" && words.size() == 1) {
    target = "/v1/access?";
    for (const char* name : {"party", "dataset", "purpose", "operation", "time"}) {
      if (auto value = args->Get(name)) target += std::string(name) + "=" + Escape(*value) + "&";
    }
    target.pop_back();
  } else {
    const QueryRoute* route = nullptr;
    for (const auto& r : Routes()) {
      if (words[0] == r.word) route = &r;
    }
    size_t wanted = 0;
    if (route) {
      for (const auto& segment : route->path) wanted += segment.empty() ? 1 : 0;
    }
    if (!route || words.size() != wanted + 1) return UsageError(Usage());
    size_t next = 1;
    for (const auto& segment : route->path) {
      if (segment.empty()) {
        // Path arguments are ids, periods, heights: nothing needs escaping but '/'.
        if (words[next].find('/') != std::string::npos) return UsageError("'/' in an argument");
        target += words[next++];
      } else {
        target += segment;
      }
    }
  }
  auto client = NodeClient::Connect(*address);
  if (!client.ok()) return Fail(client.status());
  auto answer = client->Get(target);
  if (!answer.ok()) return Fail(answer.status());
  if (words[0] == "statement") {
    auto statement = FormatStatement(*answer);
    if (!statement.ok()) return Fail(statement.status());
    std::printf("%s", statement->text.c_str());
    return statement->adds_up ? 0 : 1;
  }
  std::printf("%s\n", answer->dump(2).c_str());
  return 0;
}

}  // namespace covalue::cli
