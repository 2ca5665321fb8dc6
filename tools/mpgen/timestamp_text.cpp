#include "mpgen/timestamp_text.h"

#include <cstdint>

namespace mpgen {
namespace {

constexpr std::int64_t ns_per_second = 1'000'000'000;
constexpr std::int64_t seconds_per_day = 86'400;

// Offsets in minutes, including half- and quarter-hour zones and the extremes.
constexpr int offsets_min[] = {120, -330, 345, -480, 540, 60, -180, 0, 840, -720, 330, -600};

enum class zone { none, upper_z, lower_z, colon_offset, compact_offset };

struct iso_spelling {
  char separator;  // between date and time
  zone suffix;
};

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return q - ((a % b != 0) && ((a < 0) != (b < 0)));
}

std::int64_t unit_ns(resolution res) {
  switch (res) {
    case resolution::day:
      return seconds_per_day * ns_per_second;
    case resolution::second:
      return ns_per_second;
    case resolution::milli:
      return 1'000'000;
    case resolution::micro:
      return 1'000;
    case resolution::nano:
      return 1;
  }
  return 1;
}

int fraction_digits(resolution res) {
  switch (res) {
    case resolution::milli:
      return 3;
    case resolution::micro:
      return 6;
    case resolution::nano:
      return 9;
    default:
      return 0;
  }
}

// Percentages for whole seconds, milliseconds and microseconds; the rest get nanoseconds.
resolution draw_resolution(rng& random, int second_pct, int milli_pct, int micro_pct) {
  const auto r = static_cast<int>(random.below(100));
  if (r < second_pct) return resolution::second;
  if (r < second_pct + milli_pct) return resolution::milli;
  if (r < second_pct + milli_pct + micro_pct) return resolution::micro;
  return resolution::nano;
}

struct civil_date {
  std::int64_t year;
  unsigned month;
  unsigned day;
};

// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian calendar).
civil_date civil_from_days(std::int64_t days) {
  days += 719468;
  const std::int64_t era = floor_div(days, 146097);
  const auto doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned day = doy - (153 * mp + 2) / 5 + 1;
  const unsigned month = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<std::int64_t>(yoe) + era * 400 + (month <= 2), month, day};
}

void put_date(json_writer& out, const civil_date& date) {
  out.put_digits(static_cast<std::uint64_t>(date.year), 4);
  out.put('-');
  out.put_digits(date.month, 2);
  out.put('-');
  out.put_digits(date.day, 2);
}

void put_offset(json_writer& out, int minutes, bool colon) {
  out.put(minutes < 0 ? '-' : '+');
  const auto magnitude = static_cast<unsigned>(minutes < 0 ? -minutes : minutes);
  out.put_digits(magnitude / 60, 2);
  if (colon) out.put(':');
  out.put_digits(magnitude % 60, 2);
}

void put_iso(json_writer& out, stamp s, iso_spelling spelling, int offset_min) {
  if (s.res == resolution::day) offset_min = 0;  // a bare date is read as a UTC midnight
  const std::int64_t local_ns = s.ns + std::int64_t{offset_min} * 60 * ns_per_second;
  const std::int64_t seconds = floor_div(local_ns, ns_per_second);
  const std::int64_t days = floor_div(seconds, seconds_per_day);
  out.put('"');
  put_date(out, civil_from_days(days));
  if (s.res != resolution::day) {
    const auto second_of_day = static_cast<unsigned>(seconds - days * seconds_per_day);
    out.put(spelling.separator);
    out.put_digits(second_of_day / 3600, 2);
    out.put(':');
    out.put_digits(second_of_day / 60 % 60, 2);
    out.put(':');
    out.put_digits(second_of_day % 60, 2);
    if (const int digits = fraction_digits(s.res); digits > 0) {
      out.put('.');
      const auto fraction = static_cast<std::uint64_t>(local_ns - seconds * ns_per_second);
      out.put_digits(fraction / static_cast<std::uint64_t>(unit_ns(s.res)), digits);
    }
    switch (spelling.suffix) {
      case zone::none:
        break;
      case zone::upper_z:
        out.put('Z');
        break;
      case zone::lower_z:
        out.put('z');
        break;
      case zone::colon_offset:
        put_offset(out, offset_min, true);
        break;
      case zone::compact_offset:
        put_offset(out, offset_min, false);
        break;
    }
  }
  out.put('"');
}

