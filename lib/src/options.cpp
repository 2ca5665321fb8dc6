#include "mergepipe/options.h"

#include <cctype>
#include <charconv>
#include <limits>

#include "mergepipe/error.h"

namespace mergepipe {

std::size_t parse_size(const std::string& text) {
  std::size_t value = 0;
  const char* first = text.data();
  const char* last = first + text.size();
  auto [end, ec] = std::from_chars(first, last, value);
  std::size_t multiplier = 1;
  if (ec == std::errc() && end + 1 == last) {
    switch (std::toupper(static_cast<unsigned char>(*end))) {
      case 'K':
        multiplier = std::size_t{1} << 10;
        break;
      case 'M':
        multiplier = std::size_t{1} << 20;
        break;
      case 'G':
        multiplier = std::size_t{1} << 30;
        break;
      default:
        ec = std::errc::invalid_argument;
    }
    ++end;
  }
  if (ec != std::errc() || end != last || value == 0 ||
      value > std::numeric_limits<std::size_t>::max() / multiplier) {
    throw error(errc::usage, "invalid size \"" + text + "\" (expected e.g. 65536, 64K, 8M, 1G)");
  }
  return value * multiplier;
}

}  // namespace mergepipe
