// Tests the option parsers of mergepipe/options.h, JSON Pointer parsing (field_path.h) and the
// encoding of delete-rule values (record_rules.h).
#include "mergepipe/options.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "key_builders.h"
#include "library_calls.h"
#include "mergepipe/error.h"
#include "parse/field_path.h"
#include "parse/key_encoding.h"
#include "parse/record_rules.h"

namespace {

using mergepipe::errc;
using mergepipe::parse_delete_rule;
using mergepipe::parse_key_list;
using mergepipe::parse_size;
using mergepipe::detail::encode_rule_value;
using mergepipe::detail::parse_field_path;
using mergepipe::testing::error_of;
using strings = std::vector<std::string>;

// Expects a usage error whose message quotes `text`.
void expect_usage_error(const std::function<void()>& call, const std::string& text) {
  const mergepipe::error e = error_of(call);
  EXPECT_EQ(e.code(), errc::usage) << text;
  EXPECT_NE(std::string(e.what()).find("\"" + text + "\""), std::string::npos) << e.what();
}

using mergepipe::testing::number;
using mergepipe::testing::string_key;

// parse_size

TEST(options_test, size_without_suffix_is_bytes) {
  EXPECT_EQ(parse_size("65536"), 65536u);
  EXPECT_EQ(parse_size("1"), 1u);
  EXPECT_EQ(parse_size("18446744073709551615"), 18446744073709551615u);
}

TEST(options_test, size_suffixes_are_binary_multiples) {
  EXPECT_EQ(parse_size("64K"), 65536u);
  EXPECT_EQ(parse_size("8M"), std::size_t{8} << 20);
  EXPECT_EQ(parse_size("1G"), std::size_t{1} << 30);
  EXPECT_EQ(parse_size("3G"), std::size_t{3} << 30);
  EXPECT_EQ(parse_size("17179869183G"), (std::size_t{17179869183}) << 30);
}

TEST(options_test, size_suffixes_may_be_lower_case) {
  EXPECT_EQ(parse_size("64k"), 65536u);
  EXPECT_EQ(parse_size("8m"), std::size_t{8} << 20);
  EXPECT_EQ(parse_size("1g"), std::size_t{1} << 30);
}

TEST(options_test, invalid_sizes_are_usage_errors) {
  for (const char* text : {"0", "0K", "abc", "1X", "-1", "", "K", "1KB", "1 ", " 1", "+1", "1.5M",
                           "0x10", "1k1", "64KiB"}) {
    expect_usage_error([&] { (void)parse_size(text); }, text);
  }
}

TEST(options_test, overflowing_sizes_are_usage_errors) {
  for (const char* text : {"18446744073709551616", "99999999999999999999999", "17179869184G",
                           "18446744073709551615K", "17592186044416M"}) {
    expect_usage_error([&] { (void)parse_size(text); }, text);
  }
}

// parse_key_list

TEST(options_test, key_list_splits_at_commas) {
  EXPECT_EQ(parse_key_list("id"), strings{"id"});
  EXPECT_EQ(parse_key_list("a,b,/c/d"), (strings{"a", "b", "/c/d"}));
  EXPECT_EQ(parse_key_list("/a~1b,c"), (strings{"/a~1b", "c"}));
}

TEST(options_test, empty_key_parts_are_usage_errors) {
  for (const char* text : {"", ",", "a,", ",a", "a,,b", ",,"}) {
    expect_usage_error([&] { (void)parse_key_list(text); }, text);
  }
}

// parse_delete_rule

TEST(options_test, delete_rule_splits_field_and_value) {
  const mergepipe::delete_rule rule = parse_delete_rule("op=d");
  EXPECT_EQ(rule.field, "op");
  EXPECT_EQ(rule.value, "d");
  const mergepipe::delete_rule pointer = parse_delete_rule(R"(/meta/op="d")");
  EXPECT_EQ(pointer.field, "/meta/op");
  EXPECT_EQ(pointer.value, R"("d")");
}

TEST(options_test, delete_rule_splits_at_the_first_equals_sign) {
  const mergepipe::delete_rule rule = parse_delete_rule("a=b=c");
  EXPECT_EQ(rule.field, "a");
  EXPECT_EQ(rule.value, "b=c");
  EXPECT_EQ(parse_delete_rule("a==").value, "=");
}

TEST(options_test, delete_rule_without_equals_is_a_usage_error) {
  for (const char* text : {"op", "", "op:d"}) {
    expect_usage_error([&] { (void)parse_delete_rule(text); }, text);
  }
}

TEST(options_test, delete_rule_with_empty_field_is_a_usage_error) {
  for (const char* text : {"=d", "=", "==d"}) {
    expect_usage_error([&] { (void)parse_delete_rule(text); }, text);
  }
}

// parse_field_path

TEST(options_test, plain_name_is_one_token) {
  EXPECT_EQ(parse_field_path("id"), strings{"id"});
  EXPECT_EQ(parse_field_path("a/b"), strings{"a/b"});
  EXPECT_EQ(parse_field_path("a~b"), strings{"a~b"});
  EXPECT_EQ(parse_field_path("a~1b"), strings{"a~1b"});
  EXPECT_EQ(parse_field_path("a~2"), strings{"a~2"});
  EXPECT_EQ(parse_field_path(" /a"), strings{" /a"});
}

TEST(options_test, pointer_splits_at_slashes) {
  EXPECT_EQ(parse_field_path("/a"), strings{"a"});
  EXPECT_EQ(parse_field_path("/a/b"), (strings{"a", "b"}));
  EXPECT_EQ(parse_field_path("/tags/0"), (strings{"tags", "0"}));
  EXPECT_EQ(parse_field_path("/a b/c d"), (strings{"a b", "c d"}));
}

TEST(options_test, pointer_empty_tokens_name_the_empty_field) {
  EXPECT_EQ(parse_field_path("/"), strings{""});
  EXPECT_EQ(parse_field_path("//"), (strings{"", ""}));
  EXPECT_EQ(parse_field_path("/a/"), (strings{"a", ""}));
  EXPECT_EQ(parse_field_path("//a"), (strings{"", "a"}));
}

TEST(options_test, pointer_escapes_are_unescaped) {
  EXPECT_EQ(parse_field_path("/a~1b"), strings{"a/b"});
  EXPECT_EQ(parse_field_path("/a~0b"), strings{"a~b"});
  EXPECT_EQ(parse_field_path("/~0~1/~1~0"), (strings{"~/", "/~"}));
  // RFC 6901: "~01" is "~1", not "/" (each escape is read once).
  EXPECT_EQ(parse_field_path("/~01"), strings{"~1"});
  EXPECT_EQ(parse_field_path("/~10"), strings{"/0"});
}

TEST(options_test, invalid_pointer_escape_is_a_usage_error) {
  for (const char* text : {"/a~2", "/a~", "/~", "/a~/b", "/~a", "/ok/~~0"}) {
    expect_usage_error([&] { (void)parse_field_path(text); }, text);
  }
}

// encode_rule_value

TEST(options_test, rule_value_null_and_booleans_are_json_scalars) {
  std::string null;
  mergepipe::detail::append_null(null);
  EXPECT_EQ(encode_rule_value("null"), null);
  std::string yes;
  mergepipe::detail::append_bool(yes, true);
  EXPECT_EQ(encode_rule_value("true"), yes);
  std::string no;
  mergepipe::detail::append_bool(no, false);
  EXPECT_EQ(encode_rule_value("false"), no);
  EXPECT_NE(encode_rule_value("true"), encode_rule_value("false"));
}

TEST(options_test, rule_value_number_compares_by_exact_value) {
  EXPECT_EQ(encode_rule_value("1"), number("1"));
  EXPECT_EQ(encode_rule_value("1.0"), number("1"));
  EXPECT_EQ(encode_rule_value("1e0"), number("1"));
  EXPECT_EQ(encode_rule_value("-0"), number("0"));
  EXPECT_EQ(encode_rule_value("-2.50"), number("-2.5"));
  EXPECT_EQ(encode_rule_value("12345678901234567890"), number("12345678901234567890"));
  EXPECT_NE(encode_rule_value("12345678901234567890"), encode_rule_value("12345678901234567891"));
}

TEST(options_test, rule_value_quoted_string_is_unescaped) {
  EXPECT_EQ(encode_rule_value(R"("d")"), string_key("d"));
  EXPECT_EQ(encode_rule_value(R"("d")"), encode_rule_value("d"));
  EXPECT_EQ(encode_rule_value(R"("\u0041")"), string_key("A"));
  EXPECT_EQ(encode_rule_value(R"("\u0041")"), encode_rule_value("A"));
  EXPECT_EQ(encode_rule_value(R"("a\"b")"), string_key("a\"b"));
  EXPECT_EQ(encode_rule_value(R"("")"), string_key(""));
}

