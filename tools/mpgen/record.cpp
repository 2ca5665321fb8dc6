#include "mpgen/record.h"

#include <charconv>
#include <cstdint>
#include <iterator>
#include <string_view>

#include "mpgen/words.h"

namespace mpgen {
namespace {

void put_email(json_writer& out, const words::name& first, const words::name& last, rng& random) {
  out.put('"');
  switch (random.below(4)) {
    case 0:
      out.put(first.slug);
      out.put('.');
      out.put(last.slug);
      break;
    case 1:
      out.put(first.slug.front());
      out.put(last.slug);
      break;
    case 2:
      out.put(first.slug);
      out.put('_');
      out.put(last.slug);
      out.put_uint(random.below(100));
      break;
    default:
      out.put(first.slug);
      out.put(last.slug);
      break;
  }
  out.put('@');
  out.put(random.pick(words::domains));
  out.put('"');
}

void put_ip_address(json_writer& out, rng& random) {
  const std::uint64_t bits = random.next();
  out.put('"');
  for (int octet = 0; octet < 4; ++octet) {
    if (octet > 0) out.put('.');
    out.put_uint(bits >> (8 * octet) & 0xff);
  }
  out.put('"');
}

// Cents rendered in the spellings JSON allows for the same kind of value, so that consumers
// must not assume one number format.
void put_amount(json_writer& out, rng& random) {
  const std::uint64_t cents = random.below(1'000'000);
  const std::uint64_t r = random.below(100);
  if (r < 70) {
    out.put_uint(cents / 100);
    out.put('.');
    out.put_digits(cents % 100, 2);
  } else if (r < 80) {
    out.put_uint(cents / 100);
  } else if (r < 85) {
    out.put_uint(cents / 100);
    out.put('.');
    out.put_digits(cents / 10 % 10, 1);
  } else if (r < 90) {
    out.put_uint(cents);
    out.put("E-2");
  } else if (r < 95) {
    // d.ddd...e+N with the decimal point after the first digit.
    char digits[20];
    const auto length =
        static_cast<std::size_t>(std::to_chars(digits, digits + 20, cents).ptr - digits);
    out.put(digits[0]);
    if (length > 1) {
      out.put('.');
      out.put(std::string_view{digits + 1, length - 1});
    }
    out.put('e');
    if (length < 3) out.put('-');
    out.put_uint(length < 3 ? 3 - length : length - 3);
  } else {
    out.put('-');
    out.put_uint(cents / 10'000);
    out.put('.');
    out.put_digits(cents % 100, 2);
  }
}

void put_address(json_writer& out, rng& random) {
  out.begin_object();
  out.key("street");
  out.put('"');
  out.put_uint(1 + random.below(9999));
  out.put(' ');
  out.put(random.pick(words::streets));
  out.put(' ');
  out.put(random.pick(words::street_suffixes));
  out.put('"');
  out.key("city");
  out.string(random.pick(words::cities));
  out.key("zip");
  if (random.below(20) == 0) {
    out.put("null");
  } else {
    out.put('"');
    out.put_digits(random.below(100'000), 5);
    out.put('"');
  }
  out.end_object();
}

void put_tags(json_writer& out, rng& random) {
  constexpr std::size_t tag_count = std::size(words::tags);
  const std::uint64_t count = random.below(4);
  const std::uint64_t first = random.below(tag_count);
  out.begin_array();
  for (std::uint64_t i = 0; i < count; ++i) {
    out.item();
    out.string(words::tags[(first + i) % tag_count]);
  }
  out.end_array();
}

void put_timestamp_field(json_writer& out, const update& u, ts_style style, rng& random) {
  if (u.presence == ts_presence::absent) return;
  out.key("updated_at");
  if (u.presence == ts_presence::null) {
    out.put("null");
  } else {
    write_timestamp(out, style, u.ts, random);
  }
}

}  // namespace

void write_record(json_writer& out, const update& u, ts_style style, rng& random) {
  out.begin_object();
  out.key("id");
  out.put_uint(u.id);
  out.key("op");
  out.string(u.is_delete ? "d" : "u");
  if (!u.is_delete) {
    const words::name& first = random.pick(words::first_names);
    const words::name& last = random.pick(words::last_names);
    out.key("first_name");
    out.string(first.text);
    out.key("last_name");
    out.string(last.text);
    out.key("email");
    if (random.below(30) == 0) {
      out.put("null");
    } else {
      put_email(out, first, last, random);
    }
    out.key("gender");
    out.string(random.pick(words::genders));
    out.key("ip_address");
    put_ip_address(out, random);
    out.key("amount");
    put_amount(out, random);
    out.key("active");
    out.put(random.below(10) < 7 ? "true" : "false");
    out.key("address");
    put_address(out, random);
    out.key("tags");
    put_tags(out, random);
    if (const std::uint64_t r = random.below(100); r < 35) {
      out.key("note");
      out.string(r < 15 ? random.pick(words::tricky_notes) : random.pick(words::plain_notes));
    }
  }
  put_timestamp_field(out, u, style, random);
  out.end_object();
}

}  // namespace mpgen
