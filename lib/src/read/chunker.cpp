#include "read/chunker.h"

#include <cstring>
#include <string_view>

#include "json_grammar.h"
#include "read/element_scanner.h"

namespace mergepipe::detail {
namespace {

std::size_t skip_space(const char* data, std::size_t pos, std::size_t size) noexcept {
  while (pos < size && is_json_space(data[pos])) ++pos;
  return pos;
}

}  // namespace

std::size_t first_value_end(const char* data, std::size_t size) noexcept {
  std::size_t depth = 0;
  for (std::size_t pos = 0; pos < size; ++pos) {
    switch (data[pos]) {
      case '"':
        pos = find_string_end(data, pos + 1, size);
        break;
      case '{':
      case '[':
        ++depth;
        break;
      case '}':
      case ']':
        if (depth > 0 && --depth == 0) return pos + 1;
        break;
      default:
        break;
    }
  }
  return size;
}

std::optional<format_probe> probe_format(const char* data, std::size_t size,
                                         bool complete) noexcept {
  std::size_t pos = 0;
  constexpr std::string_view bom = "\xEF\xBB\xBF";
  // A stream may deliver the BOM in pieces: a part of it decides nothing yet.
  std::string_view head(data, size);
  if (!complete && size < bom.size() && bom.starts_with(head)) return std::nullopt;
  if (head.starts_with(bom)) pos = bom.size();
  std::size_t first = skip_space(data, pos, size);
  if (first == size && !complete) return std::nullopt;
  if (first < size && data[first] == '[') return format_probe{input_format::array, first + 1};
  return format_probe{input_format::ndjson, pos};
}

std::optional<std::size_t> ndjson_cut(const char* data, std::size_t size, std::size_t target,
                                      bool complete) noexcept {
  if (target >= size) {
    if (complete) return size;
    return std::nullopt;
  }
  const void* newline = std::memchr(data + target, '\n', size - target);
  if (newline != nullptr) return static_cast<const char*>(newline) - data + 1;
  if (complete) return size;
  return std::nullopt;
}

bool array_splitter::split(const char* data, std::size_t size, std::size_t target, bool complete,
                           std::vector<array_item>& out) {
  using item = array_item;
  while (state_ != state::done && !fatal_) {
    if (pos_ >= piece_end_) {
      state_ = state::done;
      return true;
    }
    std::size_t pos = skip_space(data, pos_, size);
    if (pos == size) {
      if (!complete) return false;
      if (state_ == state::after_close) {
        pos_ = pos;
        state_ = state::done;
        return true;
      }
      fatal_ = cut_failure{pos_, "missing ] at end of array"};
      return true;
    }
    if (state_ == state::after_close) {
      // Anything after the closing bracket is one bad record, up to the end of the input.
      if (!complete) return false;
      std::size_t end = trim_json_space_end(data, pos, size);
      out.push_back({pos, end - pos, item::kind::trailing_content});
      pos_ = size;
      state_ = state::done;
      return true;
    }
    char c = data[pos];
    if (c == ']' || c == ',') {
      if (state_ == state::after_comma || (c == ',' && state_ == state::first)) {
        out.push_back({pos, 0, item::kind::empty_element});
      }
      pos_ = pos + 1;
      state_ = c == ']' ? state::after_close : state::after_comma;
      continue;
    }
    std::size_t end = pos;
    scan_status status = scan_element(data, end, size);
    if (status != scan_status::delimited) {
      if (!complete) return false;
      fatal_ =
          cut_failure{pos, status == scan_status::open_string
                               ? "unterminated string in array element"
                               : "unclosed array element (missing } or ] before end of input)"};
      return true;
    }
    out.push_back({pos, trim_json_space_end(data, pos, end) - pos, item::kind::element});
    pos_ = end;
    state_ = state::after_element;
    if (pos_ >= target) return true;
  }
  return true;
}

}  // namespace mergepipe::detail
