// Tests record_scanner with rules from record_rules::compile: key, timestamp and delete
// extraction and full validation of every record (docs/contract.md 1.2 to 1.5 and 3.2).
#include "parse/record_scanner.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "key_builders.h"
#include "mergepipe/error.h"
#include "mergepipe/options.h"
#include "parse/key_encoding.h"
#include "parse/record_rules.h"
#include "parse/timestamp.h"
#include "read/input_source.h"
#include "record_generator.h"

namespace {

using mergepipe::errc;
using mergepipe::options;
using mergepipe::parse_delete_rule;
using mergepipe::detail::input_padding;
using mergepipe::detail::record_fields;
using mergepipe::detail::record_rules;
using mergepipe::detail::record_scanner;
using mergepipe::detail::timestamp;
using namespace std::string_literals;

constexpr std::int64_t march_5_2024_12_34_56 = 1709642096;  // 2024-03-05T12:34:56Z
constexpr std::int64_t march_5_2024 = 1709596800;           // 2024-03-05T00:00:00Z

using mergepipe::testing::number;
using mergepipe::testing::string_key;

std::string bool_key(bool value) {
  std::string out;
  mergepipe::detail::append_bool(out, value);
  return out;
}

struct scan_result {
  bool ok = false;
  std::string key;
  record_fields fields;
  std::string reason;
};

options make_options(std::vector<std::string> key = {"id"}, std::string ts = "updated_at",
                     std::vector<std::string> delete_rules = {}) {
  options opts;
  opts.rules.key = std::move(key);
  opts.rules.timestamp_fields = mergepipe::parse_timestamp_list(ts);
  for (const std::string& rule : delete_rules)
    opts.rules.delete_rules.push_back(parse_delete_rule(rule));
  return opts;
}

// Owns the compiled rules (the scanner keeps a reference to them) and one scanner, reused for
// every record like a pipeline thread does.
class harness {
 public:
  explicit harness(const options& opts = make_options())
      : rules_(record_rules::compile(opts.rules)), scanner_(rules_) {}

  // Scans `record` placed at the start of an exactly sized heap buffer; `after` fills the
  // bytes behind it (as the next records of a chunk would), the rest of the padding is zero.
  scan_result scan(std::string_view record, std::string_view after = {}) {
    std::string buffer(record);
    buffer += after;
    if (buffer.size() < record.size() + input_padding)
      buffer.resize(record.size() + input_padding, '\0');
    // The scanner appends the key to what the caller's buffer already holds, and leaves the
    // buffer as it was on failure; `fields` must be filled afresh, whatever it held.
    const std::string prefix = "held";
    scan_result result;
    result.key = prefix;
    result.fields.has_timestamp = true;
    result.fields.is_delete = true;
    result.ok = scanner_.scan(buffer.data(), record.size(), result.key, result.fields);
    if (result.ok) {
      EXPECT_EQ(result.key.substr(0, prefix.size()), prefix) << record;
      result.key.erase(0, prefix.size());
    } else {
      EXPECT_EQ(result.key, prefix) << record;
      result.reason = scanner_.reason();
    }
    return result;
  }

 private:
  record_rules rules_;
  record_scanner scanner_;
};

// Scans one record with fresh rules and expects success; returns the encoded key.
std::string key_of(std::string_view record, std::vector<std::string> key = {"id"}) {
  harness h(make_options(std::move(key)));
  scan_result r = h.scan(record);
  EXPECT_TRUE(r.ok) << record << ": " << r.reason;
  return r.key;
}

// Scans one record and expects it to be rejected; returns the reason.
std::string reason_of(std::string_view record, const options& opts = make_options()) {
  harness h(opts);
  scan_result r = h.scan(record);
  EXPECT_FALSE(r.ok) << record;
  EXPECT_FALSE(r.reason.empty()) << record;
  return r.reason;
}

bool is_delete(std::string_view record, const std::vector<std::string>& rules) {
  harness h(make_options({"id"}, "updated_at", rules));
  scan_result r = h.scan(record);
  EXPECT_TRUE(r.ok) << record << ": " << r.reason;
  return r.fields.is_delete;
}

// `levels` levels of nesting in total, the record object being level 1: the record holds
// `levels - 1` nested containers of the given kind.
std::string nested_record(int levels, char open) {
  const char close = open == '[' ? ']' : '}';
  const std::string opener = open == '[' ? "[" : "{\"a\":";
  std::string record = "{\"id\":1,\"deep\":";
  for (int i = 1; i < levels; ++i) record += opener;
  record += "1";
  for (int i = 1; i < levels; ++i) record += close;
  record += "}";
  return record;
}

// Keys: field names.

TEST(record_scanner_test, top_level_number_key_is_extracted) {
  EXPECT_EQ(key_of(R"({"id":42,"name":"x"})"), number("42"));
  EXPECT_EQ(key_of(R"({"name":"x","id":42})"), number("42"));
}

TEST(record_scanner_test, string_key_is_unescaped) {
  EXPECT_EQ(key_of(R"({"id":"abc"})"), string_key("abc"));
  EXPECT_EQ(key_of(R"({"id":"\u0041b\"c\\"})"), string_key("Ab\"c\\"));
  EXPECT_EQ(key_of(R"({"id":"\ud83d\ude00"})"), string_key("\xF0\x9F\x98\x80"));
  EXPECT_EQ(key_of(R"({"id":""})"), string_key(""));
}

TEST(record_scanner_test, boolean_key_is_extracted) {
  EXPECT_EQ(key_of(R"({"id":true})"), bool_key(true));
  EXPECT_EQ(key_of(R"({"id":false})"), bool_key(false));
}

TEST(record_scanner_test, number_key_compares_by_exact_value) {
  EXPECT_EQ(key_of(R"({"id":1.0})"), number("1"));
  EXPECT_EQ(key_of(R"({"id":1e0})"), number("1"));
  EXPECT_EQ(key_of(R"({"id":-0})"), number("0"));
  EXPECT_NE(key_of(R"({"id":1})"), string_key("1"));
  EXPECT_NE(key_of(R"({"id":12345678901234567890})"), key_of(R"({"id":12345678901234567891})"));
}

