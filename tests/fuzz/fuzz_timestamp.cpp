// Timestamps: ISO 8601 strings, strptime-style formats and epoch numbers. Parsed instants
// stay within years 0000-9999 (give or take an offset), format back to text that parses to
// the same instant in every spelling docs/contract.md 1.4 allows, and agree with their
// epoch-number forms; numbers match an exact reference in every unit.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>

#include "fuzz_support.h"
#include "mergepipe/error.h"
#include "parse/timestamp.h"

namespace {

namespace mp = mergepipe;
using mergepipe::detail::format_rfc3339;
using mergepipe::detail::timestamp;
using mergepipe::detail::timestamp_parser;
using mergepipe::fuzz::byte_at;
using mergepipe::fuzz::printable;

__extension__ using int128 = __int128;

constexpr std::int64_t day = 86'400;
constexpr std::int64_t first_second = -62'167'219'200;  // 0000-01-01T00:00:00Z
constexpr std::int64_t last_second = 253'402'300'799;   // 9999-12-31T23:59:59Z
constexpr mp::timestamp_unit units[] = {mp::timestamp_unit::s, mp::timestamp_unit::ms,
                                        mp::timestamp_unit::us, mp::timestamp_unit::ns};
constexpr int unit_exponents[] = {0, 3, 6, 9};

std::string describe(const timestamp& t) {
  return std::to_string(t.seconds) + "s+" + std::to_string(t.nanos) + "ns (" + format_rfc3339(t) +
         ")";
}

std::string decimal(int128 value) {
  if (value == 0) return "0";
  bool negative = value < 0;
  std::string digits;
  for (; value != 0; value /= 10) {
    auto digit = static_cast<int>(value % 10);
    digits.insert(digits.begin(), static_cast<char>('0' + (negative ? -digit : digit)));
  }
  return (negative ? "-" : "") + digits;
}

const timestamp_parser& iso_parser() {
  static const timestamp_parser parser;
  return parser;
}

// Every spelling of `t` that the contract allows must parse back to `t`; `choice` picks the
// offset, separators and how much of the time of day and fraction is written.
void check_written_back(const timestamp& t, unsigned choice) {
  static const timestamp_parser full_format(mp::timestamp_unit::s, "%Y-%m-%dT%H:%M:%S.%f%z");
  timestamp back;
  const std::string utc = format_rfc3339(t);
  if (utc[0] == '-' || utc[0] == '+') return;  // a year that no spelling can hold
  FUZZ_CHECK(iso_parser().parse_string(utc, back) && back == t,
             utc + " parses to " + describe(back) + ", not " + describe(t));
  FUZZ_CHECK(full_format.parse_string(utc, back) && back == t, utc + " with %Y-%m-%dT...%f%z");

  // The same instant as wall time at an offset of up to a day either way.
  const int offset_minutes = static_cast<int>(choice % (2 * 1439 + 1)) - 1439;
  const timestamp wall{t.seconds + std::int64_t{offset_minutes} * 60, t.nanos};
  std::string text = format_rfc3339(wall);
  if (text[0] == '-' || text[0] == '+') return;
  text.pop_back();  // 'Z'
  std::string offset;
  const int magnitude = offset_minutes < 0 ? -offset_minutes : offset_minutes;
  if (offset_minutes == 0 && choice % 3 == 0) {
    offset = choice % 2 ? "Z" : "z";
  } else if (offset_minutes != 0 || choice % 3 == 1) {
    char buffer[8];
    std::snprintf(buffer, sizeof buffer, (choice >> 4) % 2 ? "%c%02d:%02d" : "%c%02d%02d",
                  offset_minutes < 0 ? '-' : '+', magnitude / 60, magnitude % 60);
    offset = buffer;
  }
  // Trailing zeros of the fraction, then a zero fraction, then zero seconds may go.
  while (text.back() == '0' && (choice >> 5) % 2) text.pop_back();
  if (text.back() == '.') text.pop_back();
  if (text.ends_with(":00") && text.size() == 19 && (choice >> 6) % 2) text.resize(16);
  // Digits past the ninth are truncated.
  if (text.size() == 29 && (choice >> 7) % 2) text += "987";
  text[10] = "Tt "[(choice >> 8) % 3];
  text += offset;
  FUZZ_CHECK(iso_parser().parse_string(text, back) && back == t,
             text + " parses to " + describe(back) + ", not " + describe(t));
  if (text.ends_with("T00:00") && offset.empty()) {
    text.resize(10);
    FUZZ_CHECK(iso_parser().parse_string(text, back) && back == t, text);
  }

  // The instant as an epoch number in seconds and in nanoseconds.
  const int128 total_nanos = int128{t.seconds} * 1'000'000'000 + t.nanos;
  std::string seconds = decimal(total_nanos / 1'000'000'000);
  const int128 magnitude_nanos = total_nanos < 0 ? -total_nanos : total_nanos;
  std::string fraction = decimal(1'000'000'000 + magnitude_nanos % 1'000'000'000);
  if (total_nanos < 0 && seconds == "0") seconds = "-0";
  const timestamp_parser in_s(mp::timestamp_unit::s);
  const timestamp_parser in_ns(mp::timestamp_unit::ns);
  const std::string fractional = seconds + "." + fraction.substr(1);
  FUZZ_CHECK(in_s.parse_number(fractional, back) && back == t,
             fractional + " s is " + describe(back));
  const std::string integer = decimal(total_nanos);
  FUZZ_CHECK(in_ns.parse_number(integer, back) && back == t, integer + " ns is " + describe(back));
}

// An instant a string timestamp may denote: years 0000-9999, shifted by an offset under a day.
void check_in_range(const timestamp& t, std::string_view text) {
  FUZZ_CHECK(t.nanos < 1'000'000'000 && t.seconds >= first_second - day &&
                 t.seconds <= last_second + 1 + day,
             printable(text) + " is " + describe(t));
}

// A JSON number split as value = ±digits x 10^exponent; the exponent saturates far beyond
// anything representable. Nullopt when the text is not a JSON number.
struct decimal_number {
  bool negative = false;
  std::string digits;
  std::int64_t exponent = 0;
};

std::optional<decimal_number> read_number(std::string_view text) {
  decimal_number n;
  std::size_t i = 0;
  auto digits = [&] {
    std::size_t begin = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    return text.substr(begin, i - begin);
  };
  n.negative = i < text.size() && text[i] == '-';
  i += n.negative ? 1 : 0;
  std::string_view integer = digits();
  if (integer.empty() || (integer.size() > 1 && integer[0] == '0')) return std::nullopt;
  n.digits = integer;
  if (i < text.size() && text[i] == '.') {
    ++i;
    std::string_view fraction = digits();
    if (fraction.empty()) return std::nullopt;
    n.digits += fraction;
    n.exponent = -static_cast<std::int64_t>(fraction.size());
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool negative = i < text.size() && text[i] == '-';
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
    std::string_view literal = digits();
    if (literal.empty()) return std::nullopt;
    std::int64_t value = 0;
    for (char c : literal)
      value = std::min<std::int64_t>(value * 10 + (c - '0'), 1'000'000'000'000'000);
    n.exponent += negative ? -value : value;
  }
  if (i != text.size()) return std::nullopt;
  return n;
}

// The number floored to whole nanoseconds in `unit_exponent`, exactly: nullopt when the
// seconds do not fit an int64; `unknown` set for digit strings too long for 128 bits.
std::optional<timestamp> reference_epoch(decimal_number n, int unit_exponent, bool& unknown) {
  unknown = false;
  std::size_t first = n.digits.find_first_not_of('0');
  if (first == std::string::npos) return timestamp{};
  n.digits.erase(0, first);
  std::int64_t k = n.exponent - unit_exponent + 9;  // value = ±digits x 10^k nanoseconds
  for (; n.digits.back() == '0'; ++k) n.digits.pop_back();
  if (n.digits.size() > 36) {
    unknown = true;
    return std::nullopt;
  }
  int128 significand = 0;
  for (char c : n.digits) significand = significand * 10 + (c - '0');
  int128 nanos = 0;
  if (k >= 0) {
    if (static_cast<std::int64_t>(n.digits.size()) + k > 29) return std::nullopt;
    nanos = significand;
    for (std::int64_t i = 0; i < k; ++i) nanos *= 10;
    if (n.negative) nanos = -nanos;
  } else if (k < -38) {
    nanos = n.negative ? -1 : 0;
  } else {
    int128 divisor = 1;
    for (std::int64_t i = 0; i < -k; ++i) divisor *= 10;
    nanos = n.negative ? -((significand + divisor - 1) / divisor) : significand / divisor;
  }
  int128 seconds = nanos / 1'000'000'000;
  int128 rest = nanos % 1'000'000'000;
  if (rest < 0) {
    rest += 1'000'000'000;
    --seconds;
  }
  if (seconds > INT64_MAX || seconds < INT64_MIN) return std::nullopt;
  return timestamp{static_cast<std::int64_t>(seconds), static_cast<std::uint32_t>(rest)};
}

void check_number(std::string_view text) {
  const std::optional<decimal_number> number = read_number(text);
  for (std::size_t u = 0; u < std::size(units); ++u) {
    const timestamp_parser parser(units[u]);
    timestamp got;
    const bool parsed = parser.parse_number(text, got);
    if (!number) {
      FUZZ_CHECK(!parsed, printable(text) + " is no JSON number but parsed");
      continue;
    }
    bool unknown = false;
    std::optional<timestamp> expected = reference_epoch(*number, unit_exponents[u], unknown);
    if (unknown) {
      FUZZ_CHECK(!parsed || got.nanos < 1'000'000'000, describe(got));
    } else {
      FUZZ_CHECK(parsed == expected.has_value() && (!parsed || got == *expected),
                 printable(text) + " in unit 10^-" + std::to_string(unit_exponents[u]) + ": " +
                     (parsed ? describe(got) : "no") + ", expected " +
                     (expected ? describe(*expected) : "no"));
    }
    // The same value in seconds, written with the unit as an exponent.
    if (text.find_first_of("eE") == std::string_view::npos && u > 0) {
      const std::string in_seconds = std::string(text) + "e-" + std::to_string(unit_exponents[u]);
      timestamp other;
      const bool other_parsed = iso_parser().parse_number(in_seconds, other);
      FUZZ_CHECK(parsed == other_parsed && (!parsed || got == other),
                 printable(text) + " in its unit differs from " + in_seconds + " s");
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const unsigned choice = byte_at(text, size - 1) << 8 | byte_at(text, size / 2);

  timestamp t;
  if (iso_parser().parse_string(text, t)) {
    check_in_range(t, text);
    check_written_back(t, choice);
  }
  check_number(text);
  if (iso_parser().parse_number(text, t) && t.seconds >= first_second - day &&
      t.seconds <= last_second + day) {
    check_written_back(t, choice);
  }

  // A strptime-style format, then 0x00, then the text to parse with it.
  const std::size_t split = text.find('\0');
  if (split == std::string_view::npos) return 0;
  std::optional<timestamp_parser> custom;
  try {
    custom.emplace(mp::timestamp_unit::s, text.substr(0, split));
  } catch (const mp::error& e) {
    FUZZ_CHECK(e.code() == mp::errc::usage, e.what());
    return 0;
  }
  const std::string_view value = text.substr(split + 1);
  if (custom->parse_string(value, t)) {
    check_in_range(t, value);
    check_written_back(t, choice);
  }
  return 0;
}
