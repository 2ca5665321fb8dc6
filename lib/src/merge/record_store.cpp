#include "merge/record_store.h"

#include <algorithm>
#include <cstring>

namespace mergepipe::detail {

const char* record_store::keep(const char* data, std::size_t size) {
  // Blocks of 256 KiB amortise the allocations; a longer record gets a block of its own.
  constexpr std::size_t block_size = std::size_t{256} << 10;
  if (size > left_) {
    std::size_t block = std::max(block_size, size);
    blocks_.push_back(std::make_unique_for_overwrite<char[]>(block));
    next_ = blocks_.back().get();
    left_ = block;
  }
  char* at = next_;
  if (size != 0) std::memcpy(at, data, size);
  next_ += size;
  left_ -= size;
  kept_ += size;
  return at;
}

// A table has 64 stores (one per shard): half a megabyte of lost copies each at most, beyond
// half of the live ones, keeps a merge of few keys small whatever the input's length.
bool record_store::wasteful() const noexcept {
  constexpr std::uint64_t least = std::uint64_t{512} << 10;
  return dropped_ > least && dropped_ > (kept_ - dropped_) / 2;
}

void record_store::take(record_store& other) {
  for (auto& block : other.blocks_) blocks_.push_back(std::move(block));
  kept_ += other.kept_;
  dropped_ += other.dropped_;
  other = record_store();
}

}  // namespace mergepipe::detail
