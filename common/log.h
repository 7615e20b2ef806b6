// Structured logging: one logfmt line per event to stderr,
//   ts=2026-05-01T12:00:00.123Z level=info component=chain msg="block committed" height=12
// (values with a space, '"', '=' or a control character quoted, with \" \\ \n escapes), so
// every line parses as key=value pairs (docs/operations.md §Logs). The level is process-wide
// (the config's log_level). Thread-safe: lines from different threads never interleave. Never
// pass secrets (private keys, tokens, passphrases) as fields.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace covalue {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

void SetLogLevel(LogLevel level);
// "debug", "info", "warn", "error"; false if `name` is none of them.
bool ParseLogLevel(std::string_view name, LogLevel* level);

using LogField = std::pair<std::string_view, std::string>;

void Log(LogLevel level, std::string_view component, std::string_view message,
         std::initializer_list<LogField> fields = {});

}  // namespace covalue
