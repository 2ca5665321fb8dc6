#include "parse/key_encoding.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <random>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace {

using mergepipe::detail::append_bool;
using mergepipe::detail::append_null;
using mergepipe::detail::append_number;
using mergepipe::detail::append_string;
using mergepipe::detail::compare_keys;
using namespace std::string_literals;
using namespace std::string_view_literals;

std::string number(std::string_view text) {
  std::string out;
  EXPECT_TRUE(append_number(out, text)) << text;
  return out;
}

std::string string_key(std::string_view value) {
  std::string out;
  append_string(out, value);
  return out;
}

std::string bool_key(bool value) {
  std::string out;
  append_bool(out, value);
  return out;
}

std::string null_key() {
  std::string out;
  append_null(out);
  return out;
}

std::string varint(std::uint64_t value) {
  std::string out;
  for (; value >= 0x80; value >>= 7) out += static_cast<char>((value & 0x7f) | 0x80);
  return out + static_cast<char>(value);
}

int sign_of(int c) { return (c > 0) - (c < 0); }

// compare_keys as -1/0/1, checking on the way that swapping the operands flips the sign.
int compare(std::string_view a, std::string_view b) {
  const int forward = sign_of(compare_keys(a, b));
  EXPECT_EQ(sign_of(compare_keys(b, a)), -forward);
  return forward;
}

// Expects every key to be smaller than all the keys after it.
void expect_strictly_ascending(const std::vector<std::string>& keys) {
  for (std::size_t i = 0; i < keys.size(); ++i) {
    EXPECT_EQ(compare(keys[i], keys[i]), 0) << i;
    for (std::size_t j = i + 1; j < keys.size(); ++j) {
      EXPECT_EQ(compare(keys[i], keys[j]), -1) << i << " vs " << j;
    }
  }
}

std::vector<std::string> numbers(std::initializer_list<std::string_view> texts) {
  std::vector<std::string> keys;
  for (const auto text : texts) keys.push_back(number(text));
  return keys;
}

void expect_same_key(std::initializer_list<std::string_view> texts) {
  const std::string first = number(*texts.begin());
  for (const auto text : texts) {
    EXPECT_EQ(number(text), first) << text << " vs " << *texts.begin();
    EXPECT_EQ(compare(number(text), first), 0) << text;
  }
}

TEST(key_encoding_test, encodes_parts_as_tag_length_payload) {
  EXPECT_EQ(null_key(), "\0\0"sv);
  EXPECT_EQ(bool_key(false), "\1\1\0"sv);
  EXPECT_EQ(bool_key(true), "\1\1\1"sv);
  EXPECT_EQ(string_key(""), "\3\0"sv);
  EXPECT_EQ(string_key("ab"), "\3\2ab"sv);
  EXPECT_EQ(string_key(std::string(127, 'x')), "\3\x7f" + std::string(127, 'x'));
  EXPECT_EQ(string_key(std::string(300, 'x')), "\3\xac\2" + std::string(300, 'x'));
  const std::string one = number("1");
  ASSERT_GE(one.size(), 3u);
  EXPECT_EQ(one[0], '\2');
  EXPECT_EQ(static_cast<std::size_t>(one[1]), one.size() - 2);
}

TEST(key_encoding_test, appends_after_existing_bytes) {
  std::string out = "prefix";
  append_string(out, "a");
  ASSERT_TRUE(append_number(out, "12.5"));
  append_bool(out, true);
  append_null(out);
  EXPECT_EQ(out, "prefix" + string_key("a") + number("12.5") + bool_key(true) + null_key());
}

TEST(key_encoding_test, integer_and_decimal_spellings_are_equal) {
  expect_same_key({"1", "1.0", "1e0", "1E0", "1e+0", "1e-0", "10e-1", "0.1e1", "100e-2", "1.000",
                   "0.00001e5", "1e00", "0.0001E+0004"});
  expect_same_key({"-12.5", "-125e-1", "-1.25e1", "-0.125E2", "-12.50", "-1250e-2"});
  expect_same_key({"100", "1e2", "1.0e2", "10e1", "1000e-1", "100.000"});
  EXPECT_NE(number("100"), number("10"));
  EXPECT_NE(number("1"), number("-1"));
}

TEST(key_encoding_test, zero_spellings_share_one_encoding) {
  expect_same_key({"0", "-0", "0.0", "-0.0", "0.000", "0e5", "0E-7", "-0e+3", "0.0e0",
                   "0e99999999999999999999999", "-0.00e-99999999999999999999999"});
  expect_strictly_ascending(numbers({"-1e-400", "0", "1e-400"}));
}

