#include "merge/record_store.h"

#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <iterator>

namespace mergepipe::detail {

const char* record_store::keep(const char* data, std::size_t size,
                               const std::shared_ptr<spill_file>& spill) {
  // Blocks of 256 KiB amortise the allocations; a longer record gets a block of its own,
  // whole pages as a block must be to be mapped from the spill file.
  constexpr std::size_t block_size = std::size_t{256} << 10;
  if (size > left_ || spill != spill_) {
    static const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    const std::size_t bytes = (std::max(block_size, size) + page - 1) / page * page;
    blocks_.emplace_back(spill, bytes);
    spill_ = spill;
    next_ = blocks_.back().data();
    left_ = bytes;
  }
  char* at = next_;
  if (size != 0) std::memcpy(at, data, size);
  next_ += size;
  left_ -= size;
  kept_ += size;
  return at;
}

void record_store::settle() {
  // Every block but the last is full and written to no more.
  for (; settled_ + 1 < blocks_.size(); ++settled_) spilled_ |= blocks_[settled_].settle();
}

// A table has 64 stores (one per shard): half a megabyte of lost copies each at most, beyond
// half of the live ones, keeps a merge of few keys small whatever the input's length. Lost
// copies in spilled blocks cost disk, not memory, and compacting reads them back and writes
// the live ones again: a store that spilled waits until they are twice the live ones.
bool record_store::wasteful() const noexcept {
  constexpr std::uint64_t least = std::uint64_t{512} << 10;
  const std::uint64_t live = kept_ - dropped_;
  return dropped_ > least && dropped_ > (spilled_ ? 2 * live : live / 2);
}

void record_store::take(record_store& other) {
  // Before ours being filled, which stays last; the others' all count as full.
  blocks_.insert(blocks_.empty() ? blocks_.end() : blocks_.end() - 1,
                 std::make_move_iterator(other.blocks_.begin()),
                 std::make_move_iterator(other.blocks_.end()));
  kept_ += other.kept_;
  dropped_ += other.dropped_;
  spilled_ = spilled_ || other.spilled_;
  other = record_store();
}

}  // namespace mergepipe::detail
