#include "mergepipe/options.h"

#include <cctype>
#include <charconv>
#include <limits>

#include "mergepipe/error.h"

namespace mergepipe {

delete_rule parse_delete_rule(const std::string& text) {
  std::size_t eq = text.find('=');
  if (eq == std::string::npos) {
    throw error(errc::usage, "delete rule \"" + text + "\" must be FIELD=VALUE");
  }
  if (eq == 0) throw error(errc::usage, "delete rule \"" + text + "\" has an empty field");
  return delete_rule{text.substr(0, eq), text.substr(eq + 1)};
}

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

std::vector<std::string> parse_key_list(const std::string& text) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    std::size_t comma = text.find(',', start);
    std::string part =
        text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (part.empty()) throw error(errc::usage, "invalid key \"" + text + "\": empty field name");
    parts.push_back(std::move(part));
    if (comma == std::string::npos) return parts;
    start = comma + 1;
  }
}

}  // namespace mergepipe
