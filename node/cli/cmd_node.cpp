// `covalue node --config FILE`: runs a node until SIGINT or SIGTERM.
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
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto node = node::Node::Open(*config, PassphraseFromEnv());
  if (!node.ok()) return Fail(node.status());
  Status started = (*node)->Start();
  if (!started.ok()) return Fail(started);
  int received = 0;
  sigwait(&signals, &received);
  Log(LogLevel::kInfo, "node", "signal received, stopping", {{"signal", std::to_string(received)}});
  (*node)->Stop();
  return 0;
}

}  // namespace covalue::cli
