#include "json_grammar.h"

#include <charconv>
#include <cmath>
#include <string>

namespace mergepipe::detail {

bool json_number_fits_double(std::string_view token) noexcept {
  json_number_parts number;
  if (!split_json_number(token, number)) return false;
  // Beyond ±10^9 only the exponent's sign matters.
  const std::int64_t exponent = number.exponent_value(1'000'000'000);

  // value = 0.d1d2... x 10^order with d1 != 0; a double holds up to about 1.8e308.
  std::string digits = std::string(number.integer) + std::string(number.fraction);
  std::size_t first = digits.find_first_not_of('0');
  if (first == std::string::npos) return true;  // zero
  std::int64_t order = static_cast<std::int64_t>(number.integer.size()) -
                       static_cast<std::int64_t>(first) + exponent;
  if (order <= 308) return true;
  if (order > 309) return false;
  // 10^308 <= value < 10^309: let the standard library round the normalized number.
  std::string normalized = "0." + digits.substr(first) + "e309";
  double value = 0;
  auto [end, error] =
      std::from_chars(normalized.data(), normalized.data() + normalized.size(), value);
  return error == std::errc() && std::isfinite(value);
}

}  // namespace mergepipe::detail
