#include "parse/json_number.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>

namespace mergepipe::detail {
namespace {

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

std::size_t digits_from(std::string_view text, std::size_t pos) noexcept {
  while (pos < text.size() && is_digit(text[pos])) ++pos;
  return pos;
}

}  // namespace

bool json_number_fits_double(std::string_view token) noexcept {
  // number = [ "-" ] ( "0" / [1-9] *DIGIT ) [ "." 1*DIGIT ] [ ( "e" / "E" ) [ "+" / "-" ] 1*DIGIT ]
  std::size_t pos = token.starts_with('-') ? 1 : 0;
  std::size_t int_begin = pos;
  pos = digits_from(token, pos);
  std::string_view int_digits = token.substr(int_begin, pos - int_begin);
  if (int_digits.empty() || (int_digits.size() > 1 && int_digits[0] == '0')) return false;
  std::string_view frac_digits;
  if (pos < token.size() && token[pos] == '.') {
    std::size_t frac_begin = pos + 1;
    pos = digits_from(token, frac_begin);
    frac_digits = token.substr(frac_begin, pos - frac_begin);
    if (frac_digits.empty()) return false;
  }
  // The exponent saturates: beyond ±10^9 only its sign matters.
  std::int64_t exponent = 0;
  if (pos < token.size() && (token[pos] == 'e' || token[pos] == 'E')) {
    ++pos;
    bool negative = pos < token.size() && token[pos] == '-';
    if (pos < token.size() && (token[pos] == '+' || token[pos] == '-')) ++pos;
    std::size_t exp_begin = pos;
    pos = digits_from(token, exp_begin);
    if (pos == exp_begin) return false;
    for (char c : token.substr(exp_begin, pos - exp_begin)) {
      exponent = std::min<std::int64_t>(exponent * 10 + (c - '0'), 1'000'000'000);
    }
    if (negative) exponent = -exponent;
  }
  if (pos != token.size()) return false;

  // value = 0.d1d2... x 10^order with d1 != 0; a double holds up to about 1.8e308.
  std::string digits = std::string(int_digits) + std::string(frac_digits);
  std::size_t first = digits.find_first_not_of('0');
  if (first == std::string::npos) return true;  // zero
  std::int64_t order =
      static_cast<std::int64_t>(int_digits.size()) - static_cast<std::int64_t>(first) + exponent;
  if (order <= 308) return true;
  if (order > 309) return false;
  // 10^308 <= value < 10^309: let the standard library round the normalized number.
  std::string normalized = "0." + digits.substr(first) + "e309";
  double value = 0;
  auto [end, error] = std::from_chars(normalized.data(), normalized.data() + normalized.size(), value);
  return error == std::errc() && std::isfinite(value);
}

}  // namespace mergepipe::detail
