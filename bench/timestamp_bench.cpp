// Timestamp parsing, once per record on the workers: ISO 8601 strings in the spellings seen
// in exports (Z, offsets, fractions), a `--ts-format`, and epoch numbers.
//
//   timestamp_bench --benchmark_filter=parse_string

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "parse/timestamp.h"

namespace {

using mergepipe::timestamp_unit;
using mergepipe::detail::timestamp;
using mergepipe::detail::timestamp_parser;

// Enough different values that the branch predictor cannot learn them, few enough to stay
// in L1 with the parser.
constexpr std::size_t batch = 1024;

enum class shape {
  iso_z,              // 2024-03-05T12:34:56Z
  iso_offset,         // 2024-03-05T14:34:56+02:00
  iso_millis_z,       // 2024-03-05T12:34:56.123Z
  iso_nanos_offset,   // 2024-03-05T12:34:56.123456789-05:30
  iso_space_no_zone,  // 2024-03-05 12:34:56
  month_day_year,     // 3/5/2024 (--ts-format %m/%d/%Y, Mockaroo's default)
  epoch_seconds,      // 1709641496
  epoch_fraction,     // 1709641496.123456
  epoch_millis,       // 1709641496123 (--ts-unit ms)
};

// `batch` values of one shape. std::mt19937_64's output is fixed by the standard, and no
// std:: distribution is used, so the values are the same with every standard library.
std::vector<std::string> make_values(shape what) {
  std::mt19937_64 random(42);
  const auto below = [&](std::uint64_t n) { return static_cast<int>(random() % n); };
  std::vector<std::string> values;
  values.reserve(batch);
  char text[128];
  for (std::size_t i = 0; i < batch; ++i) {
    const int year = 1970 + below(60);
    const int month = 1 + below(12);
    const int day = 1 + below(28);
    const int hour = below(24);
    const int minute = below(60);
    const int second = below(60);
    const int millis = below(1000);
    const char sign = below(2) ? '+' : '-';
    const int offset_hours = below(15);
    const int offset_minutes = 15 * below(4);
    const int micros = below(1'000'000);
    const std::uint64_t epoch = 1'000'000'000 + random() % 1'000'000'000;
    switch (what) {
      case shape::iso_z:
        std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02dZ", year, month, day, hour,
                      minute, second);
        break;
      case shape::iso_offset:
        std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", year, month,
                      day, hour, minute, second, sign, offset_hours, offset_minutes);
        break;
      case shape::iso_millis_z:
        std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", year, month, day,
                      hour, minute, second, millis);
        break;
      case shape::iso_nanos_offset:
        std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03d%06d%c%02d:%02d", year,
                      month, day, hour, minute, second, millis, micros, sign, offset_hours,
                      offset_minutes);
        break;
      case shape::iso_space_no_zone:
        std::snprintf(text, sizeof text, "%04d-%02d-%02d %02d:%02d:%02d", year, month, day, hour,
                      minute, second);
        break;
      case shape::month_day_year:
        std::snprintf(text, sizeof text, "%d/%d/%04d", month, day, year);
        break;
      case shape::epoch_seconds:
        std::snprintf(text, sizeof text, "%llu", static_cast<unsigned long long>(epoch));
        break;
      case shape::epoch_fraction:
        std::snprintf(text, sizeof text, "%llu.%06d", static_cast<unsigned long long>(epoch),
                      micros);
        break;
      case shape::epoch_millis:
        std::snprintf(text, sizeof text, "%llu%03d", static_cast<unsigned long long>(epoch),
                      millis);
        break;
    }
    values.emplace_back(text);
  }
  return values;
}

template <bool is_string>
bool parse(const timestamp_parser& parser, std::string_view text, timestamp& out) {
  if constexpr (is_string) {
    return parser.parse_string(text, out);
  } else {
    return parser.parse_number(text, out);
  }
}

template <bool is_string>
void run(benchmark::State& state, const timestamp_parser& parser, shape what) {
  const std::vector<std::string> owned = make_values(what);
  const std::vector<std::string_view> values(owned.begin(), owned.end());
  timestamp t;
  for (std::string_view value : values) {
    if (!parse<is_string>(parser, value, t)) {
      state.SkipWithError(("does not parse: " + std::string(value)).c_str());
      return;
    }
  }
  for (auto _ : state) {
    // Folding every result into one value keeps each parse alive, without a store per value.
    std::int64_t sum = 0;
    for (std::string_view value : values) {
      const bool ok = parse<is_string>(parser, value, t);
      sum += t.seconds + t.nanos + ok;
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * values.size()));
}

void parse_string(benchmark::State& state, shape what) {
  const timestamp_parser iso;
  run<true>(state, iso, what);
}
BENCHMARK_CAPTURE(parse_string, iso_z, shape::iso_z);
BENCHMARK_CAPTURE(parse_string, iso_offset, shape::iso_offset);
BENCHMARK_CAPTURE(parse_string, iso_millis_z, shape::iso_millis_z);
BENCHMARK_CAPTURE(parse_string, iso_nanos_offset, shape::iso_nanos_offset);
BENCHMARK_CAPTURE(parse_string, iso_space_no_zone, shape::iso_space_no_zone);

void parse_string_with_format(benchmark::State& state, const char* format, shape what) {
  const timestamp_parser parser(timestamp_unit::s, format);
  run<true>(state, parser, what);
}
BENCHMARK_CAPTURE(parse_string_with_format, month_day_year, "%m/%d/%Y", shape::month_day_year);

void parse_number(benchmark::State& state, timestamp_unit unit, shape what) {
  const timestamp_parser parser(unit);
  run<false>(state, parser, what);
}
BENCHMARK_CAPTURE(parse_number, epoch_seconds, timestamp_unit::s, shape::epoch_seconds);
BENCHMARK_CAPTURE(parse_number, epoch_fraction, timestamp_unit::s, shape::epoch_fraction);
BENCHMARK_CAPTURE(parse_number, epoch_millis, timestamp_unit::ms, shape::epoch_millis);

}  // namespace
