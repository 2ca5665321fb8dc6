// Array cutting: array_splitter at several chunk sizes, from the whole input and from a
// stream that delivers it in pieces, must yield the same items and the same fatal error;
// the items must account for every byte of the array; and the block-at-a-time element
// scanner must agree with the byte-at-a-time one wherever it starts.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.h"
#include "read/chunker.h"
#include "read/element_scanner.h"

namespace {

using mergepipe::detail::cut_failure;
using mergepipe::detail::array_item;
using mergepipe::detail::array_splitter;
using mergepipe::detail::input_format;
using mergepipe::detail::probe_format;
using mergepipe::detail::scan_element_scalar;
using mergepipe::detail::scan_status;
using mergepipe::fuzz::byte_at;
using mergepipe::fuzz::is_json_space;
using mergepipe::fuzz::padded;
using mergepipe::fuzz::printable;
using kind = array_item::kind;

constexpr std::size_t padding = 64;  // what the inputs carry after their last byte
constexpr std::size_t huge_target = std::size_t{1} << 40;

struct split_result {
  std::vector<array_item> items;
  std::optional<cut_failure> fatal;
  bool done = false;
};

std::string describe(const split_result& r) {
  std::string out;
  for (const array_item& item : r.items) {
    out += std::to_string(static_cast<int>(item.what)) + "@" + std::to_string(item.offset) + "+" +
           std::to_string(item.size) + " ";
  }
  if (r.fatal) out += "fatal@" + std::to_string(r.fatal->offset) + ": " + r.fatal->reason;
  return out + (r.done ? " done" : "");
}

bool same(const split_result& a, const split_result& b) {
  if (a.done != b.done || a.items.size() != b.items.size()) return false;
  for (std::size_t i = 0; i < a.items.size(); ++i) {
    const array_item& x = a.items[i];
    const array_item& y = b.items[i];
    if (x.offset != y.offset || x.size != y.size || x.what != y.what) return false;
  }
  if (a.fatal.has_value() != b.fatal.has_value()) return false;
  return !a.fatal || (a.fatal->offset == b.fatal->offset && a.fatal->reason == b.fatal->reason);
}

// Splits complete input with a new target after each call, as the reader does.
split_result split_whole(std::string_view text, std::size_t begin, std::size_t chunk_size) {
  const std::string buffer = padded(text, '"');
  array_splitter splitter(begin);
  split_result result;
  for (std::size_t calls = 0; !splitter.done() && !splitter.fatal(); ++calls) {
    FUZZ_CHECK(calls <= text.size() + 2, "no progress at " + std::to_string(splitter.position()));
    std::size_t target = splitter.position() + chunk_size;
    std::size_t before = result.items.size();
    FUZZ_CHECK(splitter.split(buffer.data(), text.size(), target, true, result.items),
               "complete input asked for more bytes");
    // A chunk ends on an element boundary at or after its target and holds whole items.
    FUZZ_CHECK(splitter.done() || splitter.fatal() || splitter.position() >= target,
               "chunk ends at " + std::to_string(splitter.position()) + " before its target " +
                   std::to_string(target));
    for (std::size_t i = before; i < result.items.size(); ++i) {
      FUZZ_CHECK(result.items[i].offset + result.items[i].size <= splitter.position(),
                 "item past the end of its chunk");
    }
  }
  result.fatal = splitter.fatal();
  result.done = splitter.done();
  FUZZ_CHECK(!result.done || splitter.position() == text.size(), "done before the end");
  return result;
}

// Splits input that arrives `step` bytes at a time; bytes not delivered yet are hostile.
split_result split_streamed(std::string_view text, std::size_t begin, std::size_t step,
                            std::size_t chunk_size) {
  std::string buffer(text.size() + padding, '"');
  std::size_t available = std::min(begin, text.size());
  buffer.replace(0, available, text.substr(0, available));
  array_splitter splitter(begin);
  split_result result;
  while (!splitter.done() && !splitter.fatal()) {
    bool complete = available == text.size();
    if (splitter.split(buffer.data(), available, splitter.position() + chunk_size, complete,
                       result.items)) {
      continue;
    }
    FUZZ_CHECK(!complete, "complete input asked for more bytes");
    FUZZ_CHECK(!splitter.fatal() && !splitter.done(), "incomplete input decided the array");
    std::size_t more = std::min(step, text.size() - available);
    buffer.replace(available, more, text.substr(available, more));
    available += more;
  }
  for (const array_item& item : result.items) {
    FUZZ_CHECK(item.offset + item.size <= available, "item past the bytes delivered");
  }
  result.fatal = splitter.fatal();
  result.done = splitter.done();
  return result;
}

// Every byte from `begin` to where the split stopped is in exactly one item, or is
// whitespace, a comma or the closing bracket; items and delimiters alternate as JSON says.
void check_tiling(std::string_view text, std::size_t begin, const split_result& r) {
  std::size_t stop = r.fatal ? r.fatal->offset : text.size();
  std::size_t pos = begin;
  std::size_t commas = 0;
  std::size_t slots = 0;  // elements and empty elements
  bool closed = false;
  auto skip_delimiters = [&](std::size_t until) {
    for (; pos < until; ++pos) {
      char c = text[pos];
      if (is_json_space(c)) continue;
      FUZZ_CHECK(!closed, "byte after ] outside the trailing item at " + std::to_string(pos));
      FUZZ_CHECK(c == ',' || c == ']', "byte outside any item at " + std::to_string(pos));
      commas += c == ',';
      closed = c == ']';
    }
  };
  for (const array_item& item : r.items) {
    FUZZ_CHECK(item.offset >= pos, "items overlap or go back at " + std::to_string(item.offset));
    std::string_view bytes = text.substr(item.offset, item.size);
    switch (item.what) {
      case kind::element:
        FUZZ_CHECK(!closed && !bytes.empty() && !is_json_space(bytes.front()) &&
                       !is_json_space(bytes.back()),
                   "element " + printable(bytes));
        ++slots;
        break;
      case kind::empty_element:
        FUZZ_CHECK(!closed && item.size == 0 && item.offset < text.size() &&
                       (text[item.offset] == ',' || text[item.offset] == ']'),
                   "empty element at " + std::to_string(item.offset));
        ++slots;
        break;
      case kind::trailing_content:
        FUZZ_CHECK(&item == &r.items.back() && !bytes.empty() && !is_json_space(bytes.front()) &&
                       !is_json_space(bytes.back()),
                   "trailing item " + printable(bytes));
        break;
    }
    skip_delimiters(item.offset);
    if (item.what == kind::trailing_content) FUZZ_CHECK(closed, "trailing item inside the array");
    pos = std::max(pos, static_cast<std::size_t>(item.offset + item.size));
  }
  skip_delimiters(stop);
  if (!r.fatal) {
    FUZZ_CHECK(r.done && closed, "array ended without ]: " + describe(r));
    FUZZ_CHECK(commas == 0 ? slots <= 1 : slots == commas + 1,
               std::to_string(slots) + " items between " + std::to_string(commas) + " commas");
  }
}

struct scan_result {
  scan_status status;
  std::size_t pos;
  friend bool operator==(const scan_result&, const scan_result&) = default;
};

template <typename Scan>
scan_result scan(Scan scanner, std::string_view text, std::size_t start, char fill) {
  const std::string buffer = padded(text, fill, padding);
  std::size_t pos = start;
  scan_status status = scanner(buffer.data(), pos, text.size());
  return {status, pos};
}

void check_scanners_agree(std::string_view text, std::size_t start) {
  scan_result reference = scan(scan_element_scalar, text, start, '"');
  for (const auto& kernel : mergepipe::detail::element_scan_kernels()) {
    if (!kernel.runs_here) continue;
    for (char fill : {'"', '\\', ','}) {
      scan_result fast = scan(kernel.scan, text, start, fill);
      FUZZ_CHECK(fast == reference, "from " + std::to_string(start) + ": " + kernel.name +
                                        " scanner " + std::to_string(static_cast<int>(fast.status)) +
                                        "@" + std::to_string(fast.pos) + ", scalar " +
                                        std::to_string(static_cast<int>(reference.status)) + "@" +
                                        std::to_string(reference.pos));
    }
  }
  FUZZ_CHECK(reference.pos <= text.size(), "scanned past the end");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // Input that is not an array is split as if its `[` came just before it.
  auto probe = probe_format(text.data(), text.size(), true);
  const std::size_t begin = probe->format == input_format::array ? probe->records_begin : 0;

  const split_result whole = split_whole(text, begin, huge_target);
  check_tiling(text, begin, whole);
  for (const array_item& item : whole.items) {
    if (item.what != kind::element) continue;
    check_scanners_agree(text, item.offset);
    // Each element runs from its first byte to the delimiter the scanner stops at.
    scan_result end = scan(scan_element_scalar, text, item.offset, '"');
    std::size_t trimmed = end.pos;
    while (trimmed > item.offset && is_json_space(text[trimmed - 1])) --trimmed;
    FUZZ_CHECK(end.status == scan_status::delimited && trimmed == item.offset + item.size,
               "element at " + std::to_string(item.offset) + " is not delimited by the scanner");
  }
  for (std::size_t i = 0; i < 16; ++i) check_scanners_agree(text, text.size() * i / 16);
  check_scanners_agree(text, byte_at(text, 0) * text.size() / 256);

  const std::size_t chunk_sizes[] = {1,
                                     2,
                                     5,
                                     64,
                                     1 + byte_at(text, 1) % 48,
                                     1 + (byte_at(text, 2) << 8 | byte_at(text, 3)) % 2048};
  for (std::size_t chunk_size : chunk_sizes) {
    split_result chunked = split_whole(text, begin, chunk_size);
    FUZZ_CHECK(same(chunked, whole), "chunks of " + std::to_string(chunk_size) + ": " +
                                         describe(chunked) + "\nwhole: " + describe(whole));
  }
  const std::size_t steps[] = {1, 2 + byte_at(text, 4) % 70};
  for (std::size_t step : steps) {
    for (std::size_t chunk_size :
         {std::size_t{1}, std::size_t{1} + byte_at(text, 5), huge_target}) {
      split_result streamed = split_streamed(text, begin, step, chunk_size);
      FUZZ_CHECK(same(streamed, whole), "streamed in steps of " + std::to_string(step) +
                                            ", chunks of " + std::to_string(chunk_size) + ": " +
                                            describe(streamed) + "\nwhole: " + describe(whole));
    }
  }
  return 0;
}