TEST(record_scanner_test, number_key_ignores_surrounding_whitespace) {
  EXPECT_EQ(key_of(R"({"id" : 12 ,"x":1})"), number("12"));
  EXPECT_EQ(key_of("{\"id\":\t12\r\n}"), number("12"));
  EXPECT_EQ(key_of("{\n  \"id\": 12.50\n}"), number("12.5"));
}

TEST(record_scanner_test, field_names_match_after_unescaping) {
  EXPECT_EQ(key_of(R"({"i\u0064":7})"), number("7"));
  EXPECT_EQ(key_of(R"({"a\"b":7})", {"a\"b"}), number("7"));
  EXPECT_EQ(key_of(R"({"\u00e9":7})", {"\xC3\xA9"}), number("7"));
}

// Names are told apart by their length first: every length must still find its field,
// the long ones too, beside names of other lengths and of the same.
TEST(record_scanner_test, field_names_of_any_length_match) {
  for (std::size_t length : {1, 2, 10, 62, 63, 64, 65, 200}) {
    const std::string name(length, 'k');
    const std::string same_length(length, 'j');
    const std::string record = "{\"" + same_length + "\":1,\"" + name + "x\":2,\"" +
                               name.substr(0, length / 2) + "\":3,\"" + name + "\":4}";
    EXPECT_EQ(key_of(record, {"/" + name}), number("4")) << length;
    EXPECT_EQ(key_of(record, {"/" + name, "/" + same_length}), number("4") + number("1")) << length;
  }
}

TEST(record_scanner_test, plain_name_with_slash_or_tilde_is_one_top_level_field) {
  EXPECT_EQ(key_of(R"({"a/b":1,"a":{"b":2}})", {"a/b"}), number("1"));
  EXPECT_EQ(key_of(R"({"a~1b":3})", {"a~1b"}), number("3"));
}

TEST(record_scanner_test, nested_field_is_not_a_top_level_key) {
  EXPECT_EQ(reason_of(R"({"x":{"id":1}})"), R"(missing key field "id")");
}

// Keys: JSON Pointers.

TEST(record_scanner_test, pointer_key_reaches_nested_field) {
  EXPECT_EQ(key_of(R"({"a":{"b":"x"}})", {"/a/b"}), string_key("x"));
  EXPECT_EQ(key_of(R"({"z":0,"a":{"y":[1,2],"b":{"c":false}}})", {"/a/b/c"}), bool_key(false));
  EXPECT_EQ(key_of(R"({"id":5})", {"/id"}), number("5"));
}

TEST(record_scanner_test, pointer_key_indexes_arrays) {
  EXPECT_EQ(key_of(R"({"tags":["t0","t1"]})", {"/tags/0"}), string_key("t0"));
  EXPECT_EQ(key_of(R"({"tags":["t0","t1"]})", {"/tags/1"}), string_key("t1"));
  EXPECT_EQ(key_of(R"({"m":[[1,2],[3,{"k":4}]]})", {"/m/1/1/k"}), number("4"));
  EXPECT_EQ(key_of(R"({"tags":{"0":"zero"}})", {"/tags/0"}), string_key("zero"));
}

TEST(record_scanner_test, pointer_past_the_end_of_an_array_is_missing) {
  const options opts = make_options({"/tags/2"});
  EXPECT_EQ(reason_of(R"({"tags":["t0","t1"]})", opts), R"(missing key field "/tags/2")");
  EXPECT_EQ(reason_of(R"({"tags":[]})", opts), R"(missing key field "/tags/2")");
}

TEST(record_scanner_test, array_index_is_plain_decimal) {
  // "01" and "-0" name object members only, never array elements (RFC 6901).
  EXPECT_EQ(reason_of(R"({"tags":["t0","t1"]})", make_options({"/tags/01"})),
            R"(missing key field "/tags/01")");
  EXPECT_EQ(reason_of(R"({"tags":["t0"]})", make_options({"/tags/-"})),
            R"(missing key field "/tags/-")");
}

TEST(record_scanner_test, pointer_through_a_scalar_is_missing) {
  const options opts = make_options({"/a/b"});
  EXPECT_EQ(reason_of(R"({"a":1})", opts), R"(missing key field "/a/b")");
  EXPECT_EQ(reason_of(R"({"a":"b"})", opts), R"(missing key field "/a/b")");
  EXPECT_EQ(reason_of(R"({"a":null})", opts), R"(missing key field "/a/b")");
  EXPECT_EQ(reason_of(R"({"b":1})", opts), R"(missing key field "/a/b")");
}

TEST(record_scanner_test, pointer_escapes_are_unescaped) {
  EXPECT_EQ(key_of(R"({"a/b":{"c~d":7}})", {"/a~1b/c~0d"}), number("7"));
  EXPECT_EQ(key_of(R"({"~1":1,"/":2})", {"/~01"}), number("1"));
  EXPECT_EQ(key_of(R"({"~1":1,"/":2})", {"/~1"}), number("2"));
}

TEST(record_scanner_test, root_pointer_token_names_the_empty_field) {
  EXPECT_EQ(key_of(R"({"":"e","id":1})", {"/"}), string_key("e"));
  EXPECT_EQ(key_of(R"({"a":{"":3}})", {"/a/"}), number("3"));
}

// Keys: composite.

TEST(record_scanner_test, composite_key_concatenates_parts_in_order) {
  const std::string record = R"({"b":{"c":"x"},"a":1})";
  EXPECT_EQ(key_of(record, {"a", "/b/c"}), number("1") + string_key("x"));
  EXPECT_EQ(key_of(record, {"/b/c", "a"}), string_key("x") + number("1"));
  EXPECT_EQ(key_of(R"({"a":true,"b":"2","c":3.0})", {"a", "b", "c"}),
            bool_key(true) + string_key("2") + number("3"));
}

