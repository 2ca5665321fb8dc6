// Format detection, NDJSON cuts and exact array splitting, including a property test that
// every chunk size and every way of receiving the bytes yields the same elements.

#include "read/chunker.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <ostream>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "record_generator.h"

namespace {

using mergepipe::detail::cut_failure;
using mergepipe::detail::array_item;
using mergepipe::detail::array_splitter;
using mergepipe::detail::input_format;
using mergepipe::detail::ndjson_cut;
using mergepipe::detail::probe_format;

using kind = array_item::kind;

constexpr std::size_t huge_target = std::size_t{1} << 40;

// An item in a form that prints well in failure messages.
struct piece {
  kind what;
  std::uint64_t offset;
  std::string bytes;
  friend bool operator==(const piece&, const piece&) = default;
  friend std::ostream& operator<<(std::ostream& os, const piece& p) {
    static const char* names[] = {"element", "empty_element", "trailing_content"};
    return os << names[static_cast<int>(p.what)] << "@" << p.offset << ":`" << p.bytes << "`";
  }
};

struct split_result {
  std::vector<piece> pieces;
  std::optional<cut_failure> fatal;
};

std::vector<piece> to_pieces(const simdjson::padded_string& text,
                             const std::vector<array_item>& items) {
  std::vector<piece> pieces;
  for (const array_item& item : items) {
    pieces.push_back({item.what, item.offset, std::string(text.data() + item.offset, item.size)});
  }
  return pieces;
}

// Splits the whole of `text` (which starts with `[`) with chunks of `chunk_size` bytes, the
// way the reader does: a new target after each call, until done or fatal.
split_result split_all(const simdjson::padded_string& text, std::size_t chunk_size) {
  array_splitter splitter(std::string_view(text).find('[') + 1);
  std::vector<array_item> items;
  for (std::size_t calls = 0; !splitter.done() && !splitter.fatal(); ++calls) {
    if (calls > text.size() + 2) {
      ADD_FAILURE() << "splitter makes no progress at " << splitter.position();
      break;
    }
    std::size_t target = splitter.position() + chunk_size;
    std::size_t before = items.size();
    EXPECT_TRUE(splitter.split(text.data(), text.size(), target, true, items));
    // A chunk ends on an element boundary at or after its target, and holds whole items.
    if (!splitter.done() && !splitter.fatal()) {
      EXPECT_GE(splitter.position(), target);
    }
    for (std::size_t i = before; i < items.size(); ++i) {
      EXPECT_LE(items[i].offset + items[i].size, splitter.position());
    }
  }
  return {to_pieces(text, items), splitter.fatal()};
}

split_result split_all(std::string_view text) {
  return split_all(simdjson::padded_string(text), huge_target);
}

std::vector<piece> elements(std::string_view text) {
  split_result result = split_all(text);
  EXPECT_FALSE(result.fatal) << result.fatal->reason;
  return result.pieces;
}

piece element(std::uint64_t offset, std::string bytes) {
  return {kind::element, offset, std::move(bytes)};
}
piece empty_at(std::uint64_t offset) { return {kind::empty_element, offset, ""}; }

// --- probe_format ---

TEST(chunker_test, probe_skips_bom_before_bracket) {
  std::string text = "\xEF\xBB\xBF[{}]";
  auto probe = probe_format(text.data(), text.size(), true);
  ASSERT_TRUE(probe);
  EXPECT_EQ(probe->format, input_format::array);
  EXPECT_EQ(probe->records_begin, 4U);
}

TEST(chunker_test, probe_skips_bom_and_whitespace_before_bracket) {
  std::string text = "\xEF\xBB\xBF \r\n\t [ ]";
  auto probe = probe_format(text.data(), text.size(), true);
  ASSERT_TRUE(probe);
  EXPECT_EQ(probe->format, input_format::array);
  EXPECT_EQ(probe->records_begin, 9U);
}

TEST(chunker_test, probe_detects_ndjson_after_bom) {
  std::string text = "\xEF\xBB\xBF{\"id\":1}\n";
  auto probe = probe_format(text.data(), text.size(), true);
  ASSERT_TRUE(probe);
  EXPECT_EQ(probe->format, input_format::ndjson);
  EXPECT_EQ(probe->records_begin, 3U);
}

TEST(chunker_test, probe_detects_ndjson_from_first_non_whitespace_byte) {
  for (std::string text : {"{\"id\":1}\n{\"id\":2}\n", "\n\n  {\"id\":1}", "x[", "1\n"}) {
    auto probe = probe_format(text.data(), text.size(), false);
    ASSERT_TRUE(probe) << text;
    EXPECT_EQ(probe->format, input_format::ndjson) << text;
    EXPECT_EQ(probe->records_begin, 0U) << text;
  }
}

TEST(chunker_test, probe_of_empty_or_whitespace_input_waits_until_complete) {
  for (std::string text : {"", " \n\r\t", "\xEF\xBB\xBF", "\xEF\xBB\xBF  \n"}) {
    EXPECT_FALSE(probe_format(text.data(), text.size(), false)) << "incomplete: `" << text << "`";
    auto probe = probe_format(text.data(), text.size(), true);
    ASSERT_TRUE(probe);
    // NDJSON with no lines: no records.
    EXPECT_EQ(probe->format, input_format::ndjson);
  }
}

TEST(chunker_test, probe_waits_for_a_bom_cut_short_by_the_stream) {
  std::string text = "\xEF\xBB\xBF[{}]";
  for (std::size_t size = 1; size < 3; ++size) {
    EXPECT_FALSE(probe_format(text.data(), size, false)) << size;
  }
  // Complete input that merely starts like a BOM is NDJSON (of bad records) from byte 0.
  auto probe = probe_format(text.data(), 2, true);
  ASSERT_TRUE(probe);
  EXPECT_EQ(probe->format, input_format::ndjson);
  EXPECT_EQ(probe->records_begin, 0U);
}

TEST(chunker_test, probe_decides_as_soon_as_the_bracket_arrives) {
  std::string text = "  [";
  auto probe = probe_format(text.data(), text.size(), false);
  ASSERT_TRUE(probe);
  EXPECT_EQ(probe->format, input_format::array);
  EXPECT_EQ(probe->records_begin, 3U);
}

// --- ndjson_cut ---

TEST(chunker_test, ndjson_cut_ends_after_newline_at_target) {
  std::string text = "{\"a\":1}\n{\"b\":2}\n";
  EXPECT_EQ(ndjson_cut(text.data(), text.size(), 7, false), 8U);
}

TEST(chunker_test, ndjson_cut_ends_after_first_newline_after_target) {
  std::string text = "{\"a\":1}\n{\"b\":2}\n{\"c\":3}\n";
  EXPECT_EQ(ndjson_cut(text.data(), text.size(), 0, false), 8U);
  EXPECT_EQ(ndjson_cut(text.data(), text.size(), 1, false), 8U);
  EXPECT_EQ(ndjson_cut(text.data(), text.size(), 8, false), 16U);
  EXPECT_EQ(ndjson_cut(text.data(), text.size(), 15, true), 16U);
  EXPECT_EQ(ndjson_cut(text.data(), text.size(), 16, true), 24U);
}

TEST(chunker_test, ndjson_cut_without_newline_takes_the_rest_when_complete) {
  std::string text = "{\"a\":1}\n{\"b\":2}";
  EXPECT_EQ(ndjson_cut(text.data(), text.size(), 9, true), text.size());
  EXPECT_EQ(ndjson_cut(text.data(), text.size(), 100, true), text.size());
}

TEST(chunker_test, ndjson_cut_without_newline_needs_more_input_when_incomplete) {
  std::string text = "{\"a\":1}\n{\"b\":2}";
  EXPECT_FALSE(ndjson_cut(text.data(), text.size(), 9, false));
  EXPECT_FALSE(ndjson_cut(text.data(), text.size(), text.size(), false));
  EXPECT_FALSE(ndjson_cut(text.data(), text.size(), 100, false));
}

TEST(chunker_test, ndjson_cut_reads_no_further_than_size) {
  std::string text = "{\"a\":1}{\"b\":2}\n";
  EXPECT_FALSE(ndjson_cut(text.data(), 10, 2, false));
  EXPECT_EQ(ndjson_cut(text.data(), 10, 2, true), 10U);
}

// --- array_splitter: delimiting elements ---

TEST(chunker_test, splits_compact_array_on_one_line) {
  EXPECT_EQ(elements("[{\"id\":1},{\"id\":2},{\"id\":3}]"),
            (std::vector{element(1, "{\"id\":1}"), element(10, "{\"id\":2}"),
                         element(19, "{\"id\":3}")}));
}

TEST(chunker_test, splits_array_when_string_contains_brace) {
  EXPECT_EQ(elements(R"([{"a":"},{"},{"a":"}"}])"),
            (std::vector{element(1, R"({"a":"},{"})"), element(13, R"({"a":"}"})")}));
}

