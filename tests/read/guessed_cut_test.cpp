// Arrays cut by guess: which first chunks allow it, where a guessed chunk ends, and that a
// chunk's elements delimited from its guess say whether the guess held.

#include "read/guessed_cut.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "read/chunker.h"

namespace {

using mergepipe::detail::array_item;
using mergepipe::detail::array_splitter;
using mergepipe::detail::chunk;
using mergepipe::detail::cut_guess;
using mergepipe::detail::delimit_guessed_chunk;
using mergepipe::detail::guess_chunk_end;
using mergepipe::detail::held_by_bad_records;
using mergepipe::detail::one_element_per_line;

// The text with the readable zero bytes after it that the scanners may load.
std::string padded(std::string text) {
  text.append(64, '\0');
  return text;
}

// The items of an exact cut of the whole array in `text`.
std::vector<array_item> exact_items(const std::string& text) {
  std::vector<array_item> items;
  array_splitter splitter(text.find('[') + 1);
  splitter.split(text.data(), text.find('\0'), SIZE_MAX, true, items);
  return items;
}

TEST(guessed_cut, one_element_per_line_allows_guessing) {
  EXPECT_FALSE(one_element_per_line(nullptr, {}));  // nothing seen, nothing to go by
  std::string lines = padded("[\n{\"id\":1},\n{\"id\":2} ,\r\n  {\"id\":3}\n]\n");
  EXPECT_TRUE(one_element_per_line(lines.data(), exact_items(lines)));

  std::string one_line = padded("[{\"id\":1},{\"id\":2},{\"id\":3}]");
  EXPECT_FALSE(one_element_per_line(one_line.data(), exact_items(one_line)));

  std::string pretty = padded("[\n  {\n    \"id\": 1\n  },\n  {\n    \"id\": 2\n  }\n]\n");
  EXPECT_FALSE(one_element_per_line(pretty.data(), exact_items(pretty)));

  std::string empty = padded("[\n{\"id\":1},\n,\n{\"id\":2}\n]\n");
  EXPECT_FALSE(one_element_per_line(empty.data(), exact_items(empty)));

  std::string single = padded("[\n{\"id\":1}\n]\n");
  EXPECT_FALSE(one_element_per_line(single.data(), exact_items(single)));
}

TEST(guessed_cut, a_guess_ends_at_a_comma_that_ends_a_line) {
  const std::string text = "[\n{\"a\":[1,\n2]},\n{\"b\":3}  \t\r\n]\n";
  const std::size_t begin = text.find("2]},") + 3;  // the comma after the first element
  ASSERT_EQ(text[begin], ',');
  // From the start: the first line that ends with a comma is inside the first element.
  EXPECT_EQ(guess_chunk_end(text.data(), 0, 0, text.size()), text.find("1,") + 1);
  // A target past it finds the comma after the element.
  EXPECT_EQ(guess_chunk_end(text.data(), 0, text.find("2]}"), text.size()), begin);
  // Never the comma the chunk starts at, and none after it: the end of the input.
  EXPECT_EQ(guess_chunk_end(text.data(), begin, 0, text.size()), text.size());
  // Spaces, tabs and a CR before the newline count as the line's end.
  const std::string crlf = "[\n{\"b\":3} , \r\n{\"b\":4}\n]";
  EXPECT_EQ(guess_chunk_end(crlf.data(), 0, 3, crlf.size()), crlf.find(" ,") + 1);
}

// A chunk of `text` from the comma `begin` to the comma `end` (or the end of the input).
chunk guessed_chunk(const std::string& text, std::size_t begin, std::size_t end) {
  chunk c;
  c.data = text.data();
  c.begin = begin;
  c.end = end;
  c.guess = end == text.find('\0') ? cut_guess::to_end : cut_guess::to_comma;
  return c;
}

// The bytes of the chunk's items, in order.
std::vector<std::string> item_texts(const std::string& text, const chunk& c) {
  std::vector<std::string> texts;
  for (const array_item& item : c.items) texts.push_back(text.substr(item.offset, item.size));
  return texts;
}

using texts = std::vector<std::string>;

TEST(guessed_cut, delimiting_from_a_guess_says_whether_it_held) {
  const std::string text = padded("[\n{\"i\":1},\n{\"i\":2},\n{\"i\":[3,\n4]},\n{\"i\":5}\n]\n");
  const std::size_t size = text.find('\0');
  const std::size_t after_1 = text.find("1},") + 2;
  const std::size_t after_2 = text.find("2},") + 2;
  const std::size_t inside_3 = text.find("3,") + 1;
  const std::size_t after_3 = text.find("4]},") + 3;

  chunk held = guessed_chunk(text, after_1, after_2);
  EXPECT_TRUE(delimit_guessed_chunk(held));
  EXPECT_EQ(item_texts(text, held), texts{"{\"i\":2}"});

  // The guessed comma is inside an element: read by lines, the chunk holds `{"i":[3`, which
  // the parse step refuses, and an exact scan of it runs past the chunk.
  chunk short_of_it = guessed_chunk(text, after_2, inside_3);
  EXPECT_TRUE(delimit_guessed_chunk(short_of_it));
  EXPECT_EQ(item_texts(text, short_of_it), texts{"{\"i\":[3"});
  EXPECT_TRUE(held_by_bad_records(short_of_it));
  short_of_it.bad.push_back({short_of_it.items[0].offset, short_of_it.items[0].size, "bad"});
  EXPECT_FALSE(held_by_bad_records(short_of_it));

  // A chunk that starts at that comma cannot tell: it sees an element `4`, a `]` and content
  // after it, all in order. Only the order step, which knows where the chunk before truly
  // ended, refuses its guess.
  chunk started_inside = guessed_chunk(text, inside_3, size);
  EXPECT_TRUE(delimit_guessed_chunk(started_inside));
  EXPECT_EQ(item_texts(text, started_inside), (texts{"4", "},\n{\"i\":5}\n]"}));
  EXPECT_EQ(started_inside.items[1].what, array_item::kind::trailing_content);

  // The last chunk holds when the array closes in it, with what follows the `]`.
  chunk last = guessed_chunk(text, after_3, size);
  EXPECT_TRUE(delimit_guessed_chunk(last));
  EXPECT_EQ(item_texts(text, last), texts{"{\"i\":5}"});

  const std::string unclosed = padded("[\n{\"i\":1},\n{\"i\":2}\n");
  chunk missing_bracket = guessed_chunk(unclosed, unclosed.find("1},") + 2, unclosed.find('\0'));
  EXPECT_FALSE(delimit_guessed_chunk(missing_bracket));
}

// Read by lines, a bad element stands when an exact scan ends it at its line's comma too,
// and a line of two elements, or an empty one, does not.
TEST(guessed_cut, a_bad_element_read_by_lines_is_checked_by_an_exact_scan) {
  const std::string text =
      padded("[\n{\"i\":1},\n{\"i\":2,},\n{\"i\":3},{\"i\":4},\n,\n{\"i\":5},\n]");
  const std::size_t after_1 = text.find("1},") + 2;
  const std::size_t after_bad = text.find(",},") + 2;
  const std::size_t after_4 = text.find("4},") + 2;

  chunk trailing_comma = guessed_chunk(text, after_1, after_bad);
  ASSERT_TRUE(delimit_guessed_chunk(trailing_comma));
  ASSERT_EQ(item_texts(text, trailing_comma), texts{"{\"i\":2,}"});
  const array_item& bad = trailing_comma.items[0];
  trailing_comma.bad.push_back({bad.offset, bad.size, "invalid JSON"});
  EXPECT_TRUE(held_by_bad_records(trailing_comma));

  chunk two_on_a_line = guessed_chunk(text, after_bad, after_4);
  ASSERT_TRUE(delimit_guessed_chunk(two_on_a_line));
  ASSERT_EQ(item_texts(text, two_on_a_line), texts{"{\"i\":3},{\"i\":4}"});
  const array_item& both = two_on_a_line.items[0];
  two_on_a_line.bad.push_back({both.offset, both.size, "unexpected content after the record"});
  EXPECT_FALSE(held_by_bad_records(two_on_a_line));

  chunk empty = guessed_chunk(text, after_4, text.find("5},") + 2);
  EXPECT_FALSE(delimit_guessed_chunk(empty));
}

}  // namespace