TEST(record_scanner_test, composite_key_may_name_one_field_twice) {
  EXPECT_EQ(key_of(R"({"id":1})", {"id", "/id"}), number("1") + number("1"));
}

TEST(record_scanner_test, composite_key_parts_are_self_delimiting) {
  EXPECT_NE(key_of(R"({"a":"xy","b":"z"})", {"a", "b"}),
            key_of(R"({"a":"x","b":"yz"})", {"a", "b"}));
}

TEST(record_scanner_test, composite_key_reports_the_missing_part) {
  EXPECT_EQ(reason_of(R"({"a":1})", make_options({"a", "b"})), R"(missing key field "b")");
  EXPECT_EQ(reason_of(R"({"a":1,"b":{}})", make_options({"a", "/b/c"})),
            R"(missing key field "/b/c")");
  EXPECT_EQ(reason_of(R"({"a":null,"b":1})", make_options({"a", "b"})),
            R"(key field "a" is null (keys must be strings, numbers or booleans))");
}

// Duplicate field names: the first counts.

TEST(record_scanner_test, first_of_duplicate_field_names_counts) {
  EXPECT_EQ(key_of(R"({"id":1,"id":2})"), number("1"));
  EXPECT_EQ(key_of(R"({"id":"a","x":0,"id":"b"})"), string_key("a"));
  EXPECT_EQ(key_of(R"({"id":1,"i\u0064":2})"), number("1"));
  EXPECT_EQ(key_of(R"({"i\u0064":1,"id":2})"), number("1"));
}

TEST(record_scanner_test, first_duplicate_counts_even_when_it_is_not_a_valid_key) {
  EXPECT_EQ(reason_of(R"({"id":null,"id":1})"),
            R"(key field "id" is null (keys must be strings, numbers or booleans))");
  EXPECT_EQ(reason_of(R"({"id":[1],"id":1})"),
            R"(key field "id" is an array (keys must be strings, numbers or booleans))");
}

TEST(record_scanner_test, pointer_through_duplicated_parent_uses_the_first_parent) {
  const options opts = make_options({"/a/b"});
  EXPECT_EQ(reason_of(R"({"a":{"x":1},"a":{"b":2}})", opts), R"(missing key field "/a/b")");
  EXPECT_EQ(key_of(R"({"a":{"b":1},"a":{"b":2}})", {"/a/b"}), number("1"));
  EXPECT_EQ(key_of(R"({"a":{"b":1,"b":2}})", {"/a/b"}), number("1"));
  EXPECT_EQ(key_of(R"({"t":[1],"t":[2]})", {"/t/0"}), number("1"));
  EXPECT_EQ(reason_of(R"({"t":[],"t":[2]})", make_options({"/t/0"})),
            R"(missing key field "/t/0")");
}

TEST(record_scanner_test, first_duplicate_timestamp_and_delete_field_count) {
  harness h(make_options({"id"}, "updated_at", {"op=d"}));
  scan_result r =
      h.scan(R"({"id":1,"updated_at":"2024-03-05","updated_at":true,"op":"x","op":"d"})");
  ASSERT_TRUE(r.ok) << r.reason;
  EXPECT_TRUE(r.fields.has_timestamp);
  EXPECT_EQ(r.fields.ts, (timestamp{march_5_2024, 0}));
  EXPECT_FALSE(r.fields.is_delete);
}

// Key types.

TEST(record_scanner_test, missing_null_object_and_array_keys_are_rejected) {
  EXPECT_EQ(reason_of(R"({"name":"x"})"), R"(missing key field "id")");
  EXPECT_EQ(reason_of(R"({})"), R"(missing key field "id")");
  EXPECT_EQ(reason_of(R"({"ID":1})"), R"(missing key field "id")");
  EXPECT_EQ(reason_of(R"({"id":null})"),
            R"(key field "id" is null (keys must be strings, numbers or booleans))");
  EXPECT_EQ(reason_of(R"({"id":{"x":1}})"),
            R"(key field "id" is an object (keys must be strings, numbers or booleans))");
  EXPECT_EQ(reason_of(R"({"id":{}})"),
            R"(key field "id" is an object (keys must be strings, numbers or booleans))");
  EXPECT_EQ(reason_of(R"({"id":[1,2]})"),
            R"(key field "id" is an array (keys must be strings, numbers or booleans))");
  EXPECT_EQ(reason_of(R"({"id":[]})"),
            R"(key field "id" is an array (keys must be strings, numbers or booleans))");
}

TEST(record_scanner_test, key_reason_names_the_key_as_written) {
  EXPECT_EQ(reason_of(R"({"a":{"b":null}})", make_options({"/a/b"})),
            R"(key field "/a/b" is null (keys must be strings, numbers or booleans))");
}

// Timestamps.

TEST(record_scanner_test, absent_or_null_timestamp_is_oldest) {
  harness h;
  scan_result absent = h.scan(R"({"id":1})");
  ASSERT_TRUE(absent.ok) << absent.reason;
  EXPECT_FALSE(absent.fields.has_timestamp);
  scan_result null = h.scan(R"({"id":1,"updated_at":null})");
  ASSERT_TRUE(null.ok) << null.reason;
  EXPECT_FALSE(null.fields.has_timestamp);
}

TEST(record_scanner_test, string_timestamp_is_parsed) {
  harness h;
  scan_result r = h.scan(R"({"id":1,"updated_at":"2024-03-05T12:34:56.25Z"})");
  ASSERT_TRUE(r.ok) << r.reason;
  EXPECT_TRUE(r.fields.has_timestamp);
  EXPECT_EQ(r.fields.ts, (timestamp{march_5_2024_12_34_56, 250'000'000}));

  scan_result offset = h.scan(R"({"updated_at":"2024-03-05T14:34:56+02:00","id":1})");
  ASSERT_TRUE(offset.ok) << offset.reason;
  EXPECT_EQ(offset.fields.ts, (timestamp{march_5_2024_12_34_56, 0}));
}

TEST(record_scanner_test, escaped_string_timestamp_is_unescaped_first) {
  harness h;
  scan_result r = h.scan(R"({"id":1,"updated_at":"2024\u002d03-05"})");
  ASSERT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.fields.ts, (timestamp{march_5_2024, 0}));
}