TEST(key_encoding_test, distinct_big_integers_differ) {
  const std::string a = number("12345678901234567890");
  const std::string b = number("12345678901234567891");
  EXPECT_NE(a, b);
  EXPECT_EQ(compare(a, b), -1);
  // Both round to the same double.
  EXPECT_EQ(compare(number("9007199254740993"), number("9007199254740992")), 1);
  expect_same_key({"100000000000000000000", "1e20", "1.00000000000000000000e20"});
  EXPECT_EQ(compare(number("100000000000000000001"), number("1e20")), 1);
  const std::string long_digits(500, '7');
  EXPECT_EQ(compare(number(long_digits), number(long_digits + "0e-1")), 0);
  EXPECT_EQ(compare(number(long_digits), number(long_digits.substr(1) + "8")), -1);
}

TEST(key_encoding_test, numbers_order_by_value_across_signs) {
  expect_strictly_ascending(numbers(
      {"-1e400", "-1000", "-999.5", "-2", "-1.5", "-1.25", "-1", "-0.5",  "-0.001", "-1e-400", "0",
       "1e-400", "0.001", "0.5",    "1",  "1.25", "1.5",   "2",  "999.5", "1000",   "1e400"}));
  // Negative numbers order by magnitude in reverse, including longer digit strings.
  expect_strictly_ascending(numbers({"-1.23", "-1.2", "-1.1", "-1"}));
  expect_strictly_ascending(numbers({"1", "1.1", "1.2", "1.23"}));
}

TEST(key_encoding_test, fractions_equal_their_exponent_spellings) {
  expect_same_key({"0.001", "1e-3", "10e-4", "0.0010", "0.1e-2", "1E-03"});
  expect_same_key({"0.125", "125e-3", "1.25e-1", "0.000125e3"});
  EXPECT_EQ(compare(number("0.1"), number("0.01")), 1);
  EXPECT_EQ(compare(number("0.3"), number("0.30000000000000004")), -1);
}

TEST(key_encoding_test, huge_and_tiny_exponents_are_exact) {
  expect_same_key({"1e400", "10e399", "0.1e401", "1E+400"});
  expect_strictly_ascending(numbers({"9e399", "1e400", "1.0000000000000001e400", "2e400"}));
  expect_same_key({"1e0000000000000000000000005", "1e5", "100000"});
  expect_strictly_ascending(
      numbers({"-1e-99999999999999999999", "0", "1e-99999999999999999999",
               "1e-99999999999999999998", "1e99999999999999999998", "1e99999999999999999999"}));
  // Exponents of 10^18 and more are stored differently; the boundary must stay canonical.
  expect_same_key({"10e999999999999999999", "1e1000000000000000000", "0.01e1000000000000000002",
                   "100e999999999999999998"});
  expect_same_key({"1e999999999999999999", "0.001e1000000000000000002", "1000e999999999999999996"});
  expect_same_key({"123456.7e-1000000000000000000", "1.234567e-999999999999999995"});
  expect_same_key(
      {"0.1e-999999999999999999", "1e-1000000000000000000", "0.00001e-999999999999999995"});
  expect_same_key({"12e99999999999999999999", "1.2e100000000000000000000"});
  expect_same_key({"0.0012e-99999999999999999997", "1.2e-100000000000000000000"});
  expect_strictly_ascending(
      numbers({"1e-100000000000000000000", "1e-99999999999999999999", "1e-1000000000000000001",
               "1e-1000000000000000000", "1e-999999999999999999", "1e-999999999999999998", "1",
               "1e999999999999999998", "1e999999999999999999", "1e1000000000000000000",
               "2e1000000000000000000", "1e1000000000000000001", "1e99999999999999999999",
               "1e100000000000000000000"}));
  expect_strictly_ascending(
      numbers({"-1e100000000000000000000", "-1e1000000000000000000", "-1e999999999999999999", "-1",
               "-1e-999999999999999999", "-1e-1000000000000000000"}));
}

