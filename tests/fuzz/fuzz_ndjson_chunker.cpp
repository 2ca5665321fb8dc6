// NDJSON cutting: format detection, and chunks cut by ndjson_cut at several chunk sizes, from
// the whole input and from a stream that delivers it in pieces. Chunks must tile the input,
// end after a newline, and yield the same lines whatever the chunk size; first_value_end
// must agree with a byte-at-a-time reference.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.h"
#include "read/chunker.h"

namespace {

using mergepipe::detail::first_value_end;
using mergepipe::detail::format_probe;
using mergepipe::detail::input_format;
using mergepipe::detail::ndjson_cut;
using mergepipe::detail::probe_format;
using mergepipe::fuzz::append_lines;
using mergepipe::fuzz::byte_at;
using mergepipe::fuzz::printable;
using mergepipe::fuzz::span;

std::string describe(const format_probe& p) {
  return (p.format == input_format::array ? "array@" : "ndjson@") + std::to_string(p.records_begin);
}

// Where a chunk that starts at `pos` must end: after the first newline at or after `target`.
std::size_t expected_cut(std::string_view text, std::size_t target) {
  if (target >= text.size()) return text.size();
  std::size_t newline = text.find('\n', target);
  return newline == std::string_view::npos ? text.size() : newline + 1;
}

// Chunk ends of complete input, checking each cut against its definition.
std::vector<std::size_t> cut_whole(std::string_view text, std::size_t begin,
                                   std::size_t chunk_size) {
  std::vector<std::size_t> ends;
  for (std::size_t pos = begin; pos < text.size();) {
    std::size_t target = pos + chunk_size;
    std::optional<std::size_t> cut = ndjson_cut(text.data(), text.size(), target, true);
    FUZZ_CHECK(cut.has_value(), "complete input asked for more bytes at " + std::to_string(pos));
    FUZZ_CHECK(*cut > pos && *cut == expected_cut(text, target),
               "chunk at " + std::to_string(pos) + " size " + std::to_string(chunk_size) +
                   " ends at " + std::to_string(*cut));
    ends.push_back(*cut);
    pos = *cut;
  }
  return ends;
}

// The same, as the reader does from a source that delivers `step` bytes at a time. Bytes
// not delivered yet hold newlines, so a cut that looked at them would show.
std::vector<std::size_t> cut_streamed(std::string_view text, std::size_t step,
                                      std::size_t chunk_size, const format_probe& whole) {
  std::string buffer(text.size(), '\n');
  std::size_t available = 0;
  auto read_more = [&] {
    FUZZ_CHECK(available < text.size(), "asked for more bytes after the end");
    std::size_t more = std::min(step, text.size() - available);
    buffer.replace(available, more, text.substr(available, more));
    available += more;
  };
  std::optional<format_probe> probe;
  while (!(probe = probe_format(buffer.data(), available, available == text.size()))) read_more();
  FUZZ_CHECK(probe->format == whole.format && probe->records_begin == whole.records_begin,
             "streamed probe " + describe(*probe) + " after " + std::to_string(available) +
                 " bytes, whole input " + describe(whole));
  std::vector<std::size_t> ends;
  std::size_t pos = probe->records_begin;
  while (true) {
    if (pos >= available) {
      if (available == text.size()) break;
      read_more();
      continue;
    }
    std::optional<std::size_t> cut;
    while (
        !(cut = ndjson_cut(buffer.data(), available, pos + chunk_size, available == text.size()))) {
      read_more();
    }
    FUZZ_CHECK(*cut > pos && *cut <= available,
               "streamed cut " + std::to_string(*cut) + " of " + std::to_string(available));
    ends.push_back(*cut);
    pos = *cut;
  }
  return ends;
}

// first_value_end the obvious way: one byte at a time, with an escape flag in strings.
std::size_t reference_value_end(std::string_view text) {
  std::size_t depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if ((c == '}' || c == ']') && depth > 0 && --depth == 0) {
      return i + 1;
    }
  }
  return text.size();
}

void check_value_end(std::string_view text) {
  std::size_t end = first_value_end(text.data(), text.size());
  FUZZ_CHECK(end == reference_value_end(text),
             "first_value_end " + std::to_string(end) + ", reference " +
                 std::to_string(reference_value_end(text)) + " in " + printable(text));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  std::optional<format_probe> probe = probe_format(text.data(), text.size(), true);
  FUZZ_CHECK(probe.has_value(), "complete input must be decided");
  FUZZ_CHECK(probe->records_begin <= text.size(), describe(*probe));
  if (probe->format == input_format::array) {
    FUZZ_CHECK(text[probe->records_begin - 1] == '[', describe(*probe));
    return 0;  // fuzz_array_chunker's business from here on
  }
  FUZZ_CHECK(
      probe->records_begin == 0 || (probe->records_begin == 3 && text.starts_with("\xEF\xBB\xBF")),
      describe(*probe));

  std::vector<span> lines;
  append_lines(text, probe->records_begin, text.size(), lines);
  for (const span& l : lines) check_value_end(l.bytes);
  check_value_end(text);

  // Chunk sizes: the smallest ones, a block size, and two the input chooses.
  const std::size_t chunk_sizes[] = {1,
                                     2,
                                     7,
                                     64,
                                     1 + byte_at(text, 0) % 32,
                                     1 + (byte_at(text, 1) << 8 | byte_at(text, 2)) % 1024};
  const std::size_t steps[] = {1, 3 + byte_at(text, 3) % 61};
  for (std::size_t chunk_size : chunk_sizes) {
    std::vector<std::size_t> ends = cut_whole(text, probe->records_begin, chunk_size);
    std::string rebuilt(text.substr(0, probe->records_begin));
    std::vector<span> chunked_lines;
    std::size_t begin = probe->records_begin;
    for (std::size_t end : ends) {
      rebuilt += text.substr(begin, end - begin);
      append_lines(text, begin, end, chunked_lines);
      begin = end;
    }
    FUZZ_CHECK(rebuilt == text, "chunks of " + std::to_string(chunk_size) + " do not tile input");
    FUZZ_CHECK(chunked_lines == lines,
               "chunks of " + std::to_string(chunk_size) + " yield other lines");
    for (std::size_t step : steps) {
      FUZZ_CHECK(cut_streamed(text, step, chunk_size, *probe) == ends,
                 "streamed in steps of " + std::to_string(step) + " with chunks of " +
                     std::to_string(chunk_size) + ": other cuts");
    }
  }
  return 0;
}
