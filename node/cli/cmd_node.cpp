// `covalue node --config FILE`: runs a node until SIGINT or SIGTERM. SIGUSR1 cuts it off
// from its peers and SIGUSR2 heals it (fault injection for tests, drills and maintenance).
#include <csignal>
#include <cstdio>

#include "common/log.h"
#include "node/cli/args.h"
#include "node/cli/commands.h"
#include "node/node.h"

namespace covalue::cli {

int RunNode(const Argv& argv) {
  auto args = Args::Parse(argv, {"config"}, {});
  if (!args.ok()) return UsageError(args.status().message());
  auto path = args->Require("config");
  if (!path.ok()) return UsageError(path.status().message());
  auto config = node::LoadNodeConfig(*path);
  if (!config.ok()) return Fail(config.status());
  LogLevel level = LogLevel::kInfo;
  ParseLogLevel(config->log_level, &level);
  SetLogLevel(level);

  // Signals are taken by this thread only (sigwait), never by the node's threads.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGUSR1);  // fault injection: cut this node off from its peers
  sigaddset(&signals, SIGUSR2);  // fault injection: heal
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto node = node::Node::Open(*config, PassphraseFromEnv());
  if (!node.ok()) return Fail(node.status());
  Status started = (*node)->Start();
  if (!started.ok()) return Fail(started);
  int received = 0;
  while (sigwait(&signals, &received) == 0 && (received == SIGUSR1 || received == SIGUSR2)) {
    (*node)->SetIsolated(received == SIGUSR1);
    Log(LogLevel::kWarn, "node", received == SIGUSR1 ? "isolated from peers (SIGUSR1)"
                                                     : "peer links restored (SIGUSR2)");
  }
  Log(LogLevel::kInfo, "node", "signal received, stopping", {{"signal", std::to_string(received)}});
  (*node)->Stop();
  return 0;
}

}  // namespace covalue::cli
