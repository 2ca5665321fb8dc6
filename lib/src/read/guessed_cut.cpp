#include "read/guessed_cut.h"

#include <cstdint>
#include <cstring>

#include "json_grammar.h"
#include "read/element_scanner.h"

namespace mergepipe::detail {
namespace {

bool has_newline(const char* data, std::size_t begin, std::size_t end) noexcept {
  return begin < end && std::memchr(data + begin, '\n', end - begin) != nullptr;
}

}  // namespace

bool one_element_per_line(const char* data, const std::vector<array_item>& items) noexcept {
  if (items.size() < 2) return false;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const array_item& item = items[i];
    if (item.what != array_item::kind::element) return false;
    if (has_newline(data, item.offset, item.offset + item.size)) return false;
    if (i > 0 && !has_newline(data, items[i - 1].offset + items[i - 1].size, item.offset))
      return false;
  }
  return true;
}

std::size_t guess_chunk_end(const char* data, std::size_t begin, std::size_t target,
                            std::size_t size) noexcept {
  std::size_t from = target > begin ? target : begin + 1;
  while (from < size) {
    const void* hit = std::memchr(data + from, '\n', size - from);
    if (hit == nullptr) break;
    const std::size_t newline = static_cast<std::size_t>(static_cast<const char*>(hit) - data);
    std::size_t last = newline;
    while (last > begin + 1 &&
           (data[last - 1] == ' ' || data[last - 1] == '\t' || data[last - 1] == '\r'))
      --last;
    if (last > begin + 1 && data[last - 1] == ',') return last - 1;
    from = newline + 1;
  }
  return size;
}

bool delimit_guessed_chunk(chunk& c) {
  c.items.clear();
  if (c.guess == cut_guess::to_end) {
    array_splitter splitter(c.begin, SIZE_MAX, /*after_element=*/true);
    splitter.split(c.data, c.end, c.end, /*complete=*/true, c.items);
    return !splitter.fatal() && splitter.done();
  }
  // Each line up to its last comma is an element: the elements are found as NDJSON lines
  // are, without following strings and brackets. Where that reading differs from an exact
  // one, the element is not one valid JSON value, which parsing finds (`held_by_bad_records`).
  const char* data = c.data;
  std::size_t pos = c.begin + 1;
  while (pos < c.end) {
    while (is_json_space(data[pos])) ++pos;  // stops at the comma at `end` at the latest
    if (pos == c.end) return false;          // `,,`: an empty element, for the exact cut
    const void* newline = std::memchr(data + pos, '\n', c.end - pos);
    std::size_t comma =
        newline == nullptr
            ? c.end
            : trim_json_space_end(data, pos, static_cast<const char*>(newline) - data) - 1;
    if (comma <= pos || data[comma] != ',') return false;
    c.items.push_back(
        {pos, trim_json_space_end(data, pos, comma) - pos, array_item::kind::element});
    pos = comma + 1;
  }
  return true;
}

bool held_by_bad_records(const chunk& c) noexcept {
  if (c.guess != cut_guess::to_comma) return true;
  for (const bad_record& bad : c.bad) {
    std::size_t end = bad.offset;
    if (scan_element(c.data, end, c.end + 1) != scan_status::delimited || c.data[end] != ',' ||
        trim_json_space_end(c.data, bad.offset, end) != bad.offset + bad.size)
      return false;
  }
  return true;
}

}  // namespace mergepipe::detail