TEST(chunker_test, splits_array_when_string_contains_brackets_and_commas) {
  EXPECT_EQ(elements(R"([{"a":"[","b":"]"},{"c":"],[,"}])"),
            (std::vector{element(1, R"({"a":"[","b":"]"})"), element(19, R"({"c":"],[,"})")}));
}

TEST(chunker_test, splits_array_when_string_contains_escaped_quote) {
  EXPECT_EQ(elements(R"([{"a":"x\"},{\""},{"b":"\""}])"),
            (std::vector{element(1, R"({"a":"x\"},{\""})"), element(18, R"({"b":"\""})")}));
}

TEST(chunker_test, splits_array_when_escaped_backslash_precedes_quote) {
  // `"\\"` is a string holding one backslash: its second quote ends it.
  EXPECT_EQ(elements(R"([{"a":"\\"},{"b":"\\\\"},{"c":"\\\"]"}])"),
            (std::vector{element(1, R"({"a":"\\"})"), element(12, R"({"b":"\\\\"})"),
                         element(25, R"({"c":"\\\"]"})")}));
}

TEST(chunker_test, splits_pretty_printed_elements_with_newlines) {
  std::string text =
      "[\n  {\n    \"a\": \"x\\ny\",\n    \"b\": [\n      1,\n      2\n    ]\n  },\n  {\r\n  "
      "}\n]\n";
  EXPECT_EQ(elements(text),
            (std::vector{
                element(4, "{\n    \"a\": \"x\\ny\",\n    \"b\": [\n      1,\n      2\n    ]\n  }"),
                element(64, "{\r\n  }")}));
}

