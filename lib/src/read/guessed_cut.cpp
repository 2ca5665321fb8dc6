#include "read/guessed_cut.h"

#include <cstdint>
#include <cstring>

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
  array_splitter splitter(c.begin, SIZE_MAX, /*after_element=*/true);
  if (c.guess == cut_guess::to_end) {
    splitter.split(c.data, c.end, c.end, /*complete=*/true, c.items);
    return !splitter.fatal() && splitter.done();
  }
  // Up to and with the comma: the element before it is delimited by it, and nothing after
  // it is read.
  const bool delimited = splitter.split(c.data, c.end + 1, c.end, /*complete=*/false, c.items);
  return delimited && !splitter.fatal() && splitter.position() == c.end;
}

}  // namespace mergepipe::detail
