#include "parse/timestamp.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <optional>
#include <ostream>
#include <random>
#include <string>
#include <string_view>

#include "mergepipe/error.h"

namespace mergepipe::detail {

// Lets GoogleTest show failing timestamps both raw and readable.
void PrintTo(const timestamp& t, std::ostream* os) {
  *os << '{' << t.seconds << ", " << t.nanos << "} " << format_rfc3339(t);
}

}  // namespace mergepipe::detail

namespace {

using mergepipe::errc;
using mergepipe::timestamp_unit;
using mergepipe::detail::format_rfc3339;
using mergepipe::detail::timestamp;
using mergepipe::detail::timestamp_parser;

constexpr std::int64_t int64_min = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t int64_max = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t march_5_2024 = 1'709'596'800;             // 2024-03-05T00:00:00Z
constexpr std::int64_t march_5_2024_123456 = 1'709'642'096;      // 2024-03-05T12:34:56Z
constexpr std::int64_t year_0000 = -62'167'219'200;              // 0000-01-01T00:00:00Z
constexpr std::int64_t year_9999_last_second = 253'402'300'799;  // 9999-12-31T23:59:59Z

std::optional<timestamp> parse_string(const timestamp_parser& parser, std::string_view text) {
  timestamp t;
  if (!parser.parse_string(text, t)) return std::nullopt;
  return t;
}

std::optional<timestamp> iso(std::string_view text) {
  static const timestamp_parser parser;
  return parse_string(parser, text);
}

std::optional<timestamp> with_format(std::string_view format, std::string_view text) {
  return parse_string(timestamp_parser(timestamp_unit::s, format), text);
}

std::optional<timestamp> number(std::string_view text, timestamp_unit unit = timestamp_unit::s) {
  timestamp t;
  if (!timestamp_parser(unit).parse_number(text, t)) return std::nullopt;
  return t;
}

// The usage error a bad format throws; fails the test when none is thrown.
mergepipe::error format_error(std::string_view format) {
  try {
    timestamp_parser parser(timestamp_unit::s, format);
  } catch (const mergepipe::error& e) {
    return e;
  }
  ADD_FAILURE() << "no error for format " << format;
  return mergepipe::error(errc::ok, "");
}

// ISO 8601 / RFC 3339 strings.

TEST(timestamp_test, parses_bare_date_as_midnight_utc) {
  EXPECT_EQ(iso("2024-03-05"), (timestamp{march_5_2024, 0}));
  EXPECT_EQ(iso("1970-01-01"), (timestamp{0, 0}));
  EXPECT_EQ(iso("1969-12-31"), (timestamp{-86'400, 0}));
}

TEST(timestamp_test, parses_date_and_time_with_every_separator) {
  const timestamp expected{march_5_2024_123456, 0};
  EXPECT_EQ(iso("2024-03-05T12:34:56"), expected);
  EXPECT_EQ(iso("2024-03-05t12:34:56"), expected);
  EXPECT_EQ(iso("2024-03-05 12:34:56"), expected);
  EXPECT_EQ(iso("2024-03-05_12:34:56"), std::nullopt);
  EXPECT_EQ(iso("2024-03-0512:34:56"), std::nullopt);
}

TEST(timestamp_test, parses_time_without_seconds) {
  EXPECT_EQ(iso("2024-03-05T12:34"), (timestamp{march_5_2024_123456 - 56, 0}));
  EXPECT_EQ(iso("2024-03-05T12:34Z"), (timestamp{march_5_2024_123456 - 56, 0}));
  EXPECT_EQ(iso("2024-03-05T12:34+01:00"), (timestamp{march_5_2024_123456 - 56 - 3600, 0}));
}

TEST(timestamp_test, no_offset_means_utc) {
  EXPECT_EQ(iso("2024-03-05T12:34:56"), iso("2024-03-05T12:34:56Z"));
  EXPECT_EQ(iso("2024-03-05T12:34:56"), iso("2024-03-05T12:34:56z"));
  EXPECT_EQ(iso("2024-03-05T12:34:56"), iso("2024-03-05T12:34:56+00:00"));
  EXPECT_EQ(iso("2024-03-05T12:34:56"), iso("2024-03-05T12:34:56-00:00"));
  EXPECT_EQ(iso("2024-03-05T12:34:56"), iso("2024-03-05T12:34:56+0000"));
}

TEST(timestamp_test, parses_offset_with_colon) {
  EXPECT_EQ(iso("2024-03-05T12:34:56+02:00"), (timestamp{march_5_2024_123456 - 7200, 0}));
  EXPECT_EQ(iso("2024-03-05T12:34:56-05:30"), (timestamp{march_5_2024_123456 + 19'800, 0}));
}

TEST(timestamp_test, parses_offset_without_colon) {
  EXPECT_EQ(iso("2024-03-05T12:34:56+0200"), (timestamp{march_5_2024_123456 - 7200, 0}));
  EXPECT_EQ(iso("2024-03-05T12:34:56-0530"), (timestamp{march_5_2024_123456 + 19'800, 0}));
  EXPECT_EQ(iso("2024-03-05T12:34:56.5+0200"),
            (timestamp{march_5_2024_123456 - 7200, 500'000'000}));
}

TEST(timestamp_test, offset_moves_instant_across_days) {
  EXPECT_EQ(iso("2024-03-05T23:30:00-01:00"), iso("2024-03-06T00:30:00Z"));
  EXPECT_EQ(iso("2024-03-01T00:30:00+01:00"), iso("2024-02-29T23:30:00Z"));
  EXPECT_EQ(iso("2024-01-01T00:00:00+23:59"), iso("2023-12-31T00:01:00Z"));
}

TEST(timestamp_test, range_checks_offsets) {
  EXPECT_TRUE(iso("2024-03-05T12:34:56+23:59"));
  EXPECT_TRUE(iso("2024-03-05T12:34:56-23:59"));
  EXPECT_FALSE(iso("2024-03-05T12:34:56+24:00"));
  EXPECT_FALSE(iso("2024-03-05T12:34:56-24:00"));
  EXPECT_FALSE(iso("2024-03-05T12:34:56+01:60"));
  EXPECT_FALSE(iso("2024-03-05T12:34:56+0160"));
}

TEST(timestamp_test, rejects_malformed_offsets) {
  for (const char* text :
       {"2024-03-05T12:34:56+1:00", "2024-03-05T12:34:56+01:0", "2024-03-05T12:34:56+010",
        "2024-03-05T12:34:56+01", "2024-03-05T12:34:56+",
        "2024-03-05T12:34:56+01:", "2024-03-05T12:34:56+01:00:00", "2024-03-05T12:34:56ZZ",
        "2024-03-05T12:34:56UTC", "2024-03-05T12:34:56 +01:00", "2024-03-05T12:34:56+01 00"}) {
    EXPECT_FALSE(iso(text)) << text;
  }
}

TEST(timestamp_test, compares_instants_not_wall_clocks) {
  const auto east = iso("2024-03-05T12:00:00+02:00");
  const auto utc = iso("2024-03-05T11:00:00Z");
  ASSERT_TRUE(east && utc);
  EXPECT_LT(*east, *utc);
  EXPECT_EQ(iso("2024-03-05T12:00:00+02:00"), iso("2024-03-05T10:00:00Z"));
  EXPECT_LT(*iso("2024-03-05T10:00:00.000000001Z"), *iso("2024-03-05T10:00:00.000000002Z"));
  EXPECT_LT(*iso("1969-12-31T23:59:59.999999999Z"), *iso("1970-01-01T00:00:00Z"));
}

TEST(timestamp_test, parses_fraction_of_any_length) {
  EXPECT_EQ(iso("2024-03-05T12:34:56.5"), (timestamp{march_5_2024_123456, 500'000'000}));
  EXPECT_EQ(iso("2024-03-05T12:34:56.05Z"), (timestamp{march_5_2024_123456, 50'000'000}));
  EXPECT_EQ(iso("2024-03-05T12:34:56.123"), (timestamp{march_5_2024_123456, 123'000'000}));
  EXPECT_EQ(iso("2024-03-05T12:34:56.123456"), (timestamp{march_5_2024_123456, 123'456'000}));
  EXPECT_EQ(iso("2024-03-05T12:34:56.123456789"), (timestamp{march_5_2024_123456, 123'456'789}));
  EXPECT_EQ(iso("2024-03-05T12:34:56.000000001Z"), (timestamp{march_5_2024_123456, 1}));
}

TEST(timestamp_test, truncates_fraction_digits_past_the_ninth) {
  EXPECT_EQ(iso("2024-03-05T12:34:56.1234567899"), (timestamp{march_5_2024_123456, 123'456'789}));
  EXPECT_EQ(iso("2024-03-05T12:34:56.9999999999999Z"),
            (timestamp{march_5_2024_123456, 999'999'999}));
  EXPECT_EQ(iso("2024-03-05T12:34:56.0000000009+00:00"), (timestamp{march_5_2024_123456, 0}));
  const std::string long_fraction = "2024-03-05T12:34:56." + std::string(10'000, '7') + "Z";
  EXPECT_EQ(iso(long_fraction), (timestamp{march_5_2024_123456, 777'777'777}));
}

TEST(timestamp_test, rejects_fraction_without_digits_or_seconds) {
  EXPECT_FALSE(iso("2024-03-05T12:34:56."));
  EXPECT_FALSE(iso("2024-03-05T12:34:56.Z"));
  EXPECT_FALSE(iso("2024-03-05T12:34:56.+01:00"));
  EXPECT_FALSE(iso("2024-03-05T12:34.5"));
  EXPECT_FALSE(iso("2024-03-05T12:34:56,5"));
  EXPECT_FALSE(iso("2024-03-05.5"));
}

TEST(timestamp_test, accepts_february_29_only_in_leap_years) {
  EXPECT_EQ(iso("2024-02-29"), (timestamp{1'709'164'800, 0}));
  EXPECT_EQ(iso("2000-02-29"), (timestamp{951'782'400, 0}));
  EXPECT_TRUE(iso("1600-02-29"));
  EXPECT_TRUE(iso("0000-02-29"));  // Year 0 is a leap year in the proleptic Gregorian calendar.
  EXPECT_FALSE(iso("2023-02-29"));
  EXPECT_FALSE(iso("1900-02-29"));
  EXPECT_FALSE(iso("2100-02-29"));
  EXPECT_FALSE(iso("2024-02-30"));
  EXPECT_FALSE(iso("2000-02-30"));
}

TEST(timestamp_test, range_checks_month_and_day) {
  EXPECT_TRUE(iso("2024-01-31"));
  EXPECT_TRUE(iso("2024-12-31"));
  EXPECT_FALSE(iso("2024-04-31"));
  EXPECT_FALSE(iso("2024-06-31"));
  EXPECT_FALSE(iso("2024-09-31"));
  EXPECT_FALSE(iso("2024-11-31"));
  EXPECT_FALSE(iso("2024-01-32"));
  EXPECT_FALSE(iso("2024-01-00"));
  EXPECT_FALSE(iso("2024-00-10"));
  EXPECT_FALSE(iso("2024-13-01"));
  EXPECT_FALSE(iso("2024-99-99"));
}

TEST(timestamp_test, range_checks_time_fields) {
  EXPECT_TRUE(iso("2024-03-05T23:59:59.999999999"));
  EXPECT_TRUE(iso("2024-03-05T00:00:00"));
  EXPECT_FALSE(iso("2024-03-05T24:00:00"));
  EXPECT_FALSE(iso("2024-03-05T24:00"));
  EXPECT_FALSE(iso("2024-03-05T12:60:00"));
  EXPECT_FALSE(iso("2024-03-05T12:34:61"));
  EXPECT_FALSE(iso("2024-03-05T12:34:99"));
}

TEST(timestamp_test, second_60_is_the_first_instant_of_the_next_minute) {
  EXPECT_EQ(iso("2024-03-05T12:34:60"), iso("2024-03-05T12:35:00"));
  EXPECT_EQ(iso("2024-03-05T12:34:60.25Z"), iso("2024-03-05T12:35:00.25Z"));
  EXPECT_EQ(iso("2024-03-05T23:59:60"), iso("2024-03-06T00:00:00"));
  EXPECT_EQ(iso("2024-02-28T23:59:60"), iso("2024-02-29T00:00:00"));
  EXPECT_EQ(iso("2016-12-31T23:59:60Z"), (timestamp{1'483'228'800, 0}));  // 2017-01-01
  EXPECT_EQ(iso("2016-12-31T23:59:60.5Z"), (timestamp{1'483'228'800, 500'000'000}));
  EXPECT_EQ(iso("2016-12-31T18:59:60-05:00"), (timestamp{1'483'228'800, 0}));
  EXPECT_EQ(iso("9999-12-31T23:59:60Z"), (timestamp{year_9999_last_second + 1, 0}));
}

TEST(timestamp_test, represents_years_0000_and_9999) {
  EXPECT_EQ(iso("0000-01-01"), (timestamp{year_0000, 0}));
  EXPECT_EQ(iso("0000-01-01T00:00:00Z"), (timestamp{year_0000, 0}));
  EXPECT_EQ(iso("0001-01-01"), (timestamp{year_0000 + 366 * 86'400, 0}));
  EXPECT_EQ(iso("9999-12-31T23:59:59.999999999Z"), (timestamp{year_9999_last_second, 999'999'999}));
  EXPECT_EQ(iso("0000-01-01T00:00:00+23:59"), (timestamp{year_0000 - 86'340, 0}));
  EXPECT_EQ(iso("9999-12-31T23:59:59-23:59"), (timestamp{year_9999_last_second + 86'340, 0}));
}

TEST(timestamp_test, requires_exact_digit_counts) {
  for (const char* text :
       {"2024-3-05", "2024-03-5", "24-03-05", "02024-03-05", "+2024-03-05", "-2024-03-05",
        "2024-03-05T1:34:56", "2024-03-05T12:3:56", "2024-03-05T12:34:5", "2024-03-05T12",
        "2024-03-05T123456", "2024-03-05T12:345", "2024-0305", "202403-05", "20240305"}) {
    EXPECT_FALSE(iso(text)) << text;
  }
}

TEST(timestamp_test, rejects_non_digits_in_fields) {
  for (const char* text :
       {"2024-03-0a", "2O24-03-05", "2024-03-05T1a:34:56", "2024-03-05T12:34:5x", "2024/03/05",
        "2024-03-05T12.34.56", "\xef\xbc\x92\xef\xbc\x90\xef\xbc\x92\xef\xbc\x94-03-05"}) {
    EXPECT_FALSE(iso(text)) << text;
  }
}

TEST(timestamp_test, rejects_trailing_and_leading_garbage) {
  for (const char* text : {"2024-03-05x", "2024-03-05T12:34:56x", "2024-03-05T12:34:56Zx",
                           "2024-03-05T12:34:56+01:00 ", "2024-03-05T12:34:56 ", " 2024-03-05",
                           "2024-03-05\n", "\t2024-03-05T12:34:56Z"}) {
    EXPECT_FALSE(iso(text)) << text;
  }
  EXPECT_FALSE(iso(std::string_view("2024-03-05\0", 11)));
  EXPECT_FALSE(iso(std::string_view("2024-03-05T12:34:56Z\0", 21)));
}

TEST(timestamp_test, rejects_separator_without_time) {
  EXPECT_FALSE(iso("2024-03-05T"));
  EXPECT_FALSE(iso("2024-03-05t"));
  EXPECT_FALSE(iso("2024-03-05 "));
  EXPECT_FALSE(iso("2024-03-05TZ"));
  EXPECT_FALSE(iso("2024-03-05T+01:00"));
}

TEST(timestamp_test, rejects_offset_after_bare_date) {
  EXPECT_FALSE(iso("2024-03-05Z"));
  EXPECT_FALSE(iso("2024-03-05z"));
  EXPECT_FALSE(iso("2024-03-05+01:00"));
  EXPECT_FALSE(iso("2024-03-05-0100"));
}

TEST(timestamp_test, rejects_empty_and_truncated_strings) {
  const std::string full = "2024-03-05T12:34:56.123+01:00";
  EXPECT_TRUE(iso(full));
  // Every prefix that does not end at a complete date, time, fraction or offset is rejected.
  for (std::size_t length = 0; length < full.size(); ++length) {
    const bool complete =
        length == 10 || length == 16 || length == 19 || (length >= 21 && length <= 23);
    EXPECT_EQ(iso(full.substr(0, length)).has_value(), complete) << full.substr(0, length);
  }
}

TEST(timestamp_test, every_day_of_years_0000_to_9999_is_one_day_after_the_last) {
  // Walks the calendar with its own month table, so days_from_civil is checked independently.
  constexpr int month_days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const timestamp_parser parser;
  std::int64_t expected = year_0000;
  char text[32];
  timestamp t;
  for (int year = 0; year <= 9999; ++year) {
    const bool leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    for (int month = 1; month <= 12; ++month) {
      const int last = month == 2 && leap ? 29 : month_days[month - 1];
      for (int day = 1; day <= last + 1; ++day) {
        std::snprintf(text, sizeof text, "%04d-%02d-%02d", year, month, day);
        const bool ok = parser.parse_string(text, t);
        if (day > last) {
          ASSERT_FALSE(ok) << text;
          continue;
        }
        ASSERT_TRUE(ok) << text;
        ASSERT_EQ(t, (timestamp{expected, 0})) << text;
        expected += 86'400;
      }
    }
  }
  EXPECT_EQ(expected, year_9999_last_second + 1);
}

// JSON numbers.

TEST(timestamp_test, parses_integer_epoch_seconds) {
  EXPECT_EQ(number("1700000000"), (timestamp{1'700'000'000, 0}));
  EXPECT_EQ(number("0"), (timestamp{0, 0}));
  EXPECT_EQ(number("-0"), (timestamp{0, 0}));
  EXPECT_EQ(number("-1"), (timestamp{-1, 0}));
  EXPECT_EQ(number("-1700000000"), (timestamp{-1'700'000'000, 0}));
}

TEST(timestamp_test, parses_fractional_epoch_seconds) {
  EXPECT_EQ(number("1.5"), (timestamp{1, 500'000'000}));
  EXPECT_EQ(number("0.000000001"), (timestamp{0, 1}));
  EXPECT_EQ(number("1700000000.123456789"), (timestamp{1'700'000'000, 123'456'789}));
  EXPECT_EQ(number("-0.0"), (timestamp{0, 0}));
  EXPECT_EQ(number("1.000000000000000000000000000000"), (timestamp{1, 0}));
}

TEST(timestamp_test, floors_negative_numbers) {
  EXPECT_EQ(number("-0.5"), (timestamp{-1, 500'000'000}));
  EXPECT_EQ(number("-1.5"), (timestamp{-2, 500'000'000}));
  EXPECT_EQ(number("-0.000000001"), (timestamp{-1, 999'999'999}));
  EXPECT_EQ(number("-0.0000000001"), (timestamp{-1, 999'999'999}));
  EXPECT_EQ(number("-0.9999999999"), (timestamp{-1, 0}));
  EXPECT_EQ(number("-1.9999999999"), (timestamp{-2, 0}));
  EXPECT_EQ(number("-1.0000000000000000000001"), (timestamp{-2, 999'999'999}));
  EXPECT_EQ(number("-1700000000.25"), (timestamp{-1'700'000'001, 750'000'000}));
}

TEST(timestamp_test, truncates_positive_numbers_below_a_nanosecond) {
  EXPECT_EQ(number("1700000000.123456789999"), (timestamp{1'700'000'000, 123'456'789}));
  EXPECT_EQ(number("0.0000000009"), (timestamp{0, 0}));
  EXPECT_EQ(number("0.9999999999"), (timestamp{0, 999'999'999}));
  EXPECT_EQ(number("123456789012345678901234567890e-20"), (timestamp{1'234'567'890, 123'456'789}));
}

TEST(timestamp_test, parses_exponents_exactly) {
  EXPECT_EQ(number("1.7e9"), (timestamp{1'700'000'000, 0}));
  EXPECT_EQ(number("1.7E9"), (timestamp{1'700'000'000, 0}));
  EXPECT_EQ(number("1.7e+9"), (timestamp{1'700'000'000, 0}));
  EXPECT_EQ(number("17e8"), (timestamp{1'700'000'000, 0}));
  EXPECT_EQ(number("1e0"), (timestamp{1, 0}));
  EXPECT_EQ(number("15e-1"), (timestamp{1, 500'000'000}));
  EXPECT_EQ(number("1e-9"), (timestamp{0, 1}));
  EXPECT_EQ(number("-1.5e3"), (timestamp{-1500, 0}));
  EXPECT_EQ(number("-15e-10"), (timestamp{-1, 999'999'998}));
  EXPECT_EQ(number("0.00000000000000000000000000001e29"), (timestamp{1, 0}));
  EXPECT_EQ(number("1e18"), (timestamp{1'000'000'000'000'000'000, 0}));
}

TEST(timestamp_test, handles_extreme_exponents) {
  EXPECT_EQ(number("1e400"), std::nullopt);
  EXPECT_EQ(number("-1e400"), std::nullopt);
  EXPECT_EQ(number("1e19"), std::nullopt);
  EXPECT_EQ(number("1e99999999999999999999999999"), std::nullopt);
  EXPECT_EQ(number("1e-400"), (timestamp{0, 0}));
  EXPECT_EQ(number("-1e-400"), (timestamp{-1, 999'999'999}));
  EXPECT_EQ(number("1e-99999999999999999999999999"), (timestamp{0, 0}));
  EXPECT_EQ(number("-1e-99999999999999999999999999"), (timestamp{-1, 999'999'999}));
  EXPECT_EQ(number("0e99999999999999999999999999"), (timestamp{0, 0}));
  EXPECT_EQ(number("-0.0e400"), (timestamp{0, 0}));
}

TEST(timestamp_test, accepts_exactly_the_int64_range_of_seconds) {
  EXPECT_EQ(number("9223372036854775807"), (timestamp{int64_max, 0}));
  EXPECT_EQ(number("9223372036854775807.999999999999"), (timestamp{int64_max, 999'999'999}));
  EXPECT_EQ(number("9223372036854775808"), std::nullopt);
  EXPECT_EQ(number("9999999999999999999"), std::nullopt);
  EXPECT_EQ(number("18446744073709551616"), std::nullopt);
  EXPECT_EQ(number("-9223372036854775808"), (timestamp{int64_min, 0}));
  EXPECT_EQ(number("-9223372036854775807.5"), (timestamp{int64_min, 500'000'000}));
  EXPECT_EQ(number("-9223372036854775807.0000000001"), (timestamp{int64_min, 999'999'999}));
  EXPECT_EQ(number("-9223372036854775808.0000000001"), std::nullopt);
  EXPECT_EQ(number("-9223372036854775809"), std::nullopt);
  EXPECT_EQ(number("9223372036854775807999", timestamp_unit::ms),
            (timestamp{int64_max, 999'000'000}));
  EXPECT_EQ(number("9223372036854775808000", timestamp_unit::ms), std::nullopt);
  EXPECT_EQ(number("-9223372036854775808000000000", timestamp_unit::ns), (timestamp{int64_min, 0}));
}

TEST(timestamp_test, reads_numbers_in_the_given_unit) {
  EXPECT_EQ(number("1700000000123", timestamp_unit::ms), (timestamp{1'700'000'000, 123'000'000}));
  EXPECT_EQ(number("1700000000123456", timestamp_unit::us),
            (timestamp{1'700'000'000, 123'456'000}));
  EXPECT_EQ(number("1700000000123456789", timestamp_unit::ns),
            (timestamp{1'700'000'000, 123'456'789}));
  EXPECT_EQ(number("1.5", timestamp_unit::ms), (timestamp{0, 1'500'000}));
  EXPECT_EQ(number("1.7e12", timestamp_unit::ms), (timestamp{1'700'000'000, 0}));
  EXPECT_EQ(number("1.5", timestamp_unit::ns), (timestamp{0, 1}));
  EXPECT_EQ(number("-1.5", timestamp_unit::ns), (timestamp{-1, 999'999'998}));
  EXPECT_EQ(number("-1", timestamp_unit::ms), (timestamp{-1, 999'000'000}));
  EXPECT_EQ(number("-1", timestamp_unit::us), (timestamp{-1, 999'999'000}));
  EXPECT_EQ(number("-1000", timestamp_unit::ms), (timestamp{-1, 0}));
  EXPECT_EQ(number("0.0001", timestamp_unit::us), (timestamp{0, 0}));
  EXPECT_EQ(number("-0.0001", timestamp_unit::us), (timestamp{-1, 999'999'999}));
}

TEST(timestamp_test, is_exact_for_long_digit_strings) {
  const std::string many_zeros = "1" + std::string(5000, '0') + "e-5000";
  EXPECT_EQ(number(many_zeros), (timestamp{1, 0}));
  const std::string long_fraction = "2." + std::string(5000, '0') + "1";
  EXPECT_EQ(number(long_fraction), (timestamp{2, 0}));
  EXPECT_EQ(number("-" + long_fraction), (timestamp{-3, 999'999'999}));
  const std::string leading_zeros = "0." + std::string(5000, '0') + "1e5010";
  EXPECT_EQ(number(leading_zeros), (timestamp{1'000'000'000, 0}));
}

TEST(timestamp_test, rejects_text_that_is_not_a_json_number) {
  for (const char* text :
       {"",      "-",    "+1",    "01",   "-01",  "00",    "1.",    ".5",       "-.5",       "1e",
        "1e+",   "1E-",  "1.5.2", "0x10", " 1",   "1 ",    "--1",   "Infinity", "-Infinity", "NaN",
        "1e5.0", "1ee5", "1.e5",  "1,5",  "true", "\"1\"", "1e5e5", "e5"}) {
    EXPECT_EQ(number(text), std::nullopt) << text;
  }
  EXPECT_EQ(number(std::string_view("1\0", 2)), std::nullopt);
}

// strptime-style formats.

TEST(timestamp_test, format_reads_one_or_two_digit_fields_like_mockaroo) {
  const timestamp expected{march_5_2024, 0};
  EXPECT_EQ(with_format("%m/%d/%Y", "3/5/2024"), expected);
  EXPECT_EQ(with_format("%m/%d/%Y", "03/05/2024"), expected);
  EXPECT_EQ(with_format("%m/%d/%Y", "03/5/2024"), expected);
  EXPECT_EQ(with_format("%m/%d/%Y", "12/31/2024"), (timestamp{1'735'603'200, 0}));
  EXPECT_EQ(with_format("%d.%m.%Y %H:%M:%S", "5.3.2024 1:2:3"),
            (timestamp{march_5_2024 + 3723, 0}));
  EXPECT_EQ(with_format("%d%m%Y", "05032024"), expected);  // Two digits are taken greedily.
}

TEST(timestamp_test, format_rejects_malformed_fields) {
  EXPECT_FALSE(with_format("%m/%d/%Y", "3/5/24"));
  EXPECT_FALSE(with_format("%m/%d/%Y", "3/5/02024"));
  EXPECT_FALSE(with_format("%m/%d/%Y", "/5/2024"));
  EXPECT_FALSE(with_format("%m/%d/%Y", "003/5/2024"));
  EXPECT_FALSE(with_format("%m/%d/%Y", "3-5-2024"));
  EXPECT_FALSE(with_format("%m/%d/%Y", "3/5/2024 "));
  EXPECT_FALSE(with_format("%m/%d/%Y", " 3/5/2024"));
  EXPECT_FALSE(with_format("%m/%d/%Y", "3/5/"));
  EXPECT_FALSE(with_format("%m/%d/%Y", ""));
  EXPECT_FALSE(with_format("%m/%d/%Y", "2024-03-05"));
}

TEST(timestamp_test, format_range_checks_fields) {
  EXPECT_FALSE(with_format("%m/%d/%Y", "13/5/2024"));
  EXPECT_FALSE(with_format("%m/%d/%Y", "0/5/2024"));
  EXPECT_FALSE(with_format("%m/%d/%Y", "2/30/2024"));
  EXPECT_FALSE(with_format("%m/%d/%Y", "2/29/2023"));
  EXPECT_TRUE(with_format("%m/%d/%Y", "2/29/2024"));
  EXPECT_TRUE(with_format("%m/%d/%Y", "2/29/2000"));
  EXPECT_FALSE(with_format("%m/%d/%Y", "4/31/2024"));
  EXPECT_FALSE(with_format("%Y %H:%M:%S", "2024 24:00:00"));
  EXPECT_FALSE(with_format("%Y %H:%M:%S", "2024 12:60:00"));
  EXPECT_FALSE(with_format("%Y %H:%M:%S", "2024 12:00:61"));
  EXPECT_FALSE(with_format("%Y%z", "2024+24:00"));
}

TEST(timestamp_test, format_second_60_rolls_over) {
  EXPECT_EQ(with_format("%Y-%m-%d %H:%M:%S", "2016-12-31 23:59:60"), (timestamp{1'483'228'800, 0}));
}

TEST(timestamp_test, format_parses_full_rfc3339_shape) {
  constexpr std::string_view format = "%Y-%m-%dT%H:%M:%S.%f%z";
  EXPECT_EQ(with_format(format, "2024-03-05T12:34:56.123+02:00"),
            iso("2024-03-05T12:34:56.123+02:00"));
  EXPECT_EQ(with_format(format, "2024-03-05T12:34:56.123-0200"),
            (timestamp{march_5_2024_123456 + 7200, 123'000'000}));
  EXPECT_EQ(with_format(format, "2024-03-05T12:34:56.123456789Z"),
            (timestamp{march_5_2024_123456, 123'456'789}));
  EXPECT_EQ(with_format(format, "2024-03-05T12:34:56.1z"),
            (timestamp{march_5_2024_123456, 100'000'000}));
  EXPECT_FALSE(with_format(format, "2024-03-05T12:34:56.123"));
  EXPECT_FALSE(with_format(format, "2024-03-05T12:34:56.Z"));
  EXPECT_FALSE(with_format(format, "2024-03-05T12:34:56.1234567891Z"));
  EXPECT_FALSE(with_format(format, "2024-03-05T12:34:56.123+2:00"));
  EXPECT_FALSE(with_format(format, "2024-03-05T12:34:56.123+02:00 "));
}

TEST(timestamp_test, format_fraction_takes_one_to_nine_digits) {
  EXPECT_EQ(with_format("%Y %S.%f", "1970 1.5"), (timestamp{1, 500'000'000}));
  EXPECT_EQ(with_format("%Y %S.%f", "1970 1.000000001"), (timestamp{1, 1}));
  EXPECT_FALSE(with_format("%Y %S.%f", "1970 1.0000000001"));
  EXPECT_FALSE(with_format("%Y %S.%f", "1970 1."));
}

TEST(timestamp_test, format_percent_percent_is_a_literal_percent) {
  EXPECT_EQ(with_format("%Y%%%m", "2024%03"), (timestamp{1'709'251'200, 0}));
  EXPECT_EQ(with_format("%%%Y", "%2024"), (timestamp{1'704'067'200, 0}));
  EXPECT_FALSE(with_format("%Y%%%m", "202403"));
  EXPECT_FALSE(with_format("%Y%%%m", "2024%%03"));
}

TEST(timestamp_test, format_other_characters_are_literals) {
  EXPECT_EQ(with_format("day %d of %m, %Y", "day 5 of 3, 2024"), (timestamp{march_5_2024, 0}));
  EXPECT_EQ(with_format("[%Y]", "[2024]"), (timestamp{1'704'067'200, 0}));
  EXPECT_FALSE(with_format("[%Y]", "[2024"));
  EXPECT_FALSE(with_format("[%Y]", "2024]"));
  EXPECT_FALSE(with_format("%Y T", "2024  T"));  // Spaces match only themselves.
}

TEST(timestamp_test, format_missing_fields_take_defaults) {
  EXPECT_EQ(with_format("%Y", "2024"), (timestamp{1'704'067'200, 0}));  // 2024-01-01
  EXPECT_EQ(with_format("%Y-%m", "2024-03"), (timestamp{1'709'251'200, 0}));
  EXPECT_EQ(with_format("%Y-%m-%d %H", "2024-03-05 12"), (timestamp{march_5_2024 + 43'200, 0}));
  EXPECT_EQ(with_format("%H:%M", "12:34"), (timestamp{45'240, 0}));  // The year defaults to 1970.
  EXPECT_EQ(with_format("%Y%z", "2024+01:00"), (timestamp{1'704'067'200 - 3600, 0}));
}

TEST(timestamp_test, format_reads_years_0000_to_9999) {
  EXPECT_EQ(with_format("%Y/%m/%d", "0000/1/1"), (timestamp{year_0000, 0}));
  EXPECT_EQ(with_format("%Y/%m/%d %H:%M:%S", "9999/12/31 23:59:59"),
            (timestamp{year_9999_last_second, 0}));
  EXPECT_FALSE(with_format("%Y/%m/%d", "999/1/1"));
  EXPECT_FALSE(with_format("%Y/%m/%d", "10000/1/1"));
}

TEST(timestamp_test, format_leaves_numbers_as_epoch_values) {
  const timestamp_parser parser(timestamp_unit::ms, "%m/%d/%Y");
  timestamp t;
  ASSERT_TRUE(parser.parse_number("1700000000123", t));
  EXPECT_EQ(t, (timestamp{1'700'000'000, 123'000'000}));
  EXPECT_FALSE(parser.parse_number("3/5/2024", t));
}

TEST(timestamp_test, bad_format_is_a_usage_error) {
  const mergepipe::error unknown = format_error("%Y-%Q");
  EXPECT_EQ(unknown.code(), errc::usage);
  EXPECT_NE(std::string(unknown.what()).find("%Q"), std::string::npos) << unknown.what();
  EXPECT_NE(std::string(unknown.what()).find("%Y-%Q"), std::string::npos) << unknown.what();

  for (const char* format : {"%", "%Y-%", "%Y%%%"}) {
    const mergepipe::error lone = format_error(format);
    EXPECT_EQ(lone.code(), errc::usage) << format;
    EXPECT_NE(std::string(lone.what()).find("lone '%'"), std::string::npos) << lone.what();
  }
  for (const char* format : {"%a", "%b", "%e", "%j", "%s", "%T", "%y", "%Z", "% "}) {
    EXPECT_EQ(format_error(format).code(), errc::usage) << format;
  }
}

TEST(timestamp_test, empty_format_means_iso) {
  const timestamp_parser parser(timestamp_unit::s, "");
  EXPECT_EQ(parse_string(parser, "2024-03-05"), (timestamp{march_5_2024, 0}));
}

// Formatting and round trips.

TEST(timestamp_test, formats_rfc3339_with_nine_fraction_digits) {
  EXPECT_EQ(format_rfc3339({0, 0}), "1970-01-01T00:00:00.000000000Z");
  EXPECT_EQ(format_rfc3339({march_5_2024_123456, 0}), "2024-03-05T12:34:56.000000000Z");
  EXPECT_EQ(format_rfc3339({march_5_2024_123456, 123'456'789}), "2024-03-05T12:34:56.123456789Z");
  EXPECT_EQ(format_rfc3339({-1, 999'999'999}), "1969-12-31T23:59:59.999999999Z");
  EXPECT_EQ(format_rfc3339({year_0000, 0}), "0000-01-01T00:00:00.000000000Z");
  EXPECT_EQ(format_rfc3339({year_9999_last_second, 999'999'999}), "9999-12-31T23:59:59.999999999Z");
}

TEST(timestamp_test, formats_years_outside_0000_to_9999_with_a_sign) {
  EXPECT_EQ(format_rfc3339({year_0000 - 1, 0}), "-0001-12-31T23:59:59.000000000Z");
  EXPECT_EQ(format_rfc3339({year_9999_last_second + 1, 0}), "+10000-01-01T00:00:00.000000000Z");
  EXPECT_EQ(format_rfc3339({int64_max, 999'999'999}), "+292277026596-12-04T15:30:07.999999999Z");
  EXPECT_EQ(format_rfc3339({int64_min, 0}), "-292277022657-01-27T08:29:52.000000000Z");
}

TEST(timestamp_test, offsets_at_the_year_limits_format_outside_0000_to_9999) {
  // parse_string accepts these, yet the instants lie outside 0000-9999 in UTC.
  EXPECT_EQ(format_rfc3339(*iso("0000-01-01T00:00:00+00:01")), "-0001-12-31T23:59:00.000000000Z");
  EXPECT_EQ(format_rfc3339(*iso("9999-12-31T23:59:60Z")), "+10000-01-01T00:00:00.000000000Z");
}

TEST(timestamp_test, format_then_parse_round_trips_generated_instants) {
  std::mt19937_64 random(20240305);
  std::uniform_int_distribution<std::int64_t> seconds(year_0000, year_9999_last_second);
  std::uniform_int_distribution<std::uint32_t> nanos(0, 999'999'999);
  const timestamp_parser parser;
  timestamp parsed;
  for (int i = 0; i < 200'000; ++i) {
    // Half the cases stress whole seconds and day boundaries, where off-by-one errors hide.
    const std::int64_t s = i % 2 == 0 ? seconds(random) : seconds(random) / 86'400 * 86'400;
    const timestamp t{s, i % 3 == 0 ? 0 : nanos(random)};
    const std::string text = format_rfc3339(t);
    ASSERT_TRUE(parser.parse_string(text, parsed)) << text;
    ASSERT_EQ(parsed, t) << text;
  }
}

TEST(timestamp_test, parse_then_format_keeps_the_instant_for_generated_strings) {
  std::mt19937_64 random(9);
  const auto pick = [&random](int low, int high) {
    return std::uniform_int_distribution<int>(low, high)(random);
  };
  const timestamp_parser parser;
  timestamp parsed;
  timestamp reparsed;
  char text[64];
  for (int i = 0; i < 100'000; ++i) {
    const int year = pick(0, 9999);
    const int month = pick(1, 12);
    const int day = pick(1, 28);
    const int offset_minutes = pick(-(23 * 60 + 59), 23 * 60 + 59);
    std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%09d%c%02d:%02d", year, month,
                  day, pick(0, 23), pick(0, 59), pick(0, 60), pick(0, 999'999'999),
                  offset_minutes < 0 ? '-' : '+', std::abs(offset_minutes) / 60,
                  std::abs(offset_minutes) % 60);
    ASSERT_TRUE(parser.parse_string(text, parsed)) << text;
    const std::string formatted = format_rfc3339(parsed);
    if (parsed.seconds < year_0000 || parsed.seconds > year_9999_last_second) continue;
    ASSERT_TRUE(parser.parse_string(formatted, reparsed)) << text << " -> " << formatted;
    ASSERT_EQ(reparsed, parsed) << text << " -> " << formatted;
  }
}

}  // namespace