TEST(chunker_test, empty_array_holds_no_items) {
  for (std::string text : {"[]", "[ ]", "[\n]\n", " \t[\r\n \t]  \n"}) {
    split_result result = split_all(text);
    EXPECT_FALSE(result.fatal) << text;
    EXPECT_TRUE(result.pieces.empty()) << text;
  }
}

TEST(chunker_test, double_comma_is_an_empty_element) {
  EXPECT_EQ(elements("[{},,{}]"), (std::vector{element(1, "{}"), empty_at(4), element(5, "{}")}));
}

TEST(chunker_test, leading_comma_is_an_empty_element) {
  EXPECT_EQ(elements("[,{}]"), (std::vector{empty_at(1), element(2, "{}")}));
}

TEST(chunker_test, trailing_comma_is_an_empty_element) {
  EXPECT_EQ(elements("[{}, ]"), (std::vector{element(1, "{}"), empty_at(5)}));
  EXPECT_EQ(elements("[{},]"), (std::vector{element(1, "{}"), empty_at(4)}));
}

TEST(chunker_test, non_object_elements_are_still_delimited_as_elements) {
  EXPECT_EQ(elements(R"([1, "s,]", [1,[2]], true ,null,{}])"),
            (std::vector{element(1, "1"), element(4, R"("s,]")"), element(11, "[1,[2]]"),
                         element(20, "true"), element(26, "null"), element(31, "{}")}));
}