TEST(record_scanner_test, number_timestamp_is_epoch_seconds) {
  harness h;
  scan_result r = h.scan(R"({"id":1,"updated_at":1709642096.5})");
  ASSERT_TRUE(r.ok) << r.reason;
  EXPECT_TRUE(r.fields.has_timestamp);
  EXPECT_EQ(r.fields.ts, (timestamp{march_5_2024_12_34_56, 500'000'000}));

  scan_result spaced = h.scan("{\"id\":1,\"updated_at\": 1709642096 \n}");
  ASSERT_TRUE(spaced.ok) << spaced.reason;
  EXPECT_EQ(spaced.fields.ts, (timestamp{march_5_2024_12_34_56, 0}));

  scan_result negative = h.scan(R"({"id":1,"updated_at":-1.5})");
  ASSERT_TRUE(negative.ok) << negative.reason;
  EXPECT_EQ(negative.fields.ts, (timestamp{-2, 500'000'000}));
}

TEST(record_scanner_test, number_timestamp_follows_the_unit) {
  options opts = make_options();
  opts.rules.ts_unit = mergepipe::timestamp_unit::ms;
  harness h(opts);
  scan_result r = h.scan(R"({"id":1,"updated_at":1500})");
  ASSERT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.fields.ts, (timestamp{1, 500'000'000}));
}

TEST(record_scanner_test, string_timestamp_follows_the_format) {
  options opts = make_options();
  opts.rules.timestamp_format = "%m/%d/%Y";
  harness h(opts);
  scan_result r = h.scan(R"({"id":1,"updated_at":"03/05/2024"})");
  ASSERT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.fields.ts, (timestamp{march_5_2024, 0}));
  EXPECT_EQ(h.scan(R"({"id":1,"updated_at":"2024-03-05"})").reason,
            R"(invalid timestamp "2024-03-05" in field "updated_at")");
}

TEST(record_scanner_test, timestamp_field_may_be_a_pointer) {
  harness h(make_options({"id"}, "/meta/ts"));
  scan_result r = h.scan(R"({"id":1,"updated_at":true,"meta":{"ts":"2024-03-05"}})");
  ASSERT_TRUE(r.ok) << r.reason;
  EXPECT_TRUE(r.fields.has_timestamp);
  EXPECT_EQ(r.fields.ts, (timestamp{march_5_2024, 0}));
  scan_result missing = h.scan(R"({"id":1,"meta":{}})");
  ASSERT_TRUE(missing.ok) << missing.reason;
  EXPECT_FALSE(missing.fields.has_timestamp);
}

TEST(record_scanner_test, boolean_object_or_array_timestamp_is_rejected) {
  EXPECT_EQ(reason_of(R"({"id":1,"updated_at":true})"),
            R"(timestamp field "updated_at" is a boolean)");
  EXPECT_EQ(reason_of(R"({"id":1,"updated_at":false})"),
            R"(timestamp field "updated_at" is a boolean)");
  EXPECT_EQ(reason_of(R"({"id":1,"updated_at":{}})"),
            R"(timestamp field "updated_at" is an object)");
  EXPECT_EQ(reason_of(R"({"id":1,"updated_at":["2024-03-05"]})"),
            R"(timestamp field "updated_at" is an array)");
}

TEST(record_scanner_test, unparsable_timestamp_is_rejected) {
  EXPECT_EQ(reason_of(R"({"id":1,"updated_at":"yesterday"})"),
            R"(invalid timestamp "yesterday" in field "updated_at")");
  EXPECT_EQ(reason_of(R"({"id":1,"updated_at":"2024-02-30"})"),
            R"(invalid timestamp "2024-02-30" in field "updated_at")");
  EXPECT_EQ(reason_of(R"({"id":1,"updated_at":""})"),
            R"(invalid timestamp "" in field "updated_at")");
  EXPECT_EQ(reason_of(R"({"id":1,"updated_at":1e300})"),
            R"(invalid timestamp 1e300 in field "updated_at")");
}

TEST(record_scanner_test, key_is_checked_before_timestamp) {
  EXPECT_EQ(reason_of(R"({"updated_at":true})"), R"(missing key field "id")");
}

TEST(record_scanner_test, empty_timestamp_field_means_no_timestamp) {
  harness h(make_options({"id"}, ""));
  for (const char* record :
       {R"({"id":1,"updated_at":"2024-03-05"})", R"({"id":1,"updated_at":true})",
        R"({"id":1,"updated_at":"junk"})", R"({"id":1})"}) {
    scan_result r = h.scan(record);
    ASSERT_TRUE(r.ok) << record << ": " << r.reason;
    EXPECT_FALSE(r.fields.has_timestamp) << record;
  }
}

// Deletes.

TEST(record_scanner_test, string_delete_rule_matches_equal_string) {
  EXPECT_TRUE(is_delete(R"({"id":1,"op":"d"})", {"op=d"}));
  EXPECT_TRUE(is_delete(R"({"id":1,"op":"\u0064"})", {"op=d"}));
  EXPECT_FALSE(is_delete(R"({"id":1,"op":"D"})", {"op=d"}));
  EXPECT_FALSE(is_delete(R"({"id":1,"op":"dd"})", {"op=d"}));
  EXPECT_FALSE(is_delete(R"({"id":1})", {"op=d"}));
  EXPECT_FALSE(is_delete(R"({"id":1,"op":["d"]})", {"op=d"}));
  EXPECT_FALSE(is_delete(R"({"id":1,"op":{"d":1}})", {"op=d"}));
  EXPECT_FALSE(is_delete(R"({"id":1,"x":{"op":"d"}})", {"op=d"}));
}

