// Helpers shared by the sub-commands, and the small ones: keygen and network init.
#include "node/cli/commands.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "node/cli/args.h"
#include "node/key_file.h"
#include "node/network_init.h"

namespace covalue::cli {

int Fail(const Status& status) {
  std::fprintf(stderr, "error: %s\n", status.ToString().c_str());
  return 1;
}

int UsageError(const std::string& message) {
  std::fprintf(stderr, "usage error: %s\n", message.c_str());
  return 2;
}

std::optional<std::string> PassphraseFromEnv() {
  const char* value = std::getenv("COVALUE_PASSPHRASE");
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

namespace {

// --encrypt needs $COVALUE_PASSPHRASE; without --encrypt keys are written in the clear.
Result<std::optional<std::string>> PassphraseForNewKeys(const Args& args) {
  if (!args.Has("encrypt")) return std::optional<std::string>();
  auto passphrase = PassphraseFromEnv();
  if (!passphrase) {
    return Status(Code::kInvalidArgument, "--encrypt needs the passphrase in $COVALUE_PASSPHRASE");
  }
  return passphrase;
}

}  // namespace

int RunKeygen(const Argv& argv) {
  auto args = Args::Parse(argv, {"out"}, {"encrypt"});
  if (!args.ok()) return UsageError(args.status().message());
  auto out = args->Require("out");
  if (!out.ok()) return UsageError(out.status().message());
  auto passphrase = PassphraseForNewKeys(*args);
  if (!passphrase.ok()) return Fail(passphrase.status());
  auto key = crypto::KeyPair::Generate();
  Status written = node::WriteKeyFile(*out, key, *passphrase);
  if (!written.ok()) return Fail(written);
  std::printf("%s\n", ToHex(key.public_key()).c_str());
  return 0;
}

int RunNetworkInit(const Argv& argv) {
  auto args = Args::Parse(argv, {"out", "genesis-time-ms"}, {"encrypt"});
  if (!args.ok()) return UsageError(args.status().message());
  if (args->positionals().size() != 1) return UsageError("network init DESCRIPTION.json --out DIR");
  auto out = args->Require("out");
  if (!out.ok()) return UsageError(out.status().message());
  auto passphrase = PassphraseForNewKeys(*args);
  if (!passphrase.ok()) return Fail(passphrase.status());
  node::NetworkInitOptions options;
  options.description_path = args->positionals()[0];
  options.out_dir = *out;
  options.passphrase = *passphrase;
  options.genesis_time_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count();
  if (auto time = args->Get("genesis-time-ms")) {
    try {
      options.genesis_time_ms = std::stoll(*time);
    } catch (const std::exception&) {
      return UsageError("--genesis-time-ms must be an integer");
    }
  }
  Status status = node::InitNetwork(options);
  if (!status.ok()) return Fail(status);
  std::printf("network initialised in %s\n", out->c_str());
  return 0;
}

}  // namespace covalue::cli