TEST(chunker_test, garbage_inside_an_element_stays_in_that_element) {
  // Mismatched brackets only count depth; the scanner rejects such elements later.
  EXPECT_EQ(elements("[{} {}, x y ,{]}]"),
            (std::vector{element(1, "{} {}"), element(8, "x y"), element(13, "{]}")}));
}

TEST(chunker_test, content_after_closing_bracket_is_one_trailing_item) {
  EXPECT_EQ(elements("[{}] x, [{}]\n \n"),
            (std::vector{element(1, "{}"), piece{kind::trailing_content, 5, "x, [{}]"}}));
  EXPECT_EQ(elements("[{}]]"),
            (std::vector{element(1, "{}"), piece{kind::trailing_content, 4, "]"}}));
}

TEST(chunker_test, whitespace_after_closing_bracket_is_fine) {
  simdjson::padded_string text(std::string_view("[{}] \r\n\t\n"));
  array_splitter splitter(1);
  std::vector<array_item> items;
  EXPECT_TRUE(splitter.split(text.data(), text.size(), huge_target, true, items));
  EXPECT_TRUE(splitter.done());
  EXPECT_FALSE(splitter.fatal());
  EXPECT_EQ(splitter.position(), text.size());
  EXPECT_EQ(to_pieces(text, items), std::vector{element(1, "{}")});
}

TEST(chunker_test, splitter_starts_at_given_offset_after_bom) {
  simdjson::padded_string text(std::string_view("\xEF\xBB\xBF [ {\"a\":1} ]"));
  auto probe = probe_format(text.data(), text.size(), true);
  ASSERT_TRUE(probe);
  array_splitter splitter(probe->records_begin);
  std::vector<array_item> items;
  EXPECT_TRUE(splitter.split(text.data(), text.size(), huge_target, true, items));
  EXPECT_TRUE(splitter.done());
  EXPECT_EQ(to_pieces(text, items), std::vector{element(6, "{\"a\":1}")});
}

// --- array_splitter: arrays that cannot be delimited ---

void expect_fatal(std::string_view text, std::vector<piece> before, std::uint64_t offset) {
  split_result result = split_all(text);
  ASSERT_TRUE(result.fatal) << text;
  EXPECT_EQ(result.fatal->offset, offset) << text;
  EXPECT_FALSE(result.fatal->reason.empty());
  EXPECT_EQ(result.pieces, before) << text;
}

TEST(chunker_test, unterminated_string_is_fatal_at_its_element) {
  expect_fatal(R"([{"a":1}, {"b":"abc}])", {element(1, R"({"a":1})")}, 10);
  expect_fatal(R"([{"b":"ab\"}])", {}, 1);
  expect_fatal(R"(["\\\"])", {}, 1);
}

TEST(chunker_test, unclosed_bracket_is_fatal_at_its_element) {
  expect_fatal(R"([{"a":1},{"b":[1,2}])", {element(1, R"({"a":1})")}, 9);
  expect_fatal(R"([{"a":{"b":1}, {"c":2}])", {}, 1);
}

TEST(chunker_test, missing_closing_bracket_is_fatal) {
  expect_fatal(R"([{"a":1})", {}, 1);
  expect_fatal("[{\"a\":1},{\"b\":2}\n", {element(1, R"({"a":1})")}, 9);
  // After a comma there is no element; the error points just past the comma.
  expect_fatal("[{\"a\":1},\n", {element(1, R"({"a":1})")}, 9);
  expect_fatal("[", {}, 1);
  expect_fatal("[  \n", {}, 1);
}

TEST(chunker_test, nothing_is_read_after_a_fatal_error) {
  simdjson::padded_string text(std::string_view(R"([{"a":"x}])"));
  array_splitter splitter(1);
  std::vector<array_item> items;
  EXPECT_TRUE(splitter.split(text.data(), text.size(), huge_target, true, items));
  ASSERT_TRUE(splitter.fatal());
  EXPECT_TRUE(splitter.split(text.data(), text.size(), huge_target, true, items));
  EXPECT_TRUE(items.empty());
  EXPECT_FALSE(splitter.done());
}

