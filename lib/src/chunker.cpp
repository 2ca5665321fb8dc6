#include "chunker.h"

#include <array>
#include <cstring>
#include <string_view>

namespace mergepipe::detail {
namespace {

constexpr bool is_json_space(char c) noexcept {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

std::size_t skip_space(const char* data, std::size_t pos, std::size_t size) noexcept {
  while (pos < size && is_json_space(data[pos])) ++pos;
  return pos;
}

// Bytes the value scanner must stop at outside strings; everything else is skipped.
constexpr std::array<bool, 256> structural_bytes = [] {
  std::array<bool, 256> table{};
  for (unsigned char c : {'"', '{', '}', '[', ']', ','}) table[c] = true;
  return table;
}();

enum class scan_status { delimited, open_string, open_bracket };

// Finds the closing quote of a string whose body starts at `pos`. memchr finds quotes at
// memory speed; a quote preceded by an odd run of backslashes is escaped and skipped.
std::size_t find_string_end(const char* data, std::size_t pos, std::size_t size) noexcept {
  std::size_t body = pos;
  while (pos < size) {
    const void* hit = std::memchr(data + pos, '"', size - pos);
    if (hit == nullptr) return size;
    std::size_t quote = static_cast<const char*>(hit) - data;
    std::size_t backslashes = 0;
    while (quote - backslashes > body && data[quote - backslashes - 1] == '\\') ++backslashes;
    if (backslashes % 2 == 0) return quote;
    pos = quote + 1;
  }
  return size;
}

// Scans one array element from `pos` to the `,` or `]` that ends it at nesting depth 0.
scan_status scan_element(const char* data, std::size_t& pos, std::size_t size) noexcept {
  std::size_t depth = 0;
  while (pos < size) {
    char c = data[pos];
    if (!structural_bytes[static_cast<unsigned char>(c)]) {
      ++pos;
      continue;
    }
    switch (c) {
      case '"': {
        std::size_t end = find_string_end(data, pos + 1, size);
        if (end == size) return scan_status::open_string;
        pos = end + 1;
        continue;
      }
      case '{':
      case '[': ++depth; break;
      case '}':
        if (depth > 0) --depth;
        break;
      case ']':
        if (depth == 0) return scan_status::delimited;
        --depth;
        break;
      case ',':
        if (depth == 0) return scan_status::delimited;
        break;
    }
    ++pos;
  }
  return scan_status::open_bracket;
}

std::size_t trim_end(const char* data, std::size_t begin, std::size_t end) noexcept {
  while (end > begin && is_json_space(data[end - 1])) --end;
  return end;
}

}  // namespace

std::size_t first_value_end(const char* data, std::size_t size) noexcept {
  std::size_t depth = 0;
  for (std::size_t pos = 0; pos < size; ++pos) {
    switch (data[pos]) {
      case '"': pos = find_string_end(data, pos + 1, size); break;
      case '{':
      case '[': ++depth; break;
      case '}':
      case ']':
        if (depth > 0 && --depth == 0) return pos + 1;
        break;
      default: break;
    }
  }
  return size;
}

std::optional<format_probe> probe_format(const char* data, std::size_t size, bool complete) noexcept {
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
    std::size_t pos = skip_space(data, pos_, size);
    if (pos == size) {
      if (!complete) return false;
      if (state_ == state::after_close) {
        pos_ = pos;
        state_ = state::done;
        return true;
      }
      fatal_ = array_fatal{pos_, "missing ] at end of array"};
      return true;
    }
    if (state_ == state::after_close) {
      // Anything after the closing bracket is one bad record, up to the end of the input.
      if (!complete) return false;
      std::size_t end = trim_end(data, pos, size);
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
      fatal_ = array_fatal{pos, status == scan_status::open_string
                                    ? "unterminated string in array element"
                                    : "unclosed array element (missing } or ] before end of input)"};
      return true;
    }
    out.push_back({pos, trim_end(data, pos, end) - pos, item::kind::element});
    pos_ = end;
    state_ = state::after_element;
    if (pos_ >= target) return true;
  }
  return true;
}

}  // namespace mergepipe::detail