TEST(record_scanner_test, quoted_delete_value_is_a_string) {
  EXPECT_TRUE(is_delete(R"({"id":1,"op":"d"})", {R"(op="d")"}));
  EXPECT_TRUE(is_delete(R"({"id":1,"op":"true"})", {R"(op="true")"}));
  EXPECT_FALSE(is_delete(R"({"id":1,"op":true})", {R"(op="true")"}));
  EXPECT_TRUE(is_delete(R"({"id":1,"op":"1"})", {R"(op="1")"}));
  EXPECT_FALSE(is_delete(R"({"id":1,"op":1})", {R"(op="1")"}));
}

TEST(record_scanner_test, boolean_delete_rule_matches_boolean_only) {
  EXPECT_TRUE(is_delete(R"({"id":1,"_deleted":true})", {"_deleted=true"}));
  EXPECT_FALSE(is_delete(R"({"id":1,"_deleted":false})", {"_deleted=true"}));
  EXPECT_FALSE(is_delete(R"({"id":1,"_deleted":"true"})", {"_deleted=true"}));
  EXPECT_FALSE(is_delete(R"({"id":1,"_deleted":1})", {"_deleted=true"}));
  EXPECT_TRUE(is_delete(R"({"id":1,"_deleted":false})", {"_deleted=false"}));
}

TEST(record_scanner_test, number_delete_rule_matches_equal_value) {
  EXPECT_TRUE(is_delete(R"({"id":1,"n":1})", {"n=1"}));
  EXPECT_TRUE(is_delete(R"({"id":1,"n":1.0})", {"n=1"}));
  EXPECT_TRUE(is_delete(R"({"id":1,"n":1e0})", {"n=1"}));
  EXPECT_TRUE(is_delete(R"({"id":1,"n":10e-1})", {"n=1"}));
  EXPECT_TRUE(is_delete(R"({"id":1,"n": 1 })", {"n=1"}));
  EXPECT_FALSE(is_delete(R"({"id":1,"n":"1"})", {"n=1"}));
  EXPECT_FALSE(is_delete(R"({"id":1,"n":true})", {"n=1"}));
  EXPECT_FALSE(is_delete(R"({"id":1,"n":1.5})", {"n=1"}));
  EXPECT_TRUE(is_delete(R"({"id":1,"n":1})", {"n=1.0"}));
  EXPECT_TRUE(is_delete(R"({"id":1,"n":-0})", {"n=0"}));
}

TEST(record_scanner_test, null_delete_rule_matches_null_only) {
  EXPECT_TRUE(is_delete(R"({"id":1,"x":null})", {"x=null"}));
  EXPECT_FALSE(is_delete(R"({"id":1})", {"x=null"}));
  EXPECT_FALSE(is_delete(R"({"id":1,"x":"null"})", {"x=null"}));
  EXPECT_FALSE(is_delete(R"({"id":1,"x":false})", {"x=null"}));
  EXPECT_FALSE(is_delete(R"({"id":1,"x":0})", {"x=null"}));
}

TEST(record_scanner_test, delete_rule_field_may_be_a_pointer) {
  EXPECT_TRUE(is_delete(R"({"id":1,"meta":{"op":"d"}})", {"/meta/op=d"}));
  EXPECT_FALSE(is_delete(R"({"id":1,"op":"d"})", {"/meta/op=d"}));
  EXPECT_TRUE(is_delete(R"({"id":1,"ops":["u","d"]})", {"/ops/1=d"}));
}

TEST(record_scanner_test, any_matching_delete_rule_marks_a_delete) {
  const std::vector<std::string> rules = {"op=d", "_deleted=true"};
  EXPECT_TRUE(is_delete(R"({"id":1,"op":"d"})", rules));
  EXPECT_TRUE(is_delete(R"({"id":1,"_deleted":true})", rules));
  EXPECT_FALSE(is_delete(R"({"id":1,"op":"u","_deleted":false})", rules));
}

TEST(record_scanner_test, delete_rule_may_test_the_key_or_timestamp_field) {
  EXPECT_TRUE(is_delete(R"({"id":5})", {"id=5"}));
  EXPECT_FALSE(is_delete(R"({"id":6})", {"id=5"}));
  EXPECT_TRUE(is_delete(R"({"id":1,"updated_at":null})", {"updated_at=null"}));
}

// Full validation: every value is checked, selected or not.

TEST(record_scanner_test, malformed_number_anywhere_is_rejected) {
  for (const char* record :
       {R"({"id":1,"x":[[1,[2,01]]]})", R"({"id":1,"x":{"y":[1.]}})", R"({"id":1,"x":-})",
        R"({"id":1,"x":.5})", R"({"id":1,"x":+1})", R"({"id":1,"x":1e})", R"({"id":1,"x":0x10})",
        R"({"id":1,"x":NaN})", R"({"id":1,"x":Infinity})", R"({"id":1,"x":[1,2,3,4,5,6,7,1.2.3]})",
        R"({"id":01})", R"({"id":1.e5})"}) {
    harness h;
    scan_result r = h.scan(record);
    EXPECT_FALSE(r.ok) << record;
    EXPECT_FALSE(r.reason.empty()) << record;
  }
}

TEST(record_scanner_test, number_too_large_for_a_double_is_rejected_anywhere) {
  const std::string out_of_range = "invalid JSON: malformed number or number out of range";
  EXPECT_EQ(reason_of(R"({"id":1,"x":1e400})"), out_of_range);
  EXPECT_EQ(reason_of(R"({"id":1,"x":-1E+400})"), out_of_range);
  EXPECT_EQ(reason_of(R"({"id":1,"x":{"y":[0,[1e400]]}})"), out_of_range);
  EXPECT_EQ(reason_of(R"({"x":1e400,"id":1})"), out_of_range);
  EXPECT_EQ(reason_of(R"({"id":1e400})"), out_of_range);
  EXPECT_EQ(reason_of(R"({"id":1,"updated_at":1e400})"), out_of_range);
  EXPECT_EQ(reason_of(R"({"id":1,"x":)" + std::string("1") + std::string(400, '0') + "}"),
            out_of_range);
}

