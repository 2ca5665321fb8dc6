#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mergepipe/options.h"

namespace mergepipe::detail {

/// An instant with nanosecond resolution: seconds since 1970-01-01T00:00:00Z (may be
/// negative) plus 0..999'999'999 nanoseconds. Years 0000-9999 fit comfortably.
struct timestamp {
  std::int64_t seconds = 0;
  std::uint32_t nanos = 0;
  friend auto operator<=>(const timestamp&, const timestamp&) = default;
};

/// Parses timestamp values as docs/contract.md 1.4 describes. Built once per merge from the
/// options, then used concurrently (all parse methods are const and allocation-free).
class timestamp_parser {
 public:
  /// `format` empty: ISO 8601 / RFC 3339 strings. Otherwise a strptime-style format
  /// (`%Y %m %d %H %M %S %f %z %%`, other characters literal). Throws mergepipe::error
  /// (errc::usage) for an invalid format.
  explicit timestamp_parser(timestamp_unit unit = timestamp_unit::s, std::string_view format = {});

  /// Parses an unescaped JSON string value. False when it does not parse or is out of range.
  [[nodiscard]] bool parse_string(std::string_view text, timestamp& out) const noexcept;

  /// Parses the raw text of a JSON number (as in the input, e.g. `-1.5e3`), read exactly in
  /// the parser's unit and floored to whole nanoseconds. False when the seconds do not fit
  /// in an int64 or the text is not a JSON number.
  [[nodiscard]] bool parse_number(std::string_view json_number, timestamp& out) const noexcept;

 private:
  // One compiled format directive or literal run. Defined here, not in the .cpp, because the
  // implicit destructor and copies of `steps_` need a complete type wherever they are used.
  struct step {
    enum class kind : unsigned char {
      literal,
      year,
      month,
      day,
      hour,
      minute,
      second,
      fraction,
      offset
    };
    kind what = kind::literal;
    std::string literal;  // The text a literal step must match; empty for directives.
  };
  timestamp_unit unit_;
  std::vector<step> steps_;
  bool iso_ = true;
};

/// Formats `t` as RFC 3339 UTC with nine fraction digits: `2024-03-05T12:34:56.000000000Z`.
/// Years outside 0000-9999 are written with a sign and more digits.
std::string format_rfc3339(timestamp t);

}  // namespace mergepipe::detail