bool has_offset(zone suffix) {
  return suffix == zone::colon_offset || suffix == zone::compact_offset;
}

// Mostly the canonical form; the rest covers every variant docs/contract.md 1.4 accepts.
iso_spelling draw_mixed_spelling(rng& random) {
  switch (random.below(20)) {
    case 0:
    case 1:
    case 2:
    case 3:
    case 4:
    case 5:
    case 6:
      return {'T', zone::upper_z};
    case 7:
      return {'t', zone::lower_z};
    case 8:
    case 9:
    case 10:
    case 11:
      return {'T', zone::colon_offset};
    case 12:
    case 13:
      return {'T', zone::compact_offset};
    case 14:
    case 15:
    case 16:
      return {' ', zone::none};
    case 17:
      return {' ', zone::upper_z};
    case 18:
      return {'T', zone::none};
    default:
      return {' ', zone::colon_offset};
  }
}

// Seconds as a JSON number; negative instants are written by magnitude, `-12.5`.
void put_epoch_seconds(json_writer& out, stamp s) {
  if (s.ns < 0) out.put('-');
  const auto magnitude = static_cast<std::uint64_t>(s.ns < 0 ? -s.ns : s.ns);
  out.put_uint(magnitude / ns_per_second);
  if (const int digits = fraction_digits(s.res); digits > 0) {
    out.put('.');
    out.put_digits(magnitude % ns_per_second / static_cast<std::uint64_t>(unit_ns(s.res)), digits);
  }
}

void put_epoch_millis(json_writer& out, stamp s) {
  const std::int64_t millis = floor_div(s.ns, 1'000'000);
  if (millis < 0) out.put('-');
  out.put_uint(static_cast<std::uint64_t>(millis < 0 ? -millis : millis));
}

// Mockaroo's `%m/%d/%Y` writes month and day without leading zeros.
void put_mockaroo_date(json_writer& out, stamp s) {
  const civil_date date = civil_from_days(floor_div(s.ns, seconds_per_day * ns_per_second));
  out.put('"');
  out.put_uint(date.month);
  out.put('/');
  out.put_uint(date.day);
  out.put('/');
  out.put_uint(static_cast<std::uint64_t>(date.year));
  out.put('"');
}

}  // namespace

stamp make_stamp(std::int64_t ns, ts_style style, rng& random) {
  resolution res = resolution::second;
  switch (style) {
    case ts_style::iso:
    case ts_style::iso_offset:
      res = draw_resolution(random, 60, 25, 10);
      break;
    case ts_style::space:
      res = draw_resolution(random, 80, 20, 0);
      break;
    case ts_style::epoch:
      res = draw_resolution(random, 50, 35, 15);
      break;
    case ts_style::epoch_ms:
      res = resolution::milli;
      break;
    case ts_style::mockaroo:
      res = resolution::day;
      break;
    case ts_style::mixed:
      res = random.below(50) == 0 ? resolution::day : draw_resolution(random, 50, 28, 12);
      break;
  }
  const std::int64_t unit = unit_ns(res);
  return {floor_div(ns, unit) * unit, res};
}

void write_timestamp(json_writer& out, ts_style style, stamp s, rng& random) {
  switch (style) {
    case ts_style::iso:
      put_iso(out, s, {'T', zone::upper_z}, 0);
      break;
    case ts_style::iso_offset: {
      const zone suffix = random.below(2) == 0 ? zone::colon_offset : zone::compact_offset;
      put_iso(out, s, {'T', suffix}, random.pick(offsets_min));
      break;
    }
    case ts_style::space:
      put_iso(out, s, {' ', zone::none}, 0);
      break;
    case ts_style::epoch:
      put_epoch_seconds(out, s);
      break;
    case ts_style::epoch_ms:
      put_epoch_millis(out, s);
      break;
    case ts_style::mockaroo:
      put_mockaroo_date(out, s);
      break;
    case ts_style::mixed: {
      const iso_spelling spelling = draw_mixed_spelling(random);
      put_iso(out, s, spelling, has_offset(spelling.suffix) ? random.pick(offsets_min) : 0);
      break;
    }
  }
}

}  // namespace mpgen