TEST(key_encoding_test, very_long_exponents_and_significands_are_exact) {
  // 200000 digits: converting the exponent to binary digit by digit would make this crawl.
  const std::string exponent(200000, '9');
  const std::string big = "1e" + exponent;
  const std::string bigger = "1e1" + exponent;
  const std::string tiny = "1e-" + exponent;
  expect_strictly_ascending(numbers({tiny, "1", big, bigger}));
  expect_same_key({big, "10e" + exponent.substr(1) + "8"});
  std::string digits(200002, '0');  // 1000...0001, built in place: GCC 12 misreads "1" + s
  digits.front() = '1';
  digits.back() = '1';
  EXPECT_EQ(compare(number(digits), number(digits.substr(0, digits.size() - 1) + "2")), -1);
  EXPECT_EQ(compare(number(digits + ".000"), number(digits)), 0);
}

TEST(key_encoding_test, invalid_number_texts_are_rejected_and_append_nothing) {
  const std::string_view invalid[] = {
      ""sv,      "-"sv,        "+1"sv,        "01"sv,   "-01"sv,   "00"sv,    ".5"sv,
      "-.5"sv,   "1."sv,       "1.e5"sv,      "1e"sv,   "1e+"sv,   "1e-"sv,   "1E+-1"sv,
      "1e--1"sv, " 1"sv,       "1 "sv,        "\t1"sv,  "1\n"sv,   "1x"sv,    "0x10"sv,
      "NaN"sv,   "Infinity"sv, "-Infinity"sv, "1..2"sv, "1.2.3"sv, "1e5.5"sv, "--1"sv,
      "1_000"sv, "1,5"sv,      "1\0"sv,       "\0"sv,   "e5"sv,    "-e5"sv,   "1e5e5"sv,
      "true"sv,  "\"1\""sv,    "\xd9\xa1"sv,  "1.5f"sv, "0.-1"sv};
  for (const auto text : invalid) {
    std::string out = "kept";
    EXPECT_FALSE(append_number(out, text)) << '[' << text << ']';
    EXPECT_EQ(out, "kept") << '[' << text << ']';
  }
}

TEST(key_encoding_test, string_and_number_with_same_text_differ) {
  EXPECT_NE(number("1"), string_key("1"));
  EXPECT_EQ(compare(number("1"), string_key("1")), -1);
  EXPECT_EQ(compare(number("1e400"), string_key("")), -1);
  EXPECT_NE(number("0"), string_key("0"));
}

TEST(key_encoding_test, bool_and_string_differ) {
  EXPECT_NE(bool_key(true), string_key("true"));
  EXPECT_NE(bool_key(false), string_key("false"));
  EXPECT_NE(bool_key(true), number("1"));
  EXPECT_NE(bool_key(false), number("0"));
  EXPECT_EQ(compare(bool_key(false), bool_key(true)), -1);
  EXPECT_EQ(compare(bool_key(true), string_key("false")), -1);
}

TEST(key_encoding_test, types_order_null_boolean_number_string) {
  expect_strictly_ascending({null_key(), bool_key(false), bool_key(true), number("-1e400"),
                             number("0"), number("1e400"), string_key(""), string_key("a")});
}

TEST(key_encoding_test, strings_order_by_unsigned_bytes) {
  std::vector<std::string> keys;
  for (const auto value : {""sv, "\0"sv, "\0\0"sv, "\x01"sv, "A"sv, "a"sv, "a\0"sv, "a\0b"sv,
                           "ab"sv, "b"sv, "z"sv, "\x7f"sv, "\xc3\xa9"sv /* é */,
                           "\xe2\x82\xac"sv /* € */, "\xf0\x9f\x98\x80"sv /* 😀 */, "\xff"sv}) {
    keys.push_back(string_key(value));
  }
  expect_strictly_ascending(keys);
  // The length varint comes first in the encoding but must not decide the order.
  EXPECT_EQ(compare(string_key(std::string(200, 'a')), string_key("b")), -1);
  EXPECT_EQ(compare(string_key(std::string(128, 'b')), string_key(std::string(127, 'b'))), 1);
  EXPECT_EQ(compare(string_key("A"), string_key("A")), 0);
}

TEST(key_encoding_test, composite_keys_compare_field_by_field) {
  const std::string a1 = string_key("a") + number("1");
  const std::string a2 = string_key("a") + number("2");
  const std::string b1 = string_key("b") + number("1");
  expect_strictly_ascending({a1, a2, b1});
  EXPECT_EQ(a1, string_key("a") + number("1.0"));
  EXPECT_EQ(compare(string_key("a") + number("1"), string_key("a") + string_key("1")), -1);
  EXPECT_EQ(compare(bool_key(true) + number("-5"), bool_key(true) + number("-4")), -1);
}

