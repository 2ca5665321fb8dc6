#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>

#include "mergepipe/export.h"

namespace mergepipe {

/// Where an input sits in the order of all inputs: the `position` part of the order stamp
/// (contract 1.1). Records compare by `input`, then by `offset + their byte offset in
/// the source`, so a file split into pieces merges exactly like the whole file when each piece
/// is added with its file's index and the byte offset it starts at.
struct position {
  std::uint32_t input = 0;   ///< Index of the input, as on a command line (from 0).
  std::uint64_t offset = 0;  ///< Byte offset of the source's first byte in that input.

  /// Input order: by input, then offset.
  friend auto operator<=>(const position&, const position&) = default;
};

/// One input of records: a file, bytes in memory, or a `std::istream`. A source only
/// describes the input; it is opened and read when it is added to a merge.
class MERGEPIPE_API source {
 public:
  /// A file, memory-mapped when it is a regular file; "-" is standard input.
  /// Messages name it by `path` ("<stdin>" for "-").
  static source file(std::string path);
  /// Bytes [begin, end) of a file, as `cut_into_pieces` cut them. Records keep their offsets
  /// in the whole file, so the pieces of a file, each added at `{.input = i}`, merge exactly
  /// like the file itself.
  static source file_range(std::string path, std::uint64_t begin, std::uint64_t end);
  /// Bytes in memory, named `name` in messages. They are copied when the source is added,
  /// so `bytes` must stay valid until then, and not after.
  static source buffer(std::string_view bytes, std::string name = "<buffer>");
  /// Bytes in a string the source takes over, named `name` in messages: nothing is copied
  /// when the source is added, and the merge keeps the string for as long as it needs it.
  /// Records are parsed in place, which needs `padding` bytes of room after them: a string
  /// whose capacity leaves less is grown once (a copy), so reserve them to spare it.
  static source buffer(std::string&& bytes, std::string name = "<buffer>");
  /// A string literal, copied as a view is.
  static source buffer(const char* bytes, std::string name = "<buffer>") {
    return buffer(std::string_view(bytes), std::move(name));
  }
  /// Bytes of room a taken-over string needs after its contents (simdjson's padding).
  static constexpr std::size_t padding = 64;
  /// A stream read to its end when the source is added, named `name` in messages.
  /// `in` must stay valid until then.
  static source stream(std::istream& in, std::string name = "<stream>");

  /// What kind of input this is.
  enum class kind { file, buffer, stream };
  [[nodiscard]] kind type() const noexcept { return kind_; }
  /// The name used in messages and rejects.
  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  /// The path of a file source ("-" for standard input).
  [[nodiscard]] const std::string& path() const noexcept { return path_; }
  /// The bytes of a buffer source.
  [[nodiscard]] std::string_view bytes() const noexcept { return bytes_; }
  /// The string holding the bytes of a buffer source that took one over, with `padding`
  /// bytes after them; null for any other source.
  [[nodiscard]] const std::shared_ptr<const std::string>& owned_bytes() const noexcept {
    return owned_;
  }
  /// The stream of a stream source.
  [[nodiscard]] std::istream* stream() const noexcept { return stream_; }
  /// The byte range of a file source: all of it unless made by `file_range`.
  [[nodiscard]] std::uint64_t range_begin() const noexcept { return range_begin_; }
  [[nodiscard]] std::uint64_t range_end() const noexcept { return range_end_; }

 private:
  source(kind k, std::string name) : kind_(k), name_(std::move(name)) {}

  kind kind_;
  std::string name_;
  std::string path_;
  std::string_view bytes_;
  std::shared_ptr<const std::string> owned_;
  std::istream* stream_ = nullptr;
  std::uint64_t range_begin_ = 0;
  std::uint64_t range_end_ = UINT64_MAX;
};

}  // namespace mergepipe
