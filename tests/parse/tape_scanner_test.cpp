// Tests the fast path of a record scan: what tape_scanner captures, and that it declines
// every record it cannot capture exactly, so that the On-Demand walk decides those.
#include "parse/tape_scanner.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "parse/field_path.h"
#include "read/input_source.h"

namespace {

using mergepipe::detail::captured_field;
using mergepipe::detail::field_selector;
using mergepipe::detail::input_padding;
using mergepipe::detail::parse_field_path;
using mergepipe::detail::tape_scanner;
using json_type = simdjson::ondemand::json_type;

// Selects `paths` (one slot each, in order) and scans records with one scanner.
class harness {
 public:
  explicit harness(const std::vector<std::string>& paths) {
    for (const std::string& path : paths) selector_.add(parse_field_path(path));
    scanner_ = std::make_unique<tape_scanner>(selector_);
    slots_.resize(static_cast<std::size_t>(selector_.slot_count()));
  }

  bool capture(std::string_view record) {
    buffer_.assign(record);
    buffer_.resize(record.size() + input_padding, '\0');
    return scanner_->capture(buffer_.data(), record.size(), slots_);
  }

  const captured_field& slot(std::size_t index) const { return slots_[index]; }

 private:
  field_selector selector_;
  std::unique_ptr<tape_scanner> scanner_;
  std::vector<captured_field> slots_;
  std::string buffer_;
};

TEST(tape_scanner_test, captures_strings_unescaped_and_integers_as_text) {
  harness h({"id", "name", "big", "negative"});
  ASSERT_TRUE(
      h.capture(R"({"name":"caf\u00e9","id":42,"big":18446744073709551615,"negative":-7})"));
  EXPECT_EQ(h.slot(0).type, json_type::number);
  EXPECT_EQ(h.slot(0).text, "42");
  EXPECT_EQ(h.slot(1).type, json_type::string);
  EXPECT_EQ(h.slot(1).text, "caf\xC3\xA9");
  EXPECT_EQ(h.slot(2).text, "18446744073709551615");
  EXPECT_EQ(h.slot(3).text, "-7");
}

TEST(tape_scanner_test, captures_booleans_null_and_containers_by_type) {
  harness h({"flag", "nothing", "object", "array", "absent"});
  ASSERT_TRUE(h.capture(R"({"flag":true,"nothing":null,"object":{"a":1},"array":[1]})"));
  EXPECT_TRUE(h.slot(0).present);
  EXPECT_TRUE(h.slot(0).boolean);
  EXPECT_EQ(h.slot(1).type, json_type::null);
  EXPECT_EQ(h.slot(2).type, json_type::object);
  EXPECT_EQ(h.slot(3).type, json_type::array);
  EXPECT_FALSE(h.slot(4).present);
}

TEST(tape_scanner_test, follows_pointers_into_objects_and_arrays) {
  harness h({"/address/zip", "/tags/1", "/tags/01"});
  ASSERT_TRUE(h.capture(R"({"tags":["a","b"],"address":{"city":"X","zip":"123"}})"));
  EXPECT_EQ(h.slot(0).text, "123");
  EXPECT_EQ(h.slot(1).text, "b");
  EXPECT_FALSE(h.slot(2).present);  // array indices are plain decimal
}

TEST(tape_scanner_test, first_of_duplicate_field_names_counts) {
  harness h({"id", "/a/b"});
  ASSERT_TRUE(h.capture(R"({"id":1,"a":{"b":"first"},"id":2,"a":{"b":"second"}})"));
  EXPECT_EQ(h.slot(0).text, "1");
  EXPECT_EQ(h.slot(1).text, "first");
}

TEST(tape_scanner_test, slots_are_cleared_between_records) {
  harness h({"id"});
  ASSERT_TRUE(h.capture(R"({"id":1})"));
  ASSERT_TRUE(h.capture(R"({"other":1})"));
  EXPECT_FALSE(h.slot(0).present);
}

TEST(tape_scanner_test, negative_zero_is_the_integer_zero) {
  harness h({"id"});
  ASSERT_TRUE(h.capture(R"({"id":-0})"));
  EXPECT_EQ(h.slot(0).text, "0");  // contract 1.3: -0 and 0 are the same key
}

TEST(tape_scanner_test, declines_a_selected_number_that_is_not_an_integer) {
  harness h({"id"});
  EXPECT_FALSE(h.capture(R"({"id":1.0})"));
  EXPECT_FALSE(h.capture(R"({"id":1e0})"));
  EXPECT_FALSE(h.capture(R"({"id":123456789012345678901234567890})"));
  EXPECT_TRUE(h.capture(R"({"id":1,"other":1.5})"));  // only selected numbers need their text
}

TEST(tape_scanner_test, declines_what_is_not_a_valid_object) {
  harness h({"id"});
  for (std::string_view record :
       {R"([1])", R"("id")", R"({"id":1)", R"({"id":1} {"id":2})", R"({"id":1,"a":"b":c})",
        R"({"id":1e400})", R"({"id":"\x"})", R"({"id":01})", R"({"id":tru})"}) {
    EXPECT_FALSE(h.capture(record)) << record;
  }
}

TEST(tape_scanner_test, declines_nesting_near_the_limit) {
  harness h({"id"});
  auto nested = [](int levels) {
    return R"({"id":1,"a":)" + std::string(levels - 1, '[') + std::string(levels - 1, ']') + "}";
  };
  EXPECT_TRUE(h.capture(nested(100)));
  EXPECT_FALSE(h.capture(nested(1024)));  // the walk, which allows 1024 levels, decides
}

}  // namespace
