#pragma once

#include <string_view>

namespace mergepipe::detail {

/// True when `token` is a JSON number (RFC 8259) whose magnitude fits a double: it may round,
/// or underflow to zero, but not overflow (contract 1.2: `1e400` is out of range). Exact for any
/// number of digits in the mantissa or the exponent, such as `1e0000000000000000000001`,
/// which simdjson's number parser refuses; this is the check it falls back to.
[[nodiscard]] bool json_number_fits_double(std::string_view token) noexcept;

}  // namespace mergepipe::detail
