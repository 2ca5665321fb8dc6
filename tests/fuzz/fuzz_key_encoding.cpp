// Keys: numbers split at the first ',' of the input must encode equal exactly when an exact
// reference says their values are equal, whatever the spelling, and order like their values;
// the input as a string, escaped in ways the input picks, must give the key of its unescaped
// bytes through the record scanner; and the input as a record must scan without crashing,
// accepted exactly when simdjson's DOM parser accepts it as an object.

#include <simdjson.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.h"
#include "mergepipe/options.h"
#include "parse/key_encoding.h"
#include "parse/record_rules.h"
#include "parse/record_scanner.h"
#include "read/input_source.h"

namespace {

namespace mp = mergepipe;
using mergepipe::detail::append_bool;
using mergepipe::detail::append_number;
using mergepipe::detail::append_string;
using mergepipe::detail::compare_keys;
using mergepipe::detail::input_padding;
using mergepipe::detail::record_fields;
using mergepipe::detail::record_rules;
using mergepipe::detail::record_scanner;
using mergepipe::fuzz::printable;

int sign_of(int c) { return (c > 0) - (c < 0); }

// --- Numbers: value = sign x 0.digits x 10^exponent, digits without leading or trailing zeros.

struct canonical_number {
  int sign = 0;
  std::string digits;
  bool exponent_negative = false;
  std::string exponent;  // |exponent| in decimal, no leading zeros ("0" for zero)
};

// Adds a small value to a decimal magnitude, or subtracts it from a larger one.
void add_small(std::string& magnitude, std::uint64_t value, bool subtract) {
  magnitude.insert(0, 21, '0');  // room for any uint64 and its carry
  for (std::size_t i = magnitude.size(); value != 0 && i-- > 0;) {
    int digit = magnitude[i] - '0';
    int change = static_cast<int>(value % 10);
    value /= 10;
    digit += subtract ? -change : change;
    if (digit < 0 || digit > 9) {
      digit += digit < 0 ? 10 : -10;
      ++value;  // the borrow or the carry
    }
    magnitude[i] = static_cast<char>('0' + digit);
  }
  magnitude.erase(0, std::min(magnitude.find_first_not_of('0'), magnitude.size() - 1));
}

std::optional<canonical_number> canonical(std::string_view text) {
  canonical_number n;
  std::size_t i = 0;
  auto digits = [&] {
    std::size_t begin = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    return std::string(text.substr(begin, i - begin));
  };
  bool negative = i < text.size() && text[i] == '-';
  i += negative;
  std::string integer = digits();
  if (integer.empty() || (integer.size() > 1 && integer[0] == '0')) return std::nullopt;
  std::string all = integer;
  if (i < text.size() && text[i] == '.') {
    ++i;
    std::string fraction = digits();
    if (fraction.empty()) return std::nullopt;
    all += fraction;
  }
  std::string literal = "0";
  bool literal_negative = false;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    literal_negative = i < text.size() && text[i] == '-';
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
    literal = digits();
    if (literal.empty()) return std::nullopt;
    literal.erase(0, std::min(literal.find_first_not_of('0'), literal.size() - 1));
  }
  if (i != text.size()) return std::nullopt;
  std::size_t first = all.find_first_not_of('0');
  if (first == std::string::npos) return n;  // zero, whatever its sign and exponent
  n.sign = negative ? -1 : 1;
  n.digits = all.substr(first, all.find_last_not_of('0') + 1 - first);
  // exponent = ±literal + shift, where shift = integer digits - leading zeros.
  const auto shift = static_cast<std::int64_t>(integer.size()) - static_cast<std::int64_t>(first);
  n.exponent_negative = literal_negative;
  n.exponent = literal;
  if (literal == "0") n.exponent_negative = false;
  const bool same_direction = (shift < 0) == n.exponent_negative || n.exponent == "0";
  const std::uint64_t amount =
      shift < 0 ? 0 - static_cast<std::uint64_t>(shift) : static_cast<std::uint64_t>(shift);
  if (same_direction) {
    if (n.exponent == "0") n.exponent_negative = shift < 0;
    add_small(n.exponent, amount, false);
  } else if (n.exponent.size() > 19 || std::stoull(n.exponent) >= amount) {
    add_small(n.exponent, amount, true);
  } else {
    n.exponent = std::to_string(amount - std::stoull(n.exponent));
    n.exponent_negative = !n.exponent_negative;
  }
  if (n.exponent == "0") n.exponent_negative = false;
  return n;
}

int compare_exponents(const canonical_number& a, const canonical_number& b) {
  if (a.exponent_negative != b.exponent_negative) return a.exponent_negative ? -1 : 1;
  int magnitude = a.exponent.size() != b.exponent.size()
                      ? (a.exponent.size() < b.exponent.size() ? -1 : 1)
                      : sign_of(a.exponent.compare(b.exponent));
  return a.exponent_negative ? -magnitude : magnitude;
}

