#pragma once

// What every fuzz target shares: property checks that abort with a message (which libFuzzer
// and the replay tests both report as a failure), and input buffers with hostile padding.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace mergepipe::fuzz {

[[noreturn]] inline void property_failed(const char* condition, const char* file, int line,
                                         const std::string& message) {
  std::fprintf(stderr, "%s:%d: property failed: %s\n  %s\n", file, line, condition,
               message.c_str());
  std::abort();
}

/// Text that shows every byte of `bytes`, for failure messages.
inline std::string printable(std::string_view bytes) {
  std::string out = "`";
  for (unsigned char c : bytes) {
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out += static_cast<char>(c);
    } else {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", c);
      out += escaped;
    }
  }
  return out + "`";
}

/// `bytes` followed by `padding` copies of `fill`: code that may read past the end (the
/// inputs' padding) does so inside the allocation, and must not let those bytes matter.
inline std::string padded(std::string_view bytes, char fill, std::size_t padding = 64) {
  std::string out(bytes);
  out.append(padding, fill);
  return out;
}

/// Byte `i` of the input, or `fallback` past its end: a cheap, stable source of parameters
/// that leaves the whole input usable as data.
inline unsigned byte_at(std::string_view data, std::size_t i, unsigned fallback = 0) {
  return i < data.size() ? static_cast<unsigned char>(data[i]) : fallback;
}

inline bool is_json_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/// A piece of the input and where it starts.
struct span {
  std::size_t offset = 0;
  std::string_view bytes;
  friend bool operator==(const span&, const span&) = default;
};

/// The NDJSON records of text[begin, end) as docs/contract.md 1.2 defines them, the obvious
/// way: lines without surrounding whitespace, blank ones left out.
inline void append_lines(std::string_view text, std::size_t begin, std::size_t end,
                         std::vector<span>& out) {
  while (begin < end) {
    std::size_t newline = text.substr(0, end).find('\n', begin);
    std::size_t line_end = newline == std::string_view::npos ? end : newline;
    std::size_t first = begin;
    while (first < line_end && is_json_space(text[first])) ++first;
    std::size_t last = line_end;
    while (last > first && is_json_space(text[last - 1])) --last;
    if (last > first) out.push_back({first, text.substr(first, last - first)});
    begin = line_end + 1;
  }
}

}  // namespace mergepipe::fuzz

/// Aborts with `message` (a std::string expression, evaluated only on failure) unless `cond`.
#define FUZZ_CHECK(cond, message)                                                        \
  do {                                                                                   \
    if (!(cond)) ::mergepipe::fuzz::property_failed(#cond, __FILE__, __LINE__, message); \
  } while (false)