TEST(record_scanner_test, numbers_within_a_doubles_range_are_valid) {
  harness h;
  for (const char* record :
       {R"({"id":1,"x":1e308})", R"({"id":1,"x":-1.7976931348623157e308})",
        R"({"id":1,"x":1e-400})", R"({"id":1,"x":4.9e-324})",
        R"({"id":1,"x":0.000000000000000000000000000001})", R"({"id":1,"x":-0})",
        R"({"id":1,"x":-0.0e-0})", R"({"id":1,"x":0})", R"({"id":1,"x":1E+2})"}) {
    scan_result r = h.scan(record);
    EXPECT_TRUE(r.ok) << record << ": " << r.reason;
  }
  const std::string wide = "{\"id\":1,\"x\":1" + std::string(300, '0') + "}";
  EXPECT_TRUE(h.scan(wide).ok) << h.scan(wide).reason;
}

TEST(record_scanner_test, integers_wider_than_64_bits_are_valid_and_exact) {
  harness h;
  scan_result r =
      h.scan(R"({"id":123456789012345678901234567890,"x":-123456789012345678901234567890})");
  ASSERT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.key, number("123456789012345678901234567890"));
  EXPECT_NE(r.key, number("123456789012345678901234567891"));
  EXPECT_EQ(key_of(R"({"id":18446744073709551616})"), number("18446744073709551616"));
  EXPECT_NE(key_of(R"({"id":18446744073709551616})"), key_of(R"({"id":18446744073709551617})"));
}

TEST(record_scanner_test, exponents_of_many_digits_are_valid_within_a_double) {
  for (const char* number : {"1e0000000000000000000001", "0e99999999999999999999",
                             "-2.5E-99999999999999999999", "1.7e0000000000000000000308"}) {
    std::string record = std::string(R"({"id":1,"x":)") + number + "}";
    EXPECT_TRUE(harness().scan(record).ok) << record;
  }
  for (const char* number : {"1e0000000000000000000400", "1.8e308", "1e99999999999999999999"}) {
    std::string record = std::string(R"({"id":1,"x":)") + number + "}";
    EXPECT_EQ(reason_of(record), "invalid JSON: malformed number or number out of range") << record;
  }
  EXPECT_EQ(key_of(R"({"id":1e0000000000000000000001})"), key_of(R"({"id":10})"));
}

TEST(record_scanner_test, negative_zero_is_valid) {
  EXPECT_EQ(key_of(R"({"id":-0})"), key_of(R"({"id":0})"));
  EXPECT_EQ(key_of(R"({"id":-0.0})"), number("0"));
}

TEST(record_scanner_test, invalid_escape_is_rejected_anywhere) {
  const std::string bad_escape = "invalid JSON: malformed string escape";
  EXPECT_EQ(reason_of(R"({"id":1,"x":"a\xb"})"), bad_escape);
  EXPECT_EQ(reason_of(R"({"id":1,"x":["ok",{"y":"\q"}]})"), bad_escape);
  EXPECT_EQ(reason_of(R"({"id":1,"x":"\u12"})"), bad_escape);
  EXPECT_EQ(reason_of(R"({"id":1,"x":"\u12G4"})"), bad_escape);
  EXPECT_EQ(reason_of(R"({"id":"\x"})"), bad_escape);
  EXPECT_EQ(reason_of(R"({"id":1,"a\x":1})"), bad_escape);
}

TEST(record_scanner_test, a_string_value_followed_by_a_colon_is_rejected) {
  // An unread string value must still be consumed, or `"b":` reads as a field name.
  for (const char* record :
       {R"({"id":1,"a":"b":c}})", R"({"id":1,"a":"b":"c"})", R"({"id":1,"a":["x":1]})"}) {
    EXPECT_FALSE(harness().scan(record).ok) << record;
  }
  EXPECT_TRUE(harness().scan(R"({"id":1,"a":"b","c":"d"})").ok);
}

TEST(record_scanner_test, lone_surrogate_escape_is_rejected_anywhere) {
  for (const char* record :
       {R"({"id":1,"x":"\ud800"})", R"({"id":1,"x":"a\udc00b"})", R"({"id":1,"x":"\ud800\u0041"})",
        R"({"id":1,"x":"\ud800\ud800"})", R"({"id":1,"x":[{"y":"\uDBFF"}]})", R"({"id":"\ud800"})",
        R"({"id":1,"\ud800":1})"}) {
    harness h;
    scan_result r = h.scan(record);
    EXPECT_FALSE(r.ok) << record;
    EXPECT_FALSE(r.reason.empty()) << record;
  }
  EXPECT_TRUE(harness().scan(R"({"id":1,"x":"\ud800\udc00"})").ok);
}

TEST(record_scanner_test, invalid_utf8_is_rejected_anywhere) {
  for (const std::string& record :
       {"{\"id\":1,\"x\":\"\xFF\"}"s, "{\"id\":1,\"x\":[\"ok\",\"\xC0\xAF\"]}"s,
        "{\"id\":1,\"x\":\"\xE2\x82\"}"s, "{\"id\":1,\"x\":\"\xED\xA0\x80\"}"s,
        "{\"id\":1,\"x\":\"\xF4\x90\x80\x80\"}"s, "{\"id\":1,\"x\":\"\x80\"}"s,
        "{\"id\":\"\xFE\"}"s, "{\"id\":1,\"\xFF\":1}"s}) {
    EXPECT_EQ(reason_of(record), "invalid UTF-8") << record;
  }
  EXPECT_TRUE(harness().scan("{\"id\":1,\"x\":\"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\"}").ok);
}

TEST(record_scanner_test, control_character_in_string_is_rejected_anywhere) {
  const std::string control = "invalid JSON: unescaped control character in string";
  EXPECT_EQ(reason_of("{\"id\":1,\"x\":\"a\tb\"}"), control);
  EXPECT_EQ(reason_of("{\"id\":1,\"x\":[\"a\nb\"]}"), control);
  EXPECT_EQ(reason_of("{\"id\":1,\"x\":\"\x01\"}"), control);
  EXPECT_EQ(reason_of("{\"id\":1,\"x\":\"\x1F\"}"), control);
  EXPECT_EQ(reason_of("{\"id\":\"a\x00"
                      "b\"}"s),
            control);
  EXPECT_EQ(reason_of("{\"id\":1,\"a\tb\":1}"), control);
  EXPECT_TRUE(harness().scan("{\"id\":1,\"x\":\"\x7F\"}").ok);
}