int compare(const canonical_number& a, const canonical_number& b) {
  if (a.sign != b.sign) return a.sign < b.sign ? -1 : 1;
  if (a.sign == 0) return 0;
  int magnitude = compare_exponents(a, b);
  if (magnitude == 0) magnitude = sign_of(a.digits.compare(b.digits));
  return a.sign * magnitude;
}

std::string encode_number(std::string_view text) {
  std::string out;
  FUZZ_CHECK(append_number(out, text), printable(text) + " is a JSON number but not encoded");
  return out;
}

// Other spellings of the same value must encode the same.
void check_spellings(const canonical_number& n, const std::string& encoded) {
  std::vector<std::string> spellings;
  if (n.sign == 0) {
    spellings = {"0", "-0", "0.000", "-0.0e-7", "0E+99999999999999999999999"};
  } else if (n.exponent.size() <= 15) {
    const std::string sign = n.sign < 0 ? "-" : "";
    const std::int64_t e = (n.exponent_negative ? -1 : 1) * std::stoll(n.exponent);
    const auto length = static_cast<std::int64_t>(n.digits.size());
    const std::string rest = n.digits.substr(1);
    spellings.push_back(sign + "0." + n.digits + "e" + std::to_string(e));
    spellings.push_back(sign + n.digits.substr(0, 1) + (rest.empty() ? "" : "." + rest) + "E" +
                        (e >= 1 ? "+" : "") + std::to_string(e - 1));
    spellings.push_back(sign + n.digits + "000e" + std::to_string(e - length - 3));
    spellings.push_back(sign + "0." + n.digits + "00e" + (e < 0 ? "-000" : "+000") +
                        std::to_string(e < 0 ? -e : e));
    if (e >= length && e <= 40) {
      spellings.push_back(sign + n.digits + std::string(e - length, '0') + ".000");
    } else if (e > 0 && e < length) {
      spellings.push_back(sign + n.digits.substr(0, e) + "." + n.digits.substr(e) + "0");
    } else if (e <= 0 && e >= -40) {
      spellings.push_back(sign + "0." + std::string(-e, '0') + n.digits);
    }
  }
  for (const std::string& text : spellings) {
    FUZZ_CHECK(encode_number(text) == encoded, text + " encodes differently");
  }
  if (n.sign != 0) {
    // Another digit makes another value, further from zero.
    const std::string bigger = (n.sign < 0 ? "-0." : "0.") + n.digits + "1e" +
                               (n.exponent_negative ? "-" : "") + n.exponent;
    FUZZ_CHECK(sign_of(compare_keys(encode_number(bigger), encoded)) == n.sign,
               bigger + " does not order beyond its prefix");
  }
}

void check_numbers(std::string_view a, std::string_view b) {
  const std::optional<canonical_number> x = canonical(a);
  const std::optional<canonical_number> y = canonical(b);
  std::string out;
  FUZZ_CHECK(append_number(out, a) == x.has_value(), printable(a) + " validity");
  FUZZ_CHECK(append_number(out = "", b) == y.has_value(), printable(b) + " validity");
  if (!x) return;
  const std::string ex = encode_number(a);
  check_spellings(*x, ex);
  std::string boolean;
  std::string string;
  append_bool(boolean, true);
  append_string(string, "");
  FUZZ_CHECK(compare_keys(boolean, ex) < 0 && compare_keys(ex, string) < 0, "type order");
  if (!y) return;
  const std::string ey = encode_number(b);
  const int expected = compare(*x, *y);
  FUZZ_CHECK((ex == ey) == (expected == 0),
             printable(a) + " vs " + printable(b) + ": " + (ex == ey ? "equal" : "different") +
                 " encodings, values compare " + std::to_string(expected));
  FUZZ_CHECK(
      sign_of(compare_keys(ex, ey)) == expected && sign_of(compare_keys(ey, ex)) == -expected,
      printable(a) + " vs " + printable(b) + " order");
}

// --- Records through the scanner ---

class scanner_harness {
 public:
  explicit scanner_harness(mp::options opts)
      : rules_(record_rules::compile(opts.rules)), scanner_(rules_) {}

  std::optional<std::string> key(std::string_view record) {
    std::string buffer = mergepipe::fuzz::padded(record, '\0', input_padding);
    std::string key;
    record_fields fields;
    if (!scanner_.scan(buffer.data(), record.size(), key, fields)) return std::nullopt;
    delete_ = fields.is_delete;
    return key;
  }
  [[nodiscard]] const std::string& reason() const { return scanner_.reason(); }
  [[nodiscard]] bool is_delete() const { return delete_; }

 private:
  record_rules rules_;
  record_scanner scanner_;
  bool delete_ = false;
};

mp::options key_options(std::vector<std::string> key, std::string delete_value = "d") {
  mp::options opts;
  opts.rules.key = std::move(key);
  opts.rules.timestamp_fields = {};
  opts.rules.delete_rules = {{"op", std::move(delete_value)}};
  return opts;
}

