#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mergepipe::detail {

/// JSON's whitespace (RFC 8259): space, tab, line feed and carriage return.
constexpr bool is_json_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

constexpr bool is_json_digit(char c) noexcept { return c >= '0' && c <= '9'; }

/// The end of `data[begin, end)` without the JSON whitespace that ends it.
constexpr std::size_t trim_json_space_end(const char* data, std::size_t begin,
                                          std::size_t end) noexcept {
  while (end > begin && is_json_space(data[end - 1])) --end;
  return end;
}

/// A JSON number split along RFC 8259's grammar,
/// `-? (0 | [1-9] [0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`: views into its text. The one
/// reading of numbers that keys, timestamps and the range check share.
struct json_number_parts {
  bool negative = false;
  std::string_view integer;   ///< "0", or digits without a leading zero.
  std::string_view fraction;  ///< The digits after '.', empty without one.
  bool exponent_negative = false;
  std::string_view exponent;  ///< The exponent's digits (leading zeros allowed), empty without.

  /// The exponent with its sign, saturated at ±`cap`: any number of digits is safe.
  [[nodiscard]] std::int64_t exponent_value(std::int64_t cap) const noexcept {
    std::int64_t value = 0;
    for (char c : exponent) {
      if (value < cap) value = value * 10 + (c - '0');
    }
    if (value > cap) value = cap;
    return exponent_negative ? -value : value;
  }
};

/// Splits `text` into `out`; false when `text` is not exactly one JSON number.
[[nodiscard]] inline bool split_json_number(std::string_view text,
                                            json_number_parts& out) noexcept {
  const std::size_t size = text.size();
  std::size_t i = 0;
  auto take_digits = [&] {
    const std::size_t begin = i;
    while (i < size && is_json_digit(text[i])) ++i;
    return text.substr(begin, i - begin);
  };
  out = json_number_parts{};
  out.negative = size != 0 && text[0] == '-';
  if (out.negative) ++i;
  if (i == size || !is_json_digit(text[i])) return false;
  out.integer = text[i] == '0' ? text.substr(i++, 1) : take_digits();
  if (i < size && text[i] == '.') {
    ++i;
    out.fraction = take_digits();
    if (out.fraction.empty()) return false;
  }
  if (i < size && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < size && (text[i] == '+' || text[i] == '-')) out.exponent_negative = text[i++] == '-';
    out.exponent = take_digits();
    if (out.exponent.empty()) return false;
  }
  return i == size;
}

/// True when `token` is a JSON number whose magnitude fits a double: it may round, or
/// underflow to zero, but not overflow (contract 1.2: `1e400` is out of range). Exact for any
/// number of digits in the mantissa or the exponent, such as `1e0000000000000000000001`, which
/// simdjson's number parser refuses; this is the check it falls back to.
[[nodiscard]] bool json_number_fits_double(std::string_view token) noexcept;

}  // namespace mergepipe::detail
