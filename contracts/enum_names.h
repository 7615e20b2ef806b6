// Names for the small enums in transaction bodies and records (u8 on the wire, a lower-case
// name in JSON and the CLI). Each enum lists its values once, by specialising EnumNames:
//   template <> struct EnumNames<PeriodLength> {
//     static constexpr std::array kValues = {std::pair{PeriodLength::kMonth, "month"}, ...};
//   };
// Pure; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

namespace covalue::contracts {

template <class E>
struct EnumNames;

template <class E>
std::string_view EnumName(E value) {
  for (const auto& [v, name] : EnumNames<E>::kValues) {
    if (v == value) return name;
  }
  return "unknown";
}

template <class E>
std::optional<E> EnumFromName(std::string_view name) {
  for (const auto& [v, n] : EnumNames<E>::kValues) {
    if (n == name) return v;
  }
  return std::nullopt;
}

template <class E>
std::optional<E> EnumFromWire(uint8_t wire) {
  for (const auto& [v, n] : EnumNames<E>::kValues) {
    if (static_cast<uint8_t>(v) == wire) return v;
  }
  return std::nullopt;
}

}  // namespace covalue::contracts
