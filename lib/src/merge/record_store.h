#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace mergepipe::detail {

/// Copies of records whose input is read once (a pipe, a decompressed input): the input's
/// bytes are given back once merged, so a record that may still win lives on here. Bytes of
/// copies that lost are counted, so that the table can compact its store when they outweigh
/// the rest. Copies never move until the store is replaced.
class record_store {
 public:
  /// A copy of `data[0, size)`.
  const char* keep(const char* data, std::size_t size);
  /// A copy of `size` bytes lost to a later record.
  void drop(std::size_t size) noexcept { dropped_ += size; }
  /// True when lost copies take more room than half of the live ones, and half a megabyte.
  [[nodiscard]] bool wasteful() const noexcept;
  /// Keeps `other`'s copies alive here (its table's candidates moved into ours).
  void take(record_store& other);

  [[nodiscard]] std::uint64_t bytes() const noexcept { return kept_; }

 private:
  std::vector<std::unique_ptr<char[]>> blocks_;
  char* next_ = nullptr;
  std::size_t left_ = 0;
  std::uint64_t kept_ = 0;     // bytes copied in
  std::uint64_t dropped_ = 0;  // of them, copies that lost
};

}  // namespace mergepipe::detail