TEST(key_encoding_test, composite_with_fewer_parts_is_smaller) {
  const std::string a = string_key("a");
  expect_strictly_ascending({"", a, a + number("1"), a + number("1") + bool_key(false)});
  EXPECT_EQ(compare(a + number("1"), string_key("b")), -1);
  EXPECT_EQ(compare("", ""), 0);
}

TEST(key_encoding_test, composite_parts_are_self_delimiting) {
  const std::vector<std::string> keys = {
      string_key("ab"),
      string_key("a") + string_key("b"),
      string_key("ab") + string_key(""),
      string_key("") + string_key("ab"),
      string_key("1") + number("1"),
      number("11"),
      number("1") + number("1"),
  };
  for (std::size_t i = 0; i < keys.size(); ++i) {
    for (std::size_t j = i + 1; j < keys.size(); ++j) {
      EXPECT_NE(keys[i], keys[j]) << i << " vs " << j;
      EXPECT_NE(compare(keys[i], keys[j]), 0) << i << " vs " << j;
    }
  }
}

TEST(key_encoding_test, compare_keys_survives_garbage) {
  static_assert(noexcept(compare_keys(""sv, ""sv)));
  // Number payloads: sign byte, exponent head varint (2 * 10^18 starts the large forms).
  const std::string large = "\2"s + varint(2'000'000'000'000'000'000);
  const std::string past_large = "\2"s + varint(2'000'000'000'000'000'002);
  std::vector<std::string> samples = {
      "\2\0"s,                                                   // number with an empty payload
      "\2\1\7"s,                                                 // unknown sign
      "\2\2\1\0"s,                                               // zero with trailing bytes
      "\2\5\2"s,                                                 // payload longer than the input
      "\2\2\2\xff"s,                                             // truncated exponent varint
      "\3"s + std::string(10, '\xff') + "\1"s,                   // length longer than 64 bits
      "\2"s + varint(large.size()) + large,                      // no digit count
      "\2"s + varint(large.size() + 2) + large + "\0\1"s,        // zero exponent digits
      "\2"s + varint(large.size() + 2) + large + "\x7f"s + "1",  // digit count too big
      "\2"s + varint(past_large.size() + 2) + past_large + "\1"s + "1",  // unknown head
      "\x09\1x"s,                                                        // unknown tag
      "\1\1\7"s,                                                         // odd boolean
      "\0\1x"s,                                                          // null with a payload
  };
  for (const auto text :
       {"0", "-1.5", "1e400", "1e-99999999999999999999", "12345678901234567890"}) {
    const std::string key = string_key("k") + number(text) + bool_key(true);
    for (std::size_t n = 0; n <= key.size(); ++n) samples.push_back(key.substr(0, n));
  }
  std::mt19937_64 rng(7);
  const std::string alphabet = "\x00\x01\x02\x03\x04\x7f\x80\xff"s + "019";
  for (int i = 0; i < 3000; ++i) {
    std::string bytes(rng() % 24, '\0');
    for (auto& c : bytes) c = alphabet[rng() % alphabet.size()];
    samples.push_back(bytes);
  }
  for (const auto& a : samples) {
    EXPECT_EQ(compare_keys(a, a), 0);
    for (std::size_t k = 0; k < 40; ++k) {
      const auto& b = samples[rng() % samples.size()];
      EXPECT_EQ(sign_of(compare_keys(a, b)), -sign_of(compare_keys(b, a)));
    }
  }
}

// Reference for the property tests: a number text taken apart as ±digits × 10^scale, compared
// by aligning both to the smaller scale and comparing the resulting integers.
struct reference_number {
  bool negative = false;
  std::string digits;
  long scale = 0;
};

reference_number parse_reference(const std::string& text) {
  reference_number n;
  std::size_t i = 0;
  n.negative = text[0] == '-';
  if (n.negative) ++i;
  const std::size_t e = text.find_first_of("eE");
  const std::string mantissa = text.substr(i, e == std::string::npos ? e : e - i);
  const std::size_t point = mantissa.find('.');
  n.digits = mantissa.substr(0, point);
  if (point != std::string::npos) {
    n.digits += mantissa.substr(point + 1);
    n.scale = -static_cast<long>(mantissa.size() - point - 1);
  }
  if (e != std::string::npos) n.scale += std::stol(text.substr(e + 1));
  return n;
}

std::string strip_leading_zeros(std::string digits) {
  digits.erase(0, std::min(digits.find_first_not_of('0'), digits.size()));
  return digits;
}