TEST(options_test, rule_value_quoted_scalar_stays_a_string) {
  EXPECT_EQ(encode_rule_value(R"("1")"), string_key("1"));
  EXPECT_NE(encode_rule_value(R"("1")"), encode_rule_value("1"));
  EXPECT_EQ(encode_rule_value(R"("true")"), string_key("true"));
  EXPECT_EQ(encode_rule_value(R"("null")"), string_key("null"));
}

TEST(options_test, rule_value_other_text_is_a_plain_string) {
  EXPECT_EQ(encode_rule_value("d"), string_key("d"));
  EXPECT_EQ(encode_rule_value("hello world"), string_key("hello world"));
  EXPECT_EQ(encode_rule_value("True"), string_key("True"));
  EXPECT_EQ(encode_rule_value("NULL"), string_key("NULL"));
  EXPECT_EQ(encode_rule_value("01"), string_key("01"));
  EXPECT_EQ(encode_rule_value("1."), string_key("1."));
  EXPECT_EQ(encode_rule_value("NaN"), string_key("NaN"));
  EXPECT_EQ(encode_rule_value(""), string_key(""));
  EXPECT_EQ(encode_rule_value(R"(\u0041)"), string_key(R"(\u0041)"));
}

TEST(options_test, rule_value_malformed_quoted_text_is_a_plain_string) {
  EXPECT_EQ(encode_rule_value(R"("unterminated)"), string_key(R"("unterminated)"));
  EXPECT_EQ(encode_rule_value(R"("a" b)"), string_key(R"("a" b)"));
  EXPECT_EQ(encode_rule_value(R"("\x")"), string_key(R"("\x")"));
}

}  // namespace