TEST(record_scanner_test, trailing_content_after_the_record_is_rejected) {
  for (const char* record : {R"({"id":1} x)", R"({"id":1}})", R"({"id":1}{"id":2})", R"({"id":1},)",
                             R"({"id":1} 1)", R"({"id":1}])", R"({"id":1} "s")", R"({"id":1} {})",
                             R"({"id":1}[1])", R"({"id":1} null)"}) {
    // The record itself is complete; the reason must not claim it ended early.
    EXPECT_EQ(reason_of(record), "unexpected content after the record") << record;
  }
}

TEST(record_scanner_test, record_that_is_not_an_object_is_rejected) {
  for (const char* record : {"[1]", "[{\"id\":1}]", "1", "\"s\"", "true", "null", "[]"}) {
    EXPECT_EQ(reason_of(record), "record is not a JSON object") << record;
  }
}

TEST(record_scanner_test, malformed_structure_is_rejected) {
  for (const char* record :
       {"{", R"({"id":1)", R"({"id":1,})", R"({"id" 1})", R"({'id':1})", R"({id:1})",
        R"({"id":1,,"x":2})", R"({"id":1,"x":[1,2,]})", R"({"id":1,"x":[1 2]})", R"({"id":tru})",
        R"({"id":1,"x":nul})", R"({"id":1,"x":falsey})", R"({"id":1,"x":"unterminated})",
        R"({,"id":1})", R"({"id":1,"x":{"y"}})", R"({"id":1,"x":[}})", "x", ""}) {
    harness h;
    scan_result r = h.scan(record);
    EXPECT_FALSE(r.ok) << record;
    EXPECT_FALSE(r.reason.empty()) << record;
  }
}

TEST(record_scanner_test, bytes_after_the_record_are_not_part_of_it) {
  harness h;
  // In a chunk the next record follows; only `size` bytes are the record.
  scan_result r = h.scan(R"({"id":1})", "\n{\"id\":2}\n}}] x \"\\");
  ASSERT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.key, number("1"));
  // A record cut short is unclosed, even when the byte after it would close it.
  EXPECT_FALSE(h.scan(R"({"id":1)", "}\n").ok);
  // A number at the very end of the record does not run on into the next bytes.
  scan_result n = h.scan(R"({"x":[1],"id":12})", "34");
  ASSERT_TRUE(n.ok) << n.reason;
  EXPECT_EQ(n.key, number("12"));
}

TEST(record_scanner_test, whitespace_inside_the_record_is_allowed) {
  EXPECT_EQ(key_of("{ \"id\" : \"a\" , \"x\" : [ 1 , { } , [ ] ] }"), string_key("a"));
  EXPECT_EQ(key_of("{\r\n  \"x\": {\n    \"y\": null\n  },\n  \"id\": true\r\n}"), bool_key(true));
}

TEST(record_scanner_test, all_value_types_are_accepted) {
  EXPECT_EQ(
      key_of(
          R"({"s":"x","n":-1.5e-3,"t":true,"f":false,"z":null,"o":{"a":{}},"a":[[],[{}]],"id":0})"),
      number("0"));
}

// Nesting.

TEST(record_scanner_test, nesting_of_1024_levels_is_accepted) {
  for (char open : {'[', '{'}) {
    const std::string record = nested_record(1024, open);
    harness h;
    scan_result r = h.scan(record);
    EXPECT_TRUE(r.ok) << open << ": " << r.reason;
    EXPECT_EQ(r.key, number("1"));
  }
}

TEST(record_scanner_test, nesting_of_1025_levels_is_rejected) {
  for (char open : {'[', '{'}) {
    EXPECT_EQ(reason_of(nested_record(1025, open)), "nesting deeper than 1024 levels") << open;
  }
}

TEST(record_scanner_test, mixed_nesting_counts_every_container) {
  std::string at_limit = "{\"id\":1,\"x\":";
  std::string too_deep = at_limit;
  for (int i = 1; i < 1024; ++i) at_limit += i % 2 == 0 ? "{\"a\":" : "[";
  for (int i = 1; i < 1025; ++i) too_deep += i % 2 == 0 ? "{\"a\":" : "[";
  at_limit += "0";
  too_deep += "0";
  for (int i = 1023; i >= 1; --i) at_limit += i % 2 == 0 ? "}" : "]";
  for (int i = 1024; i >= 1; --i) too_deep += i % 2 == 0 ? "}" : "]";
  at_limit += "}";
  too_deep += "}";
  EXPECT_TRUE(harness().scan(at_limit).ok) << harness().scan(at_limit).reason;
  EXPECT_EQ(reason_of(too_deep), "nesting deeper than 1024 levels");
}

TEST(record_scanner_test, empty_containers_count_as_levels) {
  std::string at_limit = "{\"id\":1,\"x\":" + std::string(1023, '[') + std::string(1023, ']') + "}";
  std::string too_deep = "{\"id\":1,\"x\":" + std::string(1024, '[') + std::string(1024, ']') + "}";
  EXPECT_TRUE(harness().scan(at_limit).ok) << harness().scan(at_limit).reason;
  EXPECT_EQ(reason_of(too_deep), "nesting deeper than 1024 levels");
}