int reference_compare(const reference_number& a, const reference_number& b) {
  const bool a_zero = strip_leading_zeros(a.digits).empty();
  const bool b_zero = strip_leading_zeros(b.digits).empty();
  const int a_sign = a_zero ? 0 : (a.negative ? -1 : 1);
  const int b_sign = b_zero ? 0 : (b.negative ? -1 : 1);
  if (a_sign != b_sign) return a_sign < b_sign ? -1 : 1;
  if (a_sign == 0) return 0;
  const long common = std::min(a.scale, b.scale);
  const std::string x = strip_leading_zeros(a.digits + std::string(a.scale - common, '0'));
  const std::string y = strip_leading_zeros(b.digits + std::string(b.scale - common, '0'));
  const int magnitude =
      x.size() != y.size() ? (x.size() < y.size() ? -1 : 1) : sign_of(x.compare(y));
  return a_sign * magnitude;
}

std::string random_small_number(std::mt19937_64& rng) {
  // Few distinct digits and short parts, so equal values with different spellings are common.
  const std::string_view digits = "000125";
  auto pick = [&] { return digits[rng() % digits.size()]; };
  std::string text;
  if (rng() % 2) text += '-';
  const std::size_t integer_size = rng() % 4;
  if (integer_size == 0) {
    text += '0';
  } else {
    text += "125"[rng() % 3];
    for (std::size_t i = 1; i < integer_size; ++i) text += pick();
  }
  if (rng() % 2) {
    text += '.';
    for (std::size_t i = 0, n = 1 + rng() % 3; i < n; ++i) text += pick();
  }
  if (rng() % 2) {
    text += rng() % 2 ? 'e' : 'E';
    const int sign = static_cast<int>(rng() % 3);
    if (sign != 0) text += sign == 1 ? '+' : '-';
    text += std::string(rng() % 2, '0') + std::to_string(rng() % 5);
  }
  return text;
}

TEST(key_encoding_test, random_small_numbers_compare_like_reference) {
  std::mt19937_64 rng(20240305);
  for (int i = 0; i < 20000; ++i) {
    const std::string a = random_small_number(rng);
    const std::string b = random_small_number(rng);
    const std::string key_a = number(a);
    const std::string key_b = number(b);
    const int expected = reference_compare(parse_reference(a), parse_reference(b));
    ASSERT_EQ(compare(key_a, key_b), expected) << a << " vs " << b;
    ASSERT_EQ(key_a == key_b, expected == 0) << a << " vs " << b;
  }
}

// A decimal exponent ±(10^power + offset) with a small offset, so exponents far beyond int64
// can be generated, spelled and compared exactly.
struct big_exponent {
  bool negative = false;
  int power = 0;
  long offset = 0;

  // Lexicographic order of this tuple is the order of the exponents (the generated ranges of
  // 10^power + offset do not overlap between powers).
  auto order() const {
    const bool below_zero = negative && !(power == 0 && offset == -1);
    return below_zero ? std::tuple(-1, -power, -offset) : std::tuple(1, power, offset);
  }

  big_exponent plus(long shift) const {
    big_exponent e = *this;
    if (power == 0) {
      const long value = (negative ? -1 : 1) * (1 + offset) + shift;
      e.negative = value < 0;
      e.offset = (value < 0 ? -value : value) - 1;
    } else {
      e.offset += negative ? -shift : shift;
    }
    return e;
  }

  std::string magnitude_digits() const {
    if (power == 0) return std::to_string(1 + offset);
    // 10^power + offset for |offset| < 10^6 <= 10^power.
    const long low = offset >= 0 ? offset : 1'000'000 + offset;
    std::string low_digits = std::to_string(low);
    low_digits.insert(0, 6 - low_digits.size(), '0');
    if (offset >= 0) return "1" + std::string(power - 6, '0') + low_digits;
    return std::string(power - 6, '9') + low_digits;
  }
};

struct normalized_number {
  int sign = 0;        // -1, 0 or 1
  std::string digits;  // d.ddd without trailing zeros
  big_exponent exponent;
};

int normalized_compare(const normalized_number& a, const normalized_number& b) {
  if (a.sign != b.sign) return a.sign < b.sign ? -1 : 1;
  if (a.sign == 0) return 0;
  int magnitude = 0;
  if (a.exponent.order() != b.exponent.order()) {
    magnitude = a.exponent.order() < b.exponent.order() ? -1 : 1;
  } else {
    magnitude = sign_of(a.digits.compare(b.digits));
  }
  return a.sign * magnitude;
}

