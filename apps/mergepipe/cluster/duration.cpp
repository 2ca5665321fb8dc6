#include "duration.h"

#include <fmt/format.h>

#include <charconv>

#include "mergepipe/error.h"

namespace mergepipe::cluster {

std::uint64_t parse_duration_seconds(const std::string& text, const char* option) {
  auto refuse = [&] {
    return error(errc::usage,
                 fmt::format("{} {}: not a duration (a whole number with s, m, h or d, such as "
                             "30s, 12h or 7d)",
                             option, text));
  };
  if (text.size() < 2) throw refuse();
  std::uint64_t count = 0;
  const char* unit = text.data() + text.size() - 1;
  auto [end, failed] = std::from_chars(text.data(), unit, count);
  if (failed != std::errc() || end != unit || count == 0) throw refuse();
  std::uint64_t seconds_per = 0;
  switch (*unit) {
    case 's':
      seconds_per = 1;
      break;
    case 'm':
      seconds_per = 60;
      break;
    case 'h':
      seconds_per = 3600;
      break;
    case 'd':
      seconds_per = 86400;
      break;
    default:
      throw refuse();
  }
  // Redis takes expiry times as signed 64-bit seconds; ten thousand years is plenty.
  if (count > std::uint64_t{3'650'000} * 86400 / seconds_per) throw refuse();
  return count * seconds_per;
}

}  // namespace mergepipe::cluster
