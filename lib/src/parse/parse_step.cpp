#include "parse/parse_step.h"

#include <cstring>

#include "json_grammar.h"
#include "read/guessed_cut.h"
#include "record_checksum.h"

namespace mergepipe::detail {
namespace {

// Calls `record(offset, size)` for each record of the chunk in input order: one per line
// (blank lines skipped, a CR before LF is whitespace), or one per array element.
template <typename Record>
void for_each_record(chunk& c, Record&& record) {
  if (c.format == input_format::ndjson) {
    const char* data = c.data;
    std::uint64_t pos = c.begin;
    while (pos < c.end) {
      const void* newline = std::memchr(data + pos, '\n', c.end - pos);
      std::uint64_t line_end =
          newline != nullptr ? static_cast<const char*>(newline) - data : c.end;
      std::uint64_t first = pos;
      while (first < line_end && is_json_space(data[first])) ++first;
      std::uint64_t last = line_end;
      while (last > first && is_json_space(data[last - 1])) --last;
      if (last > first) record(first, last - first);
      pos = line_end + 1;
    }
    return;
  }
  using kind = array_item::kind;
  for (const array_item& item : c.items) {
    switch (item.what) {
      case kind::element:
        record(item.offset, item.size);
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

void parse_and_stamp(chunk& c, record_scanner& scanner, std::uint64_t offset, std::uint64_t size) {
  parsed_record record{offset, size, c.keys.size(), 0, {}};
  if (!scanner.scan(c.data + offset, size, c.keys, record.fields)) [[unlikely]] {
    c.bad.push_back({offset, size, scanner.reason()});
    return;
  }
  record.key_size = c.keys.size() - record.key_begin;
  if (c.checksummed) record.checksum = record_checksum(c.data + offset, size);
  c.records.push_back(record);
  if (const std::string& tail = scanner.stamper().tail(); !tail.empty()) c.tails.append(tail);
}

void parse_and_keep(chunk& c, record_scanner& scanner, std::uint64_t offset, std::uint64_t size) {
  if (!scanner.capture(c.data + offset, size)) [[unlikely]] {
    c.bad.push_back({offset, size, scanner.reason()});
    return;
  }
  c.records.push_back(
      {offset, size, 0, 0, {}, c.checksummed ? record_checksum(c.data + offset, size) : 0});
  for (const captured_field& field : scanner.captures()) {
    c.kept.push_back(
        {field.present, field.boolean, field.type, c.kept_text.size(), field.text.size()});
    c.kept_text.append(field.text);
  }
}

}  // namespace

void parse_chunk(chunk& c, record_scanner& scanner, bool stamp_too) {
  if (c.guess != cut_guess::none) {
    c.guess_held = delimit_guessed_chunk(c);
    if (!c.guess_held) return;  // the order step cuts and parses it again
  }
  if (stamp_too) {
    for_each_record(c, [&](std::uint64_t offset, std::uint64_t size) {
      parse_and_stamp(c, scanner, offset, size);
    });
  } else {
    for_each_record(c, [&](std::uint64_t offset, std::uint64_t size) {
      parse_and_keep(c, scanner, offset, size);
    });
  }
  if (c.guess != cut_guess::none) c.guess_held = held_by_bad_records(c);
}

}  // namespace mergepipe::detail