// Spells `n` in one of many JSON ways: point anywhere, leading `0.000`, padded zeros, any
// exponent spelling.
std::string spell(const normalized_number& n, std::mt19937_64& rng) {
  std::string text = n.sign < 0 || (n.sign == 0 && rng() % 2) ? "-" : "";
  big_exponent literal;
  if (n.sign == 0) {
    text += rng() % 2 ? "0" : "0." + std::string(1 + rng() % 3, '0');
    literal = n.exponent;
  } else {
    const std::string mantissa = n.digits + std::string(rng() % 3, '0');
    if (rng() % 2) {
      const std::size_t point = 1 + rng() % mantissa.size();
      text += mantissa.substr(0, point);
      if (point < mantissa.size()) text += "." + mantissa.substr(point);
      literal = n.exponent.plus(-static_cast<long>(point - 1));
    } else {
      const std::size_t zeros = rng() % 3;
      text += "0." + std::string(zeros, '0') + mantissa;
      literal = n.exponent.plus(static_cast<long>(zeros + 1));
    }
  }
  const bool literal_zero = literal.power == 0 && literal.offset == -1;
  if (!literal_zero || rng() % 2) {
    text += rng() % 2 ? 'e' : 'E';
    if (literal.negative && !literal_zero) {
      text += '-';
    } else if (rng() % 2) {
      text += '+';
    }
    text += std::string(rng() % 3, '0') + literal.magnitude_digits();
  }
  return text;
}

normalized_number random_normalized(std::mt19937_64& rng) {
  static const std::string digit_pool[] = {
      "1", "12", "125", "2", "9", "99", "100000000000000000001"};
  static const int power_pool[] = {0, 18, 19, 25};
  normalized_number n;
  n.sign = static_cast<int>(rng() % 3) - 1;
  n.digits = digit_pool[rng() % std::size(digit_pool)];
  n.exponent.negative = rng() % 2;
  n.exponent.power = power_pool[rng() % std::size(power_pool)];
  n.exponent.offset =
      n.exponent.power == 0 ? static_cast<long>(rng() % 14) - 1 : static_cast<long>(rng() % 7) - 3;
  return n;
}

TEST(key_encoding_test, random_spellings_near_exponent_limits_compare_like_reference) {
  std::mt19937_64 rng(1'000'000);
  for (int i = 0; i < 20000; ++i) {
    const normalized_number a = random_normalized(rng);
    const normalized_number b = rng() % 4 ? random_normalized(rng) : a;
    const std::string text_a = spell(a, rng);
    const std::string text_b = spell(b, rng);
    const std::string key_a = number(text_a);
    const std::string key_b = number(text_b);
    const int expected = normalized_compare(a, b);
    ASSERT_EQ(compare(key_a, key_b), expected) << text_a << " vs " << text_b;
    ASSERT_EQ(key_a == key_b, expected == 0) << text_a << " vs " << text_b;
  }
}

}  // namespace

namespace {

using mergepipe::detail::key_to_json;

TEST(key_to_json_test, numbers_read_in_their_shortest_exact_decimal_form) {
  const std::vector<std::pair<std::string_view, std::string_view>> cases = {
      {"17", "17"},
      {"1.0", "1"},
      {"1e0", "1"},
      {"12.50", "12.5"},
      {"-12.5", "-12.5"},
      {"1e3", "1000"},
      {"-0", "0"},
      {"0.000001", "0.000001"},
      {"1e-7", "1e-7"},
      {"123456789012345678901", "123456789012345678901"},
      {"1234567890123456789012", "1.234567890123456789012e+21"},
      {"1.5e30", "1.5e+30"},
      {"12345678901234567890.5", "12345678901234567890.5"},
      {"1e99999999999999999999", "1e+99999999999999999999"},
      {"-25e-99999999999999999999", "-2.5e-99999999999999999998"},
  };
  for (const auto& [text, json] : cases) EXPECT_EQ(key_to_json(number(text)), json) << text;
}

TEST(key_to_json_test, strings_are_escaped_and_several_parts_make_an_array) {
  EXPECT_EQ(key_to_json(string_key("u-17")), "\"u-17\"");
  EXPECT_EQ(key_to_json(string_key("a\"b\\c\n\x01")), "\"a\\\"b\\\\c\\n\\u0001\"");
  EXPECT_EQ(key_to_json(bool_key(true)), "true");
  EXPECT_EQ(key_to_json(number("17") + string_key("eu") + bool_key(false)), "[17,\"eu\",false]");
}

}  // namespace
