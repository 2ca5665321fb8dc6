#pragma once

#include <cstdint>
#include <cstring>

namespace mergepipe::detail {

/// Turns byte offsets of one input into line and column, for error messages and rejects.
/// Offsets must be asked in increasing order (as the in-order pipeline stage does), so that
/// all lookups of a run together count the newlines of the input once.
class line_locator {
 public:
  explicit line_locator(const char* data) noexcept : data_(data) {}

  struct position {
    std::uint64_t line;
    std::uint64_t column;
  };

  position locate(std::uint64_t offset) noexcept {
    while (scanned_ < offset) {
      const void* newline = std::memchr(data_ + scanned_, '\n', offset - scanned_);
      if (newline == nullptr) {
        scanned_ = offset;
        break;
      }
      scanned_ = static_cast<std::uint64_t>(static_cast<const char*>(newline) - data_) + 1;
      ++line_;
      line_start_ = scanned_;
    }
    return {line_, offset - line_start_ + 1};
  }

 private:
  const char* data_;
  std::uint64_t scanned_ = 0;
  std::uint64_t line_ = 1;
  std::uint64_t line_start_ = 0;
};

}  // namespace mergepipe::detail