TEST(record_scanner_test, very_deep_nesting_is_rejected_without_crashing) {
  const std::string closed =
      "{\"id\":1,\"x\":" + std::string(100'000, '[') + std::string(100'000, ']') + "}";
  EXPECT_FALSE(harness().scan(closed).ok);
  const std::string unclosed = "{\"id\":1,\"x\":" + std::string(100'000, '[');
  EXPECT_FALSE(harness().scan(unclosed).ok);
}

// Reuse.

TEST(record_scanner_test, failed_record_does_not_leak_into_the_next) {
  harness h(make_options({"id"}, "updated_at", {"op=d"}));
  scan_result bad = h.scan(R"({"id":1,"updated_at":"2024-03-05","op":"d","x":01})");
  EXPECT_FALSE(bad.ok);
  scan_result good = h.scan(R"({"name":"no key"})");
  EXPECT_FALSE(good.ok);
  EXPECT_EQ(good.reason, R"(missing key field "id")");
  scan_result plain = h.scan(R"({"id":2})");
  ASSERT_TRUE(plain.ok) << plain.reason;
  EXPECT_EQ(plain.key, number("2"));
  EXPECT_FALSE(plain.fields.has_timestamp);
  EXPECT_FALSE(plain.fields.is_delete);
}

TEST(record_scanner_test, good_record_does_not_leak_into_the_next) {
  harness h(make_options({"/a/b"}, "updated_at", {"op=d"}));
  scan_result first = h.scan(R"({"a":{"b":1},"updated_at":"2024-03-05","op":"d"})");
  ASSERT_TRUE(first.ok) << first.reason;
  EXPECT_TRUE(first.fields.has_timestamp);
  EXPECT_TRUE(first.fields.is_delete);
  scan_result second = h.scan(R"({"a":{"c":1}})");
  EXPECT_EQ(second.reason, R"(missing key field "/a/b")");
  scan_result third = h.scan(R"({"a":{"b":"x"}})");
  ASSERT_TRUE(third.ok) << third.reason;
  EXPECT_EQ(third.key, string_key("x"));
  EXPECT_FALSE(third.fields.has_timestamp);
  EXPECT_FALSE(third.fields.is_delete);
}

TEST(record_scanner_test, scanner_is_reusable_for_many_records) {
  harness h(make_options({"id"}, "updated_at", {"op=d"}));
  for (int i = 0; i < 2000; ++i) {
    const std::string id = std::to_string(i);
    const std::string good = "{\"id\":" + id + ",\"op\":\"" + (i % 3 == 0 ? "d" : "u") + "\"}";
    switch (i % 4) {
      case 0:
        ASSERT_FALSE(h.scan("{\"id\":" + id + ",\"x\":1e400}").ok) << i;
        break;
      case 1:
        ASSERT_FALSE(h.scan("{\"id\":" + id + ",\"x\":\"\xFF\"}").ok) << i;
        break;
      case 2:
        ASSERT_FALSE(h.scan("{\"id\":" + id + ",\"id\":\"\\x\"}").ok) << i;
        break;
      default:
        ASSERT_FALSE(h.scan("{\"id\":" + id + "} x").ok) << i;
        break;
    }
    scan_result r = h.scan(good);
    ASSERT_TRUE(r.ok) << i << ": " << r.reason;
    ASSERT_EQ(r.key, number(id)) << i;
    ASSERT_EQ(r.fields.is_delete, i % 3 == 0) << i;
    ASSERT_FALSE(r.fields.has_timestamp) << i;
  }
}

// Compiling the rules.

TEST(record_scanner_test, invalid_rules_are_usage_errors) {
  auto code_of = [](const options& opts) {
    try {
      (void)record_rules::compile(opts.rules);
    } catch (const mergepipe::error& e) {
      return e.code();
    }
    return errc::ok;
  };
  EXPECT_EQ(code_of(make_options({})), errc::usage);
  EXPECT_EQ(code_of(make_options({""})), errc::usage);
  EXPECT_EQ(code_of(make_options({"id", ""})), errc::usage);
  EXPECT_EQ(code_of(make_options({"/a~2"})), errc::usage);
  EXPECT_EQ(code_of(make_options({"id"}, "/ts~")), errc::usage);
  options empty_delete_field = make_options();
  empty_delete_field.rules.delete_rules.push_back({"", "d"});
  EXPECT_EQ(code_of(empty_delete_field), errc::usage);
  options bad_format = make_options();
  bad_format.rules.timestamp_format = "%Q";
  EXPECT_EQ(code_of(bad_format), errc::usage);
  EXPECT_EQ(code_of(make_options({"id"}, "", {"op=d"})), errc::ok);
}

// The tape answers most records and the walk the rest: on generated records (keys spelled
// as integers, decimals and escapes), their pretty-printed forms and damaged copies, the
// scanner must answer exactly as the walk alone does.
TEST(record_scanner_test, the_tape_and_the_walk_agree) {
  const options opts = make_options({"id", "/nested/x/y/3"}, "updated_at", {"op=d", "n=7"});
  const record_rules rules = record_rules::compile(opts.rules);
  record_scanner both(rules);
  record_scanner walk_only(rules, /*use_tape=*/false);
  std::mt19937_64 rng(7);
  std::size_t good = 0;
  for (const auto& generated : mergepipe::testing::generate_records(11, 3000, 40)) {
    std::vector<std::string> variants{generated.json, mergepipe::testing::pretty(generated.json)};
    std::string damaged = generated.json;
    damaged[rng() % damaged.size()] = "{}[]\",:0e-. \x01"[rng() % 14];
    variants.push_back(damaged);
    for (const std::string& record : variants) {
      std::string buffer = record + std::string(input_padding, '\0');
      std::string key_both, key_walk;
      record_fields fields_both, fields_walk;
      bool ok_both = both.scan(buffer.data(), record.size(), key_both, fields_both);
      bool ok_walk = walk_only.scan(buffer.data(), record.size(), key_walk, fields_walk);
      ASSERT_EQ(ok_both, ok_walk) << record;
      if (!ok_both) {
        EXPECT_EQ(both.reason(), walk_only.reason()) << record;
        continue;
      }
      ++good;
      EXPECT_EQ(key_both, key_walk) << record;
      EXPECT_EQ(fields_both.has_timestamp, fields_walk.has_timestamp) << record;
      EXPECT_EQ(fields_both.ts, fields_walk.ts) << record;
      EXPECT_EQ(fields_both.is_delete, fields_walk.is_delete) << record;
    }
  }
  EXPECT_GT(good, 6000U);  // both forms of every generated record, and some damaged ones
}

}  // namespace
