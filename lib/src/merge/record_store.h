#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "merge/spill_file.h"

namespace mergepipe::detail {

/// Copies of records whose input is read once (a pipe, a decompressed input): the input's
/// bytes are given back once merged, so a record that may still win lives on here. Bytes of
/// copies that lost are counted, so that the table can compact its store when they outweigh
/// the rest. Full blocks of copies spill to the run's spill file past its memory budget.
/// Copies never move until the store is replaced.
class record_store {
 public:
  record_store() = default;
  record_store(record_store&&) noexcept = default;
  record_store& operator=(record_store&&) noexcept = default;

  /// A copy of `data[0, size)`, in blocks that spill to `spill`.
  const char* keep(const char* data, std::size_t size, const std::shared_ptr<spill_file>& spill);
  /// Offers the blocks filled since the last call to the spill file. Kept apart from `keep`
  /// so that a failure to spill (a full disk) is thrown outside the table's insertion.
  void settle();
  /// A copy of `size` bytes lost to a later record.
  void drop(std::size_t size) noexcept { dropped_ += size; }
  /// True when lost copies take more room than half of the live ones (twice, once blocks have
  /// spilled), and half a megabyte.
  [[nodiscard]] bool wasteful() const noexcept;
  /// Keeps `other`'s copies alive here (its table's candidates moved into ours).
  void take(record_store& other);

  [[nodiscard]] std::uint64_t bytes() const noexcept { return kept_; }

 private:
  // A block from a spill file, given back to it when the store lets go.
  class block {
   public:
    block(std::shared_ptr<spill_file> spill, std::size_t size)
        : spill_(std::move(spill)), data_(spill_->allocate(size)), size_(size) {}
    block(block&& other) noexcept
        : spill_(std::move(other.spill_)),
          data_(std::exchange(other.data_, nullptr)),
          size_(other.size_),
          file_offset_(other.file_offset_) {}
    block& operator=(block&& other) noexcept {
      std::swap(spill_, other.spill_);
      std::swap(data_, other.data_);
      std::swap(size_, other.size_);
      std::swap(file_offset_, other.file_offset_);
      return *this;
    }
    ~block() {
      if (data_ != nullptr) spill_->release(data_, size_, file_offset_);
    }
    [[nodiscard]] char* data() const noexcept { return data_; }
    [[nodiscard]] std::size_t size() const noexcept { return size_; }
    // True when the block went to the file now.
    bool settle() {
      if (file_offset_ >= 0) return false;
      file_offset_ = spill_->settle(data_, size_);
      return file_offset_ >= 0;
    }

   private:
    std::shared_ptr<spill_file> spill_;
    char* data_;
    std::size_t size_;
    std::int64_t file_offset_ = -1;
  };

  std::shared_ptr<spill_file> spill_;
  std::vector<block> blocks_;  // the last one is being filled
  std::size_t settled_ = 0;    // blocks before this index were offered to their spill file
  bool spilled_ = false;       // some block went to the file: lost copies there cost no memory
  char* next_ = nullptr;
  std::size_t left_ = 0;
  std::uint64_t kept_ = 0;     // bytes copied in
  std::uint64_t dropped_ = 0;  // of them, copies that lost
};

}  // namespace mergepipe::detail
