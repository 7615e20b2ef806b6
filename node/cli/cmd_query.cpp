// `covalue query …`: reads from a node's API and prints the JSON answer.
#include <cstdio>

#include "node/cli/args.h"
#include "node/cli/commands.h"
#include "node/cli/node_client.h"

namespace covalue::cli {

int RunQuery(const Argv& argv) {
  auto args = Args::Parse(argv, {"node"}, {});
  if (!args.ok()) return UsageError(args.status().message());
  auto address = args->Require("node");
  if (!address.ok()) return UsageError(address.status().message());
  const auto& words = args->positionals();
  std::string target;
  if (words.size() == 1 && words[0] == "status") {
    target = "/v1/status";
  } else if (words.size() == 2 && words[0] == "tx") {
    target = "/v1/tx/" + words[1];
  } else if (words.size() == 2 && words[0] == "block") {
    target = "/v1/blocks/" + words[1];
  } else if (words.size() == 2 && words[0] == "dataset") {
    target = "/v1/datasets/" + words[1];
  } else if (words.size() == 2 && words[0] == "member") {
    target = "/v1/members/" + words[1];
  } else if (words.size() == 3 && words[0] == "history") {
    target = "/v1/history/" + words[1] + "/" + words[2];
  } else {
    return UsageError("query status|tx ID|block HEIGHT|dataset ID|member ID|history KIND ID --node ADDR");
  }
  auto client = NodeClient::Connect(*address);
  if (!client.ok()) return Fail(client.status());
  auto answer = client->Get(target);
  if (!answer.ok()) return Fail(answer.status());
  std::printf("%s\n", answer->dump(2).c_str());
  return 0;
}

}  // namespace covalue::cli
