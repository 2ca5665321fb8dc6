#pragma once

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>

namespace mpgen {

/// Appends JSON text to a block buffer, compact or pretty-printed.
///
/// Writes are unchecked: the caller sizes the buffer for a block plus one record and drains it
/// between records, so the per-field path is a plain pointer bump (this is the generator's hot
/// loop). Values are raw text the caller knows to be valid JSON; `key()` and `item()` insert
/// the commas, newlines and indentation.
class json_writer {
 public:
  /// Holds `capacity` bytes; `pretty` indents by two spaces starting at `base_depth` levels.
  json_writer(std::size_t capacity, bool pretty, int base_depth)
      : buffer_(std::make_unique<char[]>(capacity)),
        end_(buffer_.get()),
        pretty_(pretty),
        depth_(base_depth) {}

  const char* data() const { return buffer_.get(); }
  std::size_t size() const { return static_cast<std::size_t>(end_ - buffer_.get()); }
  void clear() { end_ = buffer_.get(); }

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }

  /// Starts an object member: separator, then `"name":`.
  void key(std::string_view name) {
    separate();
    put('"');
    put(name);
    put(pretty_ ? std::string_view{"\": "} : std::string_view{"\":"});
  }

  /// Starts an array element.
  void item() { separate(); }

  /// A string value whose body is already valid JSON (escapes included).
  void string(std::string_view body) {
    put('"');
    put(body);
    put('"');
  }

  void put(char c) { *end_++ = c; }
  void put(std::string_view text) {
    std::memcpy(end_, text.data(), text.size());
    end_ += text.size();
  }
  void put_uint(std::uint64_t value) { end_ = std::to_chars(end_, end_ + 20, value).ptr; }

  /// Exactly `width` decimal digits of `value`, zero-padded (value < 10^width).
  void put_digits(std::uint64_t value, int width) {
    for (int i = width - 1; i >= 0; --i) {
      end_[i] = static_cast<char>('0' + value % 10);
      value /= 10;
    }
    end_ += width;
  }

 private:
  void open(char bracket) {
    put(bracket);
    need_comma_ = false;
    ++depth_;
  }

  void close(char bracket) {
    --depth_;
    if (pretty_ && need_comma_) newline();  // empty containers stay `{}` and `[]`
    put(bracket);
    need_comma_ = true;
  }

  void separate() {
    if (need_comma_) put(',');
    if (pretty_) newline();
    need_comma_ = true;
  }

  void newline() {
    put('\n');
    std::memset(end_, ' ', static_cast<std::size_t>(2 * depth_));
    end_ += 2 * depth_;
  }

  std::unique_ptr<char[]> buffer_;
  char* end_;
  bool pretty_;
  int depth_;
  bool need_comma_ = false;
};

}  // namespace mpgen