// Decodes valid UTF-8 (checked by the caller) into code points.
std::vector<std::uint32_t> code_points(std::string_view text) {
  std::vector<std::uint32_t> out;
  for (std::size_t i = 0; i < text.size();) {
    auto byte = static_cast<unsigned char>(text[i]);
    std::size_t length = byte < 0x80 ? 1 : byte < 0xE0 ? 2 : byte < 0xF0 ? 3 : 4;
    std::uint32_t cp = length == 1 ? byte : byte & (0x7F >> length);
    for (std::size_t j = 1; j < length; ++j) cp = cp << 6 | (text[i + j] & 0x3F);
    out.push_back(cp);
    i += length;
  }
  return out;
}

// A JSON string literal for `value`, each character escaped as `choice` picks.
std::string escaped(std::string_view value, std::uint32_t choice) {
  std::string out = "\"";
  std::size_t byte = 0;
  for (std::uint32_t cp : code_points(value)) {
    choice = choice * 1'103'515'245 + 12'345;
    const unsigned style = choice >> 28;
    auto hex = [&](std::uint32_t unit) {
      char buffer[8];
      std::snprintf(buffer, sizeof buffer, style % 2 ? "\\u%04X" : "\\u%04x", unit);
      out += buffer;
    };
    const std::string_view shorts = "\"\\/\b\f\n\r\t";
    const std::size_t short_index = cp < 0x80 ? shorts.find(static_cast<char>(cp)) : shorts.npos;
    std::size_t length = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (style < 6 && cp >= 0x20 && cp != '"' && cp != '\\') {
      out += value.substr(byte, length);
    } else if (style < 11 && short_index != shorts.npos) {
      out += '\\';
      out += "\"\\/bfnrt"[short_index];
    } else if (cp >= 0x10000) {
      hex(0xD800 + ((cp - 0x10000) >> 10));
      hex(0xDC00 + ((cp - 0x10000) & 0x3FF));
    } else {
      hex(cp);
    }
    byte += length;
  }
  return out + "\"";
}

void check_strings(std::string_view value, std::uint32_t choice) {
  if (!simdjson::validate_utf8(value.data(), value.size())) return;
  std::string expected;
  append_string(expected, value);
  const std::string a = escaped(value, choice);
  const std::string b = escaped(value, choice ^ 0x5bd1e995);

  static scanner_harness by_id(key_options({"id"}, "d"));
  std::optional<std::string> key = by_id.key("{\"id\":" + a + "}");
  FUZZ_CHECK(key == expected, a + ": " + by_id.reason());
  key = by_id.key("{\"\\u0069d\":" + a + ",\"id\":\"first wins\"}");
  FUZZ_CHECK(key == expected, "escaped field name: " + by_id.reason());

  static scanner_harness by_pointer(key_options({"/a/0", "k"}));
  std::string composite = expected;
  append_bool(composite, true);
  key = by_pointer.key("{\"k\":true,\"a\":[" + a + ",1]}");
  FUZZ_CHECK(key == composite, "pointer and composite key: " + by_pointer.reason());

  scanner_harness deleting(key_options({"id"}, b));
  FUZZ_CHECK(deleting.key("{\"id\":1,\"op\":" + a + "}") && deleting.is_delete(),
             "delete rule " + b + " does not match " + a);
}

// --- Any bytes as a record ---

bool semantic_reason(const std::string& reason) {
  return reason.starts_with("missing key field") || reason.starts_with("key field");
}

bool has_digit_run(std::string_view text, std::size_t length) {
  auto is_digit = [](char c, int) { return c >= '0' && c <= '9'; };
  return std::search_n(text.begin(), text.end(), length, 0, is_digit) != text.end();
}

void check_record(std::string_view record) {
  static scanner_harness harness(key_options({"id"}));
  std::optional<std::string> key = harness.key(record);
  if (key) FUZZ_CHECK(compare_keys(*key, *key) == 0, "key does not equal itself");

  static simdjson::dom::parser parser;
  simdjson::dom::element element;
  simdjson::error_code code = parser.parse(record.data(), record.size()).get(element);
  const bool object = code == simdjson::SUCCESS && element.is_object();
  const bool syntax_ok = key.has_value() || semantic_reason(harness.reason());
  // The DOM parser rejects integers beyond 64 bits, which docs/contract.md 1.2 allows; the
  // shortest are 19 digits long (-9223372036854775809).
  if (code == simdjson::NUMBER_ERROR && syntax_ok && has_digit_run(record, 19)) return;
  FUZZ_CHECK(object == syntax_ok, printable(record) + ": scanner says " +
                                      (key ? "ok" : harness.reason()) + ", DOM parser " +
                                      simdjson::error_message(code));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::size_t comma = text.find(',');
  const std::string_view first = text.substr(0, comma);
  const std::string_view second =
      comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
  check_numbers(first, second.substr(0, second.find(',')));
  std::uint32_t choice = 2166136261u;
  for (char c : text) choice = (choice ^ static_cast<unsigned char>(c)) * 16777619u;
  check_strings(text, choice);
  check_record(text);
  return 0;
}