TEST(chunker_test, incomplete_input_is_never_fatal) {
  for (std::string_view text :
       {R"([{"a":"x)", R"([{"a":[1,2)", "[{}", "[{},", "[", "[{}]", "[{}] x"}) {
    simdjson::padded_string buffer(text);
    array_splitter splitter(1);
    std::vector<array_item> items;
    EXPECT_FALSE(splitter.split(buffer.data(), buffer.size(), huge_target, false, items)) << text;
    EXPECT_FALSE(splitter.fatal()) << text;
    EXPECT_FALSE(splitter.done()) << text;
  }
}

// --- array_splitter: properties over random arrays ---

// Strings that trip naive splitters, as they appear inside a JSON string literal.
constexpr const char* nasty_strings[] = {
    "},{",      "}, {",         "[",          "]",      ",",   "{",   "}",       "\\\"",
    "\\\\",     "\\\\\\\"",     "\\n",        "\\r\\n", "\\t", "\\/", "\\u0022", "\\u005c",
    "Zo\u00eb", "\u6771\u4eac", "\U0001F600", " ",      ":",   "a,b", "\\\\]"};

class json_generator {
 public:
  explicit json_generator(std::uint64_t seed) : rng_(seed) {}

  std::string string_literal() {
    std::string out = "\"";
    for (std::size_t n = pick(5); n > 0; --n) {
      out += pick(3) == 0 ? std::string(1, static_cast<char>('a' + pick(26)))
                          : nasty_strings[pick(std::size(nasty_strings))];
    }
    // A string may end with an escaped backslash, right before its closing quote.
    if (pick(4) == 0) out += "\\\\";
    return out + "\"";
  }

  std::string value(int depth) {
    switch (depth > 0 ? pick(8) : pick(5)) {
      case 0:
        return string_literal();
      case 1: {
        static const char* numbers[] = {"0", "-1", "12.5e-3", "18446744073709551615", "1E+2"};
        return numbers[pick(std::size(numbers))];
      }
      case 2:
        return pick(2) ? "true" : "false";
      case 3:
        return "null";
      case 4:
        return string_literal();
      case 5:
      case 6:
        return object(depth - 1);
      default: {
        std::string out = "[";
        for (std::size_t n = pick(4); n > 0; --n) out += value(depth - 1) + (n > 1 ? "," : "");
        return out + "]";
      }
    }
  }

  std::string object(int depth) {
    std::string out = "{";
    for (std::size_t n = pick(5); n > 0; --n) {
      out += string_literal() + ":" + value(depth) + (n > 1 ? "," : "");
    }
    return out + "}";
  }

  std::size_t pick(std::size_t n) { return static_cast<std::size_t>(rng_() % n); }

 private:
  std::mt19937_64 rng_;
};

enum class layout { compact, pretty, spaced };

// An array of random objects and the pieces its splitting must yield.
struct random_array {
  std::string text;
  std::vector<piece> expected;
};

random_array make_random_array(std::uint64_t seed, layout how) {
  json_generator gen(seed);
  random_array out;
  std::size_t count = gen.pick(12);
  out.text = how == layout::pretty ? "[\n  " : "[";
  for (std::size_t i = 0; i < count; ++i) {
    if (i > 0) {
      switch (how) {
        case layout::compact:
          out.text += ",";
          break;
        case layout::pretty:
          out.text += ",\n  ";
          break;
        case layout::spaced: {
          static const char* spaces[] = {"", " ", "\n", "\r\n", "\t ", " \n\n "};
          out.text += spaces[gen.pick(std::size(spaces))];
          out.text += ",";
          out.text += spaces[gen.pick(std::size(spaces))];
          break;
        }
      }
    }
    std::string element = gen.object(3);
    if (how == layout::pretty) element = mergepipe::testing::pretty(element);
    out.expected.push_back({kind::element, out.text.size(), element});
    out.text += element;
  }
  out.text += how == layout::compact ? "]" : "\n]\n";
  return out;
}

class chunker_property_test : public ::testing::TestWithParam<layout> {};

TEST_P(chunker_property_test, every_chunk_size_yields_the_same_elements) {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    random_array array = make_random_array(seed, GetParam());
    simdjson::padded_string text(array.text);
    split_result whole = split_all(text, huge_target);
    ASSERT_FALSE(whole.fatal) << array.text;
    ASSERT_EQ(whole.pieces, array.expected) << array.text;
    // Each element is valid JSON exactly as serialized.
    simdjson::dom::parser parser;
    for (const piece& p : whole.pieces)
      ASSERT_EQ(parser.parse(p.bytes).error(), simdjson::SUCCESS) << p;

    for (std::size_t chunk_size = 1; chunk_size <= text.size(); ++chunk_size) {
      split_result chunked = split_all(text, chunk_size);
      ASSERT_FALSE(chunked.fatal) << "chunk size " << chunk_size;
      ASSERT_EQ(chunked.pieces, whole.pieces) << "chunk size " << chunk_size << " of\n"
                                              << array.text;
    }
  }
}

// Feeds the bytes as a stream delivers them: prefixes of growing length, with whatever
// follows the prefix poisoned so that reading past the given size shows.
split_result split_streamed(const std::string& full, std::size_t step, std::size_t chunk_size) {
  std::string buffer(full.size() + simdjson::SIMDJSON_PADDING, '"');
  array_splitter splitter(full.find('[') + 1);
  std::vector<array_item> items;
  std::size_t available = 0;
  while (!splitter.done() && !splitter.fatal()) {
    bool complete = available == full.size();
    if (splitter.split(buffer.data(), available, splitter.position() + chunk_size, complete, items))
      continue;
    EXPECT_FALSE(complete);
    if (complete) break;
    std::size_t more = std::min(step, full.size() - available);
    std::memcpy(buffer.data() + available, full.data() + available, more);
    available += more;
    for (const array_item& item : items) EXPECT_LE(item.offset + item.size, available);
  }
  split_result result;
  result.fatal = splitter.fatal();
  for (const array_item& item : items) {
    result.pieces.push_back({item.what, item.offset, full.substr(item.offset, item.size)});
  }
  return result;
}

TEST_P(chunker_property_test, streamed_prefixes_yield_the_same_elements) {
  for (std::uint64_t seed = 100; seed < 110; ++seed) {
    random_array array = make_random_array(seed, GetParam());
    for (std::size_t step : {std::size_t{1}, std::size_t{7}, std::size_t{64}}) {
      for (std::size_t chunk_size : {std::size_t{1}, std::size_t{50}, huge_target}) {
        split_result streamed = split_streamed(array.text, step, chunk_size);
        ASSERT_FALSE(streamed.fatal) << array.text;
        ASSERT_EQ(streamed.pieces, array.expected)
            << "step " << step << ", chunk size " << chunk_size << " of\n"
            << array.text;
      }
    }
  }
}

std::string layout_name(const ::testing::TestParamInfo<layout>& info) {
  static const char* names[] = {"compact", "pretty", "spaced"};
  return names[static_cast<int>(info.param)];
}

INSTANTIATE_TEST_SUITE_P(layouts, chunker_property_test,
                         ::testing::Values(layout::compact, layout::pretty, layout::spaced),
                         layout_name);

TEST(chunker_test, streamed_bad_arrays_yield_the_same_items_and_fatal_errors) {
  const std::string texts[] = {
      "[{},,{}]",
      "[,{}]",
      "[{},]",
      "[1, \"a\\\\\", [2]] \n x y \n",
      R"([{"a":"\\\"},{"}, {"b")",
      "[{\"a\":1},",
      "[{} {}]  ",
  };
  for (const std::string& text : texts) {
    split_result whole = split_all(text);
    for (std::size_t step : {std::size_t{1}, std::size_t{3}}) {
      split_result streamed = split_streamed(text, step, 1);
      EXPECT_EQ(streamed.pieces, whole.pieces) << text;
      ASSERT_EQ(streamed.fatal.has_value(), whole.fatal.has_value()) << text;
      if (whole.fatal) {
        EXPECT_EQ(streamed.fatal->offset, whole.fatal->offset) << text;
      }
    }
  }
}

}  // namespace
