// A read-once input's buffer: given back behind the reading in whole segments whose pages
// then hold later bytes. Every byte not given back must read as it was read, and the padding
// past the last byte as zeros, whichever pages they landed on.

#include "read/input_source.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <sstream>
#include <string>

namespace {

using mergepipe::detail::input_padding;
using mergepipe::detail::input_source;

constexpr std::size_t mib = std::size_t{1} << 20;

// Bytes that differ from their neighbours' and are never zero, so that a byte read from the
// wrong place or a page cleared by mistake shows.
std::string patterned(std::size_t size) {
  std::string bytes(size, '\0');
  for (std::size_t i = 0; i < size; ++i)
    bytes[i] = static_cast<char>('a' + (i * 7 + i / 4096) % 26);
  return bytes;
}

// True when the source's bytes in [from, to) are `expected`'s.
bool same_bytes(const input_source& source, const std::string& expected, std::size_t from,
                std::size_t to) {
  return std::string_view(source.data() + from, to - from) ==
         std::string_view(expected).substr(from, to - from);
}

TEST(input_source_test, a_stream_given_back_behind_its_reading_keeps_every_later_byte) {
  // Not a whole number of segments, so that the last one is partly past the end.
  const std::string expected = patterned(45 * mib + 12345);
  std::istringstream in(expected);
  input_source source(in, "<stream>");
  ASSERT_TRUE(source.read_once());

  std::uint64_t released = 0;
  std::size_t checked = 0;
  for (std::size_t want = mib; !source.complete(); want += mib) {
    const input_source::extent read = source.read_through(want);
    // The bytes that are still in use: those after what was given back.
    ASSERT_TRUE(same_bytes(source, expected, checked, read.size)) << "up to " << read.size;
    checked = read.size;
    if (read.size < 2 * mib) continue;
    const std::uint64_t keep_from = read.size - 2 * mib;
    const std::uint64_t now = source.release(released, keep_from);
    EXPECT_GE(now, released);
    EXPECT_LE(now, keep_from);
    released = now;
    ASSERT_TRUE(same_bytes(source, expected, released, read.size))
        << "after giving back to " << released;
  }
  EXPECT_EQ(source.size(), expected.size());
  EXPECT_GT(released, 30 * mib) << "the buffer was given back as it was read";
  EXPECT_TRUE(same_bytes(source, expected, released, expected.size()));
  EXPECT_EQ(std::string_view(source.data() + source.size(), input_padding),
            std::string(input_padding, '\0'));
}

TEST(input_source_test, a_stream_gives_back_whole_segments_only_in_runs_of_some_size) {
  const std::string expected = patterned(24 * mib);
  std::istringstream in(expected);
  input_source source(in, "<stream>");
  source.read_through(expected.size());
  // Less than a run: nothing, and the caller asks again from the same place.
  EXPECT_EQ(source.release(0, 5 * mib), 0u);
  // A run that ends inside a segment gives back up to that segment only.
  const std::uint64_t now = source.release(0, 11 * mib);
  EXPECT_EQ(now, 10 * mib);
  EXPECT_TRUE(same_bytes(source, expected, now, expected.size()));
}

TEST(input_source_test, bytes_from_memory_are_never_given_back) {
  const std::string expected = patterned(20 * mib);
  input_source source(std::string_view(expected), "<memory>");
  EXPECT_FALSE(source.read_once());
  EXPECT_EQ(source.release(0, expected.size()), 0u);
  EXPECT_TRUE(same_bytes(source, expected, 0, expected.size()));
}

}  // namespace
