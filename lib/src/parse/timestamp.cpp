#include "parse/timestamp.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <limits>
#include <string>
#include <string_view>
#include <utility>

#include "json_grammar.h"
#include "mergepipe/error.h"

namespace mergepipe::detail {
namespace {

constexpr std::int64_t seconds_per_day = 86'400;
constexpr std::uint32_t nanos_per_second = 1'000'000'000;
constexpr std::uint32_t nanos_weight[9] = {1,       10,        100,        1'000,      10'000,
                                           100'000, 1'000'000, 10'000'000, 100'000'000};

// Howard Hinnant's days_from_civil (proleptic Gregorian): days since 1970-01-01.
constexpr std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day) noexcept {
  year -= month <= 2;
  const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  const auto year_of_era = static_cast<unsigned>(year - era * 400);
  const unsigned day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146'097 + static_cast<std::int64_t>(day_of_era) - 719'468;
}

struct civil_date {
  std::int64_t year;
  unsigned month;
  unsigned day;
};

// Hinnant's civil_from_days; exact for every day an int64 count of seconds can reach.
constexpr civil_date civil_from_days(std::int64_t days) noexcept {
  days += 719'468;
  const std::int64_t era = (days >= 0 ? days : days - 146'096) / 146'097;
  const auto day_of_era = static_cast<unsigned>(days - era * 146'097);
  const unsigned year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36'524 - day_of_era / 146'096) / 365;
  const unsigned day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const unsigned shifted_month = (5 * day_of_year + 2) / 153;  // March is 0.
  const unsigned day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
  const unsigned month = shifted_month < 10 ? shifted_month + 3 : shifted_month - 9;
  return {static_cast<std::int64_t>(year_of_era) + era * 400 + (month <= 2), month, day};
}

constexpr unsigned days_in_month(unsigned year, unsigned month) noexcept {
  constexpr unsigned char days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
  return month == 2 && leap ? 29 : days[month - 1];
}

// The fields of a string timestamp; what a format leaves out keeps these defaults.
struct fields {
  unsigned year = 1970;
  unsigned month = 1;
  unsigned day = 1;
  unsigned hour = 0;
  unsigned minute = 0;
  unsigned second = 0;
  std::uint32_t nanos = 0;
  std::int32_t offset_seconds = 0;  // East of UTC.
};

bool to_timestamp(const fields& f, timestamp& out) noexcept {
  if (f.month < 1 || f.month > 12) [[unlikely]]
    return false;
  if (f.day < 1 || f.day > days_in_month(f.year, f.month)) [[unlikely]]
    return false;
  // Second 60 is allowed and simply adds up to the first instant of the next minute.
  if (f.hour > 23 || f.minute > 59 || f.second > 60) [[unlikely]]
    return false;
  const std::int64_t time_of_day = std::int64_t{f.hour} * 3600 + f.minute * 60 + f.second;
  out.seconds =
      days_from_civil(f.year, f.month, f.day) * seconds_per_day + time_of_day - f.offset_seconds;
  out.nanos = f.nanos;
  return true;
}

// The readers below advance `p` only on success; `end` bounds every access.

bool read_char(const char*& p, const char* end, char expected) noexcept {
  if (p == end || *p != expected) return false;
  ++p;
  return true;
}

bool read_fixed_digits(const char*& p, const char* end, int count, unsigned& value) noexcept {
  if (end - p < count) return false;
  unsigned result = 0;
  for (int i = 0; i < count; ++i) {
    if (!is_json_digit(p[i])) return false;
    result = result * 10 + static_cast<unsigned>(p[i] - '0');
  }
  p += count;
  value = result;
  return true;
}

// strptime reads %m %d %H %M %S greedily as one or two digits, so `3/5/2024` works.
bool read_one_or_two_digits(const char*& p, const char* end, unsigned& value) noexcept {
  if (p == end || !is_json_digit(*p)) return false;
  unsigned result = static_cast<unsigned>(*p++ - '0');
  if (p != end && is_json_digit(*p)) result = result * 10 + static_cast<unsigned>(*p++ - '0');
  value = result;
  return true;
}

// Reads 1..max_digits fraction digits; those past the ninth are truncated, not rounded.
bool read_fraction(const char*& p, const char* end, std::ptrdiff_t max_digits,
                   std::uint32_t& nanos) noexcept {
  const char* const begin = p;
  const char* const stop = end - p > max_digits ? p + max_digits : end;
  std::uint32_t result = 0;
  const char* q = p;
  for (; q != stop && is_json_digit(*q); ++q) {
    const std::ptrdiff_t position = q - begin;
    if (position < 9) result += static_cast<std::uint32_t>(*q - '0') * nanos_weight[8 - position];
  }
  if (q == begin) return false;
  p = q;
  nanos = result;
  return true;
}

// `Z`, `z`, `+hh:mm`, `-hh:mm`, `+hhmm` or `-hhmm`.
bool read_offset(const char*& p, const char* end, std::int32_t& offset_seconds) noexcept {
  const char* q = p;
  if (q == end) return false;
  if (*q == 'Z' || *q == 'z') {
    p = q + 1;
    offset_seconds = 0;
    return true;
  }
  if (*q != '+' && *q != '-') return false;
  const bool west = *q++ == '-';
  unsigned hours = 0;
  unsigned minutes = 0;
  if (!read_fixed_digits(q, end, 2, hours)) return false;
  if (q != end && *q == ':') ++q;
  if (!read_fixed_digits(q, end, 2, minutes) || hours > 23 || minutes > 59) return false;
  const auto magnitude = static_cast<std::int32_t>((hours * 60 + minutes) * 60);
  offset_seconds = west ? -magnitude : magnitude;
  p = q;
  return true;
}

// `YYYY-MM-DD`, optionally followed by `T`/`t`/space, `hh:mm[:ss[.fraction]]` and an offset.
bool parse_iso(std::string_view text, timestamp& out) noexcept {
  const char* p = text.data();
  const char* const end = p + text.size();
  fields f;
  if (!read_fixed_digits(p, end, 4, f.year) || !read_char(p, end, '-') ||
      !read_fixed_digits(p, end, 2, f.month) || !read_char(p, end, '-') ||
      !read_fixed_digits(p, end, 2, f.day)) {
    return false;
  }
  if (p != end) {
    if (*p != 'T' && *p != 't' && *p != ' ') return false;
    ++p;
    if (!read_fixed_digits(p, end, 2, f.hour) || !read_char(p, end, ':') ||
        !read_fixed_digits(p, end, 2, f.minute)) {
      return false;
    }
    if (read_char(p, end, ':')) {
      if (!read_fixed_digits(p, end, 2, f.second)) return false;
      if (read_char(p, end, '.') &&
          !read_fraction(p, end, std::numeric_limits<std::ptrdiff_t>::max(), f.nanos)) {
        return false;
      }
    }
    if (p != end && !read_offset(p, end, f.offset_seconds)) return false;
  }
  return p == end && to_timestamp(f, out);
}

void append_padded(std::string& out, std::uint64_t value, std::size_t width) {
  char digits[20];
  std::size_t count = 0;
  do {
    digits[count++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  if (count < width) out.append(width - count, '0');
  while (count > 0) out += digits[--count];
}

int unit_exponent(timestamp_unit unit) noexcept {
  switch (unit) {
    case timestamp_unit::s:
      return 0;
    case timestamp_unit::ms:
      return 3;
    case timestamp_unit::us:
      return 6;
    case timestamp_unit::ns:
      return 9;
  }
  return 0;
}

}  // namespace

timestamp_parser::timestamp_parser(timestamp_unit unit, std::string_view format)
    : unit_(unit), iso_(format.empty()) {
  constexpr std::pair<char, step::kind> directives[] = {
      {'Y', step::kind::year},     {'m', step::kind::month},  {'d', step::kind::day},
      {'H', step::kind::hour},     {'M', step::kind::minute}, {'S', step::kind::second},
      {'f', step::kind::fraction}, {'z', step::kind::offset}};
  const auto add_literal = [this](char c) {
    if (steps_.empty() || steps_.back().what != step::kind::literal) steps_.push_back({});
    steps_.back().literal += c;
  };
  for (std::size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%') {
      add_literal(format[i]);
      continue;
    }
    if (++i == format.size()) {
      throw error(errc::usage,
                  "timestamp format \"" + std::string(format) + "\" ends with a lone '%'");
    }
    if (format[i] == '%') {
      add_literal('%');
      continue;
    }
    const auto* found = std::find_if(std::begin(directives), std::end(directives),
                                     [&](const auto& d) { return d.first == format[i]; });
    if (found == std::end(directives)) {
      throw error(errc::usage, "timestamp format \"" + std::string(format) +
                                   "\" has an unknown directive %" + format[i] +
                                   " (supported: %Y %m %d %H %M %S %f %z %%)");
    }
    steps_.push_back({found->second, {}});
  }
}

bool timestamp_parser::parse_string(std::string_view text, timestamp& out) const noexcept {
  if (iso_) return parse_iso(text, out);
  const char* p = text.data();
  const char* const end = p + text.size();
  fields f;
  for (const step& s : steps_) {
    bool ok = false;
    switch (s.what) {
      case step::kind::literal:
        ok = std::string_view(p, static_cast<std::size_t>(end - p)).starts_with(s.literal);
        if (ok) p += s.literal.size();
        break;
      case step::kind::year:
        ok = read_fixed_digits(p, end, 4, f.year);
        break;
      case step::kind::month:
        ok = read_one_or_two_digits(p, end, f.month);
        break;
      case step::kind::day:
        ok = read_one_or_two_digits(p, end, f.day);
        break;
      case step::kind::hour:
        ok = read_one_or_two_digits(p, end, f.hour);
        break;
      case step::kind::minute:
        ok = read_one_or_two_digits(p, end, f.minute);
        break;
      case step::kind::second:
        ok = read_one_or_two_digits(p, end, f.second);
        break;
      case step::kind::fraction:
        ok = read_fraction(p, end, 9, f.nanos);
        break;
      case step::kind::offset:
        ok = read_offset(p, end, f.offset_seconds);
        break;
    }
    if (!ok) return false;
  }
  return p == end && to_timestamp(f, out);
}

bool timestamp_parser::parse_number(std::string_view json_number, timestamp& out) const noexcept {
  json_number_parts number;
  if (!split_json_number(json_number, number)) return false;
  const bool negative = number.negative;
  const char* const int_begin = number.integer.data();
  const char* const int_end = int_begin + number.integer.size();
  const char* const frac_end =
      number.fraction.empty() ? int_end : number.fraction.data() + number.fraction.size();
  // Saturates far beyond any exponent that could matter, so huge ones cannot overflow.
  const std::int64_t exponent = number.exponent_value(1'000'000'000'000'000);  // 10^15

  // The mantissa digits lie in [int_begin, frac_end) around at most one '.'. With leading zeros
  // skipped they read 0.d1d2...dn x 10^point seconds, so digit i (from 0) weighs 10^(point-1-i).
  const char* q = int_begin;
  while (q != frac_end && (*q == '0' || *q == '.')) ++q;
  if (q == frac_end) {
    out = {};
    return true;
  }
  const std::int64_t fraction_digits = frac_end == int_end ? 0 : frac_end - int_end - 1;
  const std::int64_t significant_digits = (frac_end - q) - (q < int_end && frac_end != int_end);
  const std::int64_t point = significant_digits + exponent - fraction_digits - unit_exponent(unit_);
  if (point > 19) return false;  // At least 10^19 seconds: beyond int64.

  std::uint64_t whole = 0;  // Below 10^19, so no overflow in 64 bits.
  std::uint32_t nanos = 0;
  bool below_nano = false;
  std::int64_t i = 0;
  for (; q != frac_end; ++q) {
    if (*q == '.') continue;
    const auto digit = static_cast<unsigned>(*q - '0');
    if (i < point) {
      whole = whole * 10 + digit;
    } else if (i < point + 9) {
      nanos += digit * nanos_weight[point + 8 - i];
    } else if (digit != 0) {
      below_nano = true;
      break;
    }
    ++i;
  }
  for (; i < point; ++i) whole *= 10;

  constexpr auto int64_max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (!negative) {
    if (whole > int64_max) return false;
    out = {static_cast<std::int64_t>(whole), nanos};  // Flooring truncates below a nanosecond.
    return true;
  }
  // Flooring a negative value rounds its magnitude up to the next nanosecond.
  if (below_nano && ++nanos == nanos_per_second) {
    nanos = 0;
    ++whole;
  }
  if (nanos == 0) {
    if (whole > int64_max + 1) return false;
    out = {static_cast<std::int64_t>(0 - whole), 0};  // Modular, so -2^63 converts exactly.
  } else {
    if (whole > int64_max) return false;
    out = {static_cast<std::int64_t>(~whole), nanos_per_second - nanos};  // ~w is -w - 1.
  }
  return true;
}

std::string format_rfc3339(timestamp t) {
  // Floor division, so instants before 1970 fall on the day before.
  std::int64_t days = t.seconds / seconds_per_day;
  std::int64_t second_of_day = t.seconds % seconds_per_day;
  if (second_of_day < 0) {
    second_of_day += seconds_per_day;
    --days;
  }
  const civil_date date = civil_from_days(days);
  std::string out;
  out.reserve(40);
  if (date.year < 0) {
    out += '-';
    append_padded(out, 0 - static_cast<std::uint64_t>(date.year), 4);
  } else {
    if (date.year > 9999) out += '+';
    append_padded(out, static_cast<std::uint64_t>(date.year), 4);
  }
  out += '-';
  append_padded(out, date.month, 2);
  out += '-';
  append_padded(out, date.day, 2);
  out += 'T';
  append_padded(out, static_cast<std::uint64_t>(second_of_day / 3600), 2);
  out += ':';
  append_padded(out, static_cast<std::uint64_t>(second_of_day / 60 % 60), 2);
  out += ':';
  append_padded(out, static_cast<std::uint64_t>(second_of_day % 60), 2);
  out += '.';
  append_padded(out, t.nanos, 9);
  out += 'Z';
  return out;
}

}  // namespace mergepipe::detail
