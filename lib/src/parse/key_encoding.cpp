#include "parse/key_encoding.h"

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "json_grammar.h"
#include "json_string.h"

namespace mergepipe::detail {
namespace {

// Number payload: a sign byte (number_sign), then for non-zero numbers the decimal exponent E
// of the significand d.ddd, then the significant digits as ASCII with no leading or trailing
// zeros. So 12.50 is {positive, E=1, "125"} and zero is the sign byte alone.
//
// E goes in a varint "head": 2|E| + (E < 0) while |E| < 10^18. Larger exponents only come
// from absurd literals (`1e99999999999999999999`); their head is 2 * 10^18 + (E < 0), followed
// by the digit count and the decimal digits of |E|, because turning a long decimal literal
// into binary would cost quadratic time. Each E has exactly one form, so bytes stay canonical.
enum class number_sign : unsigned char { negative = 0, zero = 1, positive = 2 };

constexpr std::uint64_t small_exponent_limit = 1'000'000'000'000'000'000;  // 10^18
constexpr std::size_t small_exponent_max_digits = 18;
constexpr std::uint64_t large_exponent_head_base = 2 * small_exponent_limit;
constexpr std::size_t max_varint_size = 10;
// Part header, sign, exponent head and large-exponent digit count.
constexpr std::size_t max_number_prefix_size = 2 + 3 * max_varint_size;

int three_way(std::uint64_t a, std::uint64_t b) noexcept { return a < b ? -1 : (a > b ? 1 : 0); }

// Unsigned bytewise, shorter prefix first; always -1, 0 or 1 so callers may negate it.
int compare_bytes(std::string_view a, std::string_view b) noexcept {
  const int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

std::size_t varint_size(std::uint64_t value) noexcept {
  std::size_t size = 1;
  for (; value >= 0x80; value >>= 7) ++size;
  return size;
}

std::size_t write_varint(char* buffer, std::uint64_t value) noexcept {
  std::size_t size = 0;
  for (; value >= 0x80; value >>= 7) buffer[size++] = static_cast<char>((value & 0x7f) | 0x80);
  buffer[size++] = static_cast<char>(value);
  return size;
}

void append_header(std::string& out, key_tag tag, std::size_t payload_size) {
  char header[1 + max_varint_size];
  header[0] = static_cast<char>(tag);
  out.append(header, 1 + write_varint(header + 1, payload_size));
}

// Reads a varint and consumes it; false if `in` ends first or it does not fit 64 bits.
bool read_varint(std::string_view& in, std::uint64_t& value) noexcept {
  // Lengths and exponents of ordinary keys fit one byte.
  if (!in.empty() && static_cast<unsigned char>(in[0]) < 0x80) {
    value = static_cast<unsigned char>(in[0]);
    in.remove_prefix(1);
    return true;
  }
  std::uint64_t result = 0;
  for (std::size_t i = 0; i < max_varint_size && i < in.size(); ++i) {
    const auto byte = static_cast<unsigned char>(in[i]);
    if (i == max_varint_size - 1 && byte > 1) return false;
    result |= static_cast<std::uint64_t>(byte & 0x7f) << (7 * i);
    if ((byte & 0x80) == 0) {
      value = result;
      in.remove_prefix(i + 1);
      return true;
    }
  }
  return false;
}

// Writes a non-zero number part up to its digits: the part header, the sign, the exponent
// head and, for a large exponent, its digit count. Returns the bytes written.
std::size_t write_number_prefix(char* buffer, bool negative, std::uint64_t head,
                                std::size_t exponent_digit_count,
                                std::size_t significant_digit_count) noexcept {
  std::size_t payload_size = 1 + varint_size(head) + exponent_digit_count + significant_digit_count;
  if (exponent_digit_count != 0) payload_size += varint_size(exponent_digit_count);
  buffer[0] = static_cast<char>(key_tag::number);
  std::size_t size = 1 + write_varint(buffer + 1, payload_size);
  buffer[size++] = static_cast<char>(negative ? number_sign::negative : number_sign::positive);
  size += write_varint(buffer + size, head);
  if (exponent_digit_count != 0) size += write_varint(buffer + size, exponent_digit_count);
  return size;
}

// Appends a non-zero number part; `lead` and `trail` are its significant digits, split where
// the text had its decimal point. `exponent_digits` is set only for a large exponent.
void append_nonzero_number(std::string& out, bool negative, std::uint64_t head,
                           std::string_view exponent_digits, std::string_view lead,
                           std::string_view trail) {
  char prefix[max_number_prefix_size];
  out.append(prefix, write_number_prefix(prefix, negative, head, exponent_digits.size(),
                                         lead.size() + trail.size()));
  out.append(exponent_digits);
  out.append(lead);
  out.append(trail);
}

std::uint64_t small_exponent_head(std::uint64_t magnitude, bool negative) noexcept {
  return 2 * magnitude + (negative ? 1 : 0);
}

std::uint64_t large_exponent_head(bool negative) noexcept {
  return large_exponent_head_base + (negative ? 1 : 0);
}

std::uint64_t parse_small_uint(std::string_view digits) noexcept {
  std::uint64_t value = 0;
  for (const char c : digits) value = value * 10 + static_cast<std::uint64_t>(c - '0');
  return value;
}

// Adds `value` to the decimal digits out[begin, end); out[begin] must be a spare '0' for the
// carry when the digits are longer than `value`.
void add_decimal(std::string& out, std::size_t begin, std::uint64_t value) noexcept {
  for (std::size_t i = out.size(); value != 0 && i-- > begin;) {
    auto digit = static_cast<std::uint64_t>(out[i] - '0') + value % 10;
    value /= 10;
    if (digit >= 10) {
      digit -= 10;
      ++value;
    }
    out[i] = static_cast<char>('0' + digit);
  }
}

// Subtracts `value` from the decimal digits out[begin, end), which must not be smaller.
void subtract_decimal(std::string& out, std::size_t begin, std::uint64_t value) noexcept {
  for (std::size_t i = out.size(); value != 0 && i-- > begin;) {
    auto digit = static_cast<std::uint64_t>(out[i] - '0');
    const std::uint64_t take = value % 10;
    value /= 10;
    if (digit < take) {
      digit += 10;
      ++value;
    }
    out[i] = static_cast<char>('0' + (digit - take));
  }
}

// Fallback for exponent literals of 10^18 or more: E = ±literal + shift, with |shift| <
// 10^18 <= literal, so E has the literal's sign. |E| is computed in decimal at the end of
// `out`, where it already sits in its final place once the part's prefix is inserted.
void append_number_large_literal(std::string& out, bool negative, bool exponent_negative,
                                 std::string_view literal, std::int64_t shift,
                                 std::string_view lead, std::string_view trail) {
  const std::size_t begin = out.size();
  out.push_back('0');
  out.append(literal);
  const std::uint64_t shift_magnitude =
      shift < 0 ? 0 - static_cast<std::uint64_t>(shift) : static_cast<std::uint64_t>(shift);
  if ((shift < 0) == exponent_negative) {
    add_decimal(out, begin, shift_magnitude);
  } else {
    subtract_decimal(out, begin, shift_magnitude);
  }
  const std::size_t first = out.find_first_not_of('0', begin);  // |E| > 0
  const std::size_t digit_count = out.size() - first;
  if (digit_count <= small_exponent_max_digits) {
    const std::uint64_t magnitude = parse_small_uint(std::string_view(out).substr(first));
    out.resize(begin);
    append_nonzero_number(out, negative, small_exponent_head(magnitude, exponent_negative), {},
                          lead, trail);
    return;
  }
  out.erase(begin, first - begin);
  char prefix[max_number_prefix_size];
  out.insert(begin, prefix,
             write_number_prefix(prefix, negative, large_exponent_head(exponent_negative),
                                 digit_count, lead.size() + trail.size()));
  out.append(lead);
  out.append(trail);
}

// A decoded number payload; see the layout at the top of this file.
struct number_view {
  number_sign sign = number_sign::zero;
  bool exponent_negative = false;
  std::uint64_t exponent_small = 0;  // |E| when exponent_large is empty
  std::string_view exponent_large;   // decimal digits of |E| when |E| >= 10^18
  std::string_view digits;
};

bool decode_number(std::string_view payload, number_view& n) noexcept {
  if (payload.empty()) return false;
  const auto sign = static_cast<unsigned char>(payload[0]);
  if (sign > static_cast<unsigned char>(number_sign::positive)) return false;
  n.sign = static_cast<number_sign>(sign);
  payload.remove_prefix(1);
  if (n.sign == number_sign::zero) return payload.empty();
  std::uint64_t head = 0;
  if (!read_varint(payload, head)) return false;
  n.exponent_negative = (head & 1) != 0;
  if (head < large_exponent_head_base) {
    n.exponent_small = head >> 1;
  } else {
    std::uint64_t digit_count = 0;
    if (head - large_exponent_head_base > 1 || !read_varint(payload, digit_count) ||
        digit_count == 0 || digit_count > payload.size()) {
      return false;
    }
    n.exponent_large = payload.substr(0, digit_count);
    payload.remove_prefix(digit_count);
  }
  n.digits = payload;
  return true;
}

int compare_exponents(const number_view& a, const number_view& b) noexcept {
  if (a.exponent_negative != b.exponent_negative) return a.exponent_negative ? -1 : 1;
  int magnitude = 0;
  if (a.exponent_large.empty() != b.exponent_large.empty()) {
    magnitude = a.exponent_large.empty() ? -1 : 1;
  } else if (a.exponent_large.empty()) {
    magnitude = three_way(a.exponent_small, b.exponent_small);
  } else {
    // Canonical digits have no leading zeros, so the longer one is larger.
    magnitude = three_way(a.exponent_large.size(), b.exponent_large.size());
    if (magnitude == 0) magnitude = compare_bytes(a.exponent_large, b.exponent_large);
  }
  return a.exponent_negative ? -magnitude : magnitude;
}

int compare_numbers(const number_view& a, const number_view& b) noexcept {
  if (a.sign != b.sign) return a.sign < b.sign ? -1 : 1;
  if (a.sign == number_sign::zero) return 0;
  // Same exponent: d.ddd significands order like their digit strings, and without trailing
  // zeros a proper prefix is the smaller one.
  int magnitude = compare_exponents(a, b);
  if (magnitude == 0) magnitude = compare_bytes(a.digits, b.digits);
  return a.sign == number_sign::negative ? -magnitude : magnitude;
}

// Splits the first part off `in`; false (leaving `in` alone) if it is malformed.
bool take_part(std::string_view& in, unsigned char& tag, std::string_view& payload) noexcept {
  std::string_view rest = in;
  std::uint64_t size = 0;
  if (rest.empty()) return false;
  tag = static_cast<unsigned char>(rest[0]);
  rest.remove_prefix(1);
  if (!read_varint(rest, size) || size > rest.size()) return false;
  payload = rest.substr(0, size);
  in = rest.substr(size);
  return true;
}

int compare_payloads(unsigned char tag, std::string_view a, std::string_view b) noexcept {
  if (tag == static_cast<unsigned char>(key_tag::number)) {
    number_view x;
    number_view y;
    if (decode_number(a, x) && decode_number(b, y)) return compare_numbers(x, y);
  }
  // Booleans ("\0" < "\1"), strings and null order by payload bytes; so do malformed numbers,
  // which keeps garbage deterministic.
  return compare_bytes(a, b);
}

// Appends a decoded non-zero number as key_to_json writes it.
void append_number_json(std::string& out, const number_view& n) {
  if (n.sign == number_sign::negative) out += '-';
  const std::string_view digits = n.digits;
  const bool plain = n.exponent_large.empty() &&
                     (n.exponent_negative ? n.exponent_small <= 6 : n.exponent_small < 21);
  if (!plain) {
    out += digits[0];
    if (digits.size() > 1) (out += '.').append(digits.substr(1));
    out += n.exponent_negative ? "e-" : "e+";
    if (n.exponent_large.empty()) {
      out += std::to_string(n.exponent_small);
    } else {
      out.append(n.exponent_large);
    }
    return;
  }
  const auto e = static_cast<std::size_t>(n.exponent_small);
  if (n.exponent_negative) {  // 0.000ddd
    (out += "0.").append(e - 1, '0').append(digits);
  } else if (digits.size() <= e + 1) {  // ddd000
    out.append(digits).append(e + 1 - digits.size(), '0');
  } else {  // dd.ddd
    out.append(digits.substr(0, e + 1)).append(".").append(digits.substr(e + 1));
  }
}

void append_part_json(std::string& out, unsigned char tag, std::string_view payload) {
  switch (static_cast<key_tag>(tag)) {
    case key_tag::null:
      out += "null";
      return;
    case key_tag::boolean:
      out += payload == std::string_view("\1", 1) ? "true" : "false";
      return;
    case key_tag::number: {
      number_view n;
      if (!decode_number(payload, n) || n.sign == number_sign::zero) {
        out += '0';
      } else {
        append_number_json(out, n);
      }
      return;
    }
    case key_tag::string:
      append_json_string(out, payload);
      return;
  }
}

}  // namespace

std::string key_to_json(std::string_view encoded) {
  std::string parts;
  std::size_t count = 0;
  unsigned char tag = 0;
  std::string_view payload;
  while (take_part(encoded, tag, payload)) {
    if (count++ > 0) parts += ',';
    append_part_json(parts, tag, payload);
  }
  return count == 1 ? parts : '[' + parts + ']';
}

void append_null(std::string& out) { append_header(out, key_tag::null, 0); }

void append_bool(std::string& out, bool value) {
  append_header(out, key_tag::boolean, 1);
  out.push_back(value ? '\1' : '\0');
}

void append_string(std::string& out, std::string_view unescaped) {
  append_header(out, key_tag::string, unescaped.size());
  out.append(unescaped);
}

bool append_number(std::string& out, std::string_view json_number) {
  // No real text is this long; the bound keeps the decimal point's shift of the exponent
  // below 10^18, so exponent arithmetic stays far from int64 overflow.
  if (json_number.size() >= small_exponent_limit) return false;
  json_number_parts n;
  if (!split_json_number(json_number, n)) return false;

  // Locate the significant digits; E = literal exponent + shift.
  std::string_view lead;
  std::string_view trail;
  std::int64_t shift = 0;
  if (n.integer[0] != '0') {
    shift = static_cast<std::int64_t>(n.integer.size()) - 1;
    const std::size_t last = n.fraction.find_last_not_of('0');
    if (last != std::string_view::npos) {
      lead = n.integer;
      trail = n.fraction.substr(0, last + 1);
    } else {
      lead = n.integer.substr(0, n.integer.find_last_not_of('0') + 1);
    }
  } else {
    const std::size_t first = n.fraction.find_first_not_of('0');
    if (first == std::string_view::npos) {
      append_header(out, key_tag::number, 1);
      out.push_back(static_cast<char>(number_sign::zero));
      return true;
    }
    lead = n.fraction.substr(first, n.fraction.find_last_not_of('0') + 1 - first);
    shift = -static_cast<std::int64_t>(first) - 1;
  }

  std::string_view literal = n.exponent;
  const std::size_t literal_begin = literal.find_first_not_of('0');
  literal.remove_prefix(literal_begin == std::string_view::npos ? literal.size() : literal_begin);
  if (literal.size() > small_exponent_max_digits) [[unlikely]] {
    append_number_large_literal(out, n.negative, n.exponent_negative, literal, shift, lead, trail);
    return true;
  }
  // Both terms are below 10^18 in magnitude, so the sum fits comfortably.
  const auto literal_value = static_cast<std::int64_t>(parse_small_uint(literal));
  const std::int64_t exponent = (n.exponent_negative ? -literal_value : literal_value) + shift;
  const std::uint64_t magnitude = exponent < 0 ? 0 - static_cast<std::uint64_t>(exponent)
                                               : static_cast<std::uint64_t>(exponent);
  if (magnitude < small_exponent_limit) [[likely]] {
    append_nonzero_number(out, n.negative, small_exponent_head(magnitude, exponent < 0), {}, lead,
                          trail);
    return true;
  }
  char digits[20];
  const char* const digits_end = std::to_chars(digits, digits + sizeof digits, magnitude).ptr;
  append_nonzero_number(out, n.negative, large_exponent_head(exponent < 0),
                        std::string_view(digits, static_cast<std::size_t>(digits_end - digits)),
                        lead, trail);
  return true;
}

int compare_keys(std::string_view a, std::string_view b) noexcept {
  while (!a.empty() && !b.empty()) {
    const std::string_view rest_a = a;
    const std::string_view rest_b = b;
    unsigned char tag_a = 0;
    unsigned char tag_b = 0;
    std::string_view payload_a;
    std::string_view payload_b;
    if (!take_part(a, tag_a, payload_a) || !take_part(b, tag_b, payload_b)) [[unlikely]] {
      return compare_bytes(rest_a, rest_b);
    }
    if (tag_a != tag_b) return tag_a < tag_b ? -1 : 1;
    if (const int c = compare_payloads(tag_a, payload_a, payload_b); c != 0) return c;
  }
  if (a.empty()) return b.empty() ? 0 : -1;
  return 1;
}

}  // namespace mergepipe::detail
