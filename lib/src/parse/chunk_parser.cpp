#include "parse/chunk_parser.h"

#include <cstring>

namespace mergepipe::detail {
namespace {

constexpr bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

void parse_record(chunk& c, record_scanner& scanner, std::uint64_t offset, std::uint64_t size) {
  parsed_record record{offset, size, c.keys.size(), 0, {}};
  if (!scanner.scan(c.data + offset, size, c.keys, record.fields)) [[unlikely]] {
    c.bad.push_back({offset, size, scanner.reason()});
    return;
  }
  record.key_size = c.keys.size() - record.key_begin;
  c.records.push_back(record);
}

// One record per line; blank lines are skipped, a CR before LF is whitespace.
void parse_lines(chunk& c, record_scanner& scanner) {
  const char* data = c.data;
  std::uint64_t pos = c.begin;
  while (pos < c.end) {
    const void* newline = std::memchr(data + pos, '\n', c.end - pos);
    std::uint64_t line_end = newline != nullptr ? static_cast<const char*>(newline) - data : c.end;
    std::uint64_t first = pos;
    while (first < line_end && is_space(data[first])) ++first;
    std::uint64_t last = line_end;
    while (last > first && is_space(data[last - 1])) --last;
    if (last > first) parse_record(c, scanner, first, last - first);
    pos = line_end + 1;
  }
}

void parse_items(chunk& c, record_scanner& scanner) {
  using kind = array_item::kind;
  for (const array_item& item : c.items) {
    switch (item.what) {
      case kind::element:
        parse_record(c, scanner, item.offset, item.size);
        break;
      case kind::empty_element:
        c.bad.push_back({item.offset, 0, "empty array element"});
        break;
      case kind::trailing_content:
        c.bad.push_back({item.offset, item.size, "unexpected content after the closing ]"});
        break;
    }
  }
}

}  // namespace

void parse_chunk(chunk& c, record_scanner& scanner) {
  if (c.format == input_format::ndjson) {
    parse_lines(c, scanner);
  } else {
    parse_items(c, scanner);
  }
}

}  // namespace mergepipe::detail
