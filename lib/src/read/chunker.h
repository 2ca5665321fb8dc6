#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mergepipe::detail {

/// Layout of one input file, detected from its first non-whitespace byte.
enum class input_format { ndjson, array };

/// Result of looking at the start of a file.
struct format_probe {
  input_format format = input_format::ndjson;
  std::size_t records_begin = 0;  ///< After a UTF-8 BOM and, for arrays, after the `[`.
};

/// Detects the format from `data[0, size)`; nullopt when only whitespace was seen and the
/// input is not complete yet (more bytes are needed to decide).
std::optional<format_probe> probe_format(const char* data, std::size_t size,
                                         bool complete) noexcept;

/// NDJSON chunks end just after a newline: the first newline at or after `target`.
/// Returns the end of the chunk, `size` when the input is complete and no newline follows,
/// or nullopt when more input is needed.
std::optional<std::size_t> ndjson_cut(const char* data, std::size_t size, std::size_t target,
                                      bool complete) noexcept;

/// The end of the first object or array in `data[0, size)`: the offset just past its closing
/// bracket, tracking strings and nesting; `size` if it never closes.
std::size_t first_value_end(const char* data, std::size_t size) noexcept;

/// One delimited piece of a JSON array.
struct array_item {
  enum class kind : std::uint8_t {
    element,           ///< An element's bytes, whitespace trimmed (may still be invalid JSON).
    empty_element,     ///< `,,` or a trailing `,]`: a bad record at the delimiter.
    trailing_content,  ///< Non-whitespace after the closing `]`: a bad record.
  };
  std::uint64_t offset = 0;
  std::uint64_t size = 0;
  kind what = kind::element;
};

/// Where an input cannot be cut into records any further: an array's unclosed string or
/// bracket or missing `]`, or compressed data that could not be decoded.
struct cut_failure {
  std::uint64_t offset = 0;  ///< First byte of the record that cannot be delimited.
  std::string reason;
};

/// Cuts a JSON array into elements exactly: it tracks strings (with escapes) and nesting, so
/// `},{`, brackets, escaped quotes and newlines inside strings never split a record.
/// Stateful across calls so that a stream can be split as it arrives; between calls it
/// always rests on an element boundary.
class array_splitter {
 public:
  /// `begin` is the offset just after the opening `[`, or, with `after_element`, just after
  /// an element (to go on from where another splitter stopped). Splitting ends at the first
  /// element boundary at or after `piece_end`: the end of a piece of the array that
  /// `cut_into_pieces` made, where a splitter over the whole array rests.
  explicit array_splitter(std::size_t begin, std::size_t piece_end = SIZE_MAX,
                          bool after_element = false) noexcept
      : pos_(begin),
        piece_end_(piece_end),
        state_(after_element ? state::after_element : state::first) {}

  /// Appends the items of `data[pos, size)` to `out`, stopping at the first element boundary
  /// at or after `target`. Returns false when more input is needed to go on (only when
  /// `complete` is false). On input that cannot be delimited, sets `fatal()` and stops.
  bool split(const char* data, std::size_t size, std::size_t target, bool complete,
             std::vector<array_item>& out);

  /// Offset up to which items have been emitted (the next chunk starts here).
  [[nodiscard]] std::size_t position() const noexcept { return pos_; }
  /// True when the whole array, closing `]` and trailing whitespace included, was consumed.
  [[nodiscard]] bool done() const noexcept { return state_ == state::done; }
  /// Set when the array cannot be delimited; nothing after it can be read.
  [[nodiscard]] const std::optional<cut_failure>& fatal() const noexcept { return fatal_; }

 private:
  enum class state : std::uint8_t { first, after_comma, after_element, after_close, done };

  std::size_t pos_;
  std::size_t piece_end_;
  state state_;
  std::optional<cut_failure> fatal_;
};

}  // namespace mergepipe::detail
