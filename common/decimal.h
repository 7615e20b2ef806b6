// Decimal integers from text that people and requests give (path parameters, CLI flags,
// host:port): the whole text, digits only — no sign for unsigned types, no spaces, no '+',
// no "0x". Pure template; thread-safe.
#pragma once

#include <charconv>
#include <optional>
#include <string_view>

namespace covalue {

// `text` as a T, or nullopt if it is empty, holds anything but the number, or is out of T's
// range.
template <class T>
std::optional<T> ParseDecimal(std::string_view text) {
  T value{};
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace covalue
