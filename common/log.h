// Structured logging: one line per event, "ts level component message key=value ...",
// to stderr. The level is process-wide. Thread-safe: lines from different threads never
// interleave. Never pass secrets (private keys, tokens, passphrases) as fields.
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
