#include "merge/merge_table.h"

#include <algorithm>
#include <cstring>
#include <tuple>
#include <vector>

namespace mergepipe::detail {

void merge_table::absorb(merge_table& other) {
  if (other.map_.size() > map_.size()) {
    map_.swap(other.map_);
    arena_.swap(other.arena_);
    std::swap(arena_next_, other.arena_next_);
    std::swap(arena_left_, other.arena_left_);
  }
  // The other table's stored candidates point into its store: it lives on in ours.
  records_.take(other.records_);
  for (auto& [key, value] : other.map_) offer(key.view(), value, other.tail_of(key));
  other.map_.clear();
  other.arena_.clear();
  other.arena_next_ = nullptr;
  other.arena_left_ = 0;
}

table_key merge_table::keep(std::string_view key, const char* tail) {
  if (rule_.tail_size == 0 && key.size() <= table_key::inline_capacity) {
    return table_key::in_place(key);
  }
  // Blocks of 64 KiB amortise the allocations; a longer key gets a block of its own.
  constexpr std::size_t block_size = std::size_t{64} << 10;
  const std::size_t needed = key.size() + rule_.tail_size;
  if (needed > arena_left_) {
    std::size_t size = std::max(block_size, needed);
    arena_.push_back(std::make_unique_for_overwrite<char[]>(size));
    arena_next_ = arena_.back().get();
    arena_left_ = size;
  }
  char* at = arena_next_;
  if (!key.empty()) std::memcpy(at, key.data(), key.size());
  if (rule_.tail_size != 0) std::memcpy(at + key.size(), tail, rule_.tail_size);
  arena_next_ += needed;
  arena_left_ -= needed;
  return table_key::elsewhere({at, key.size()});
}

void merge_table::compact_records() {
  // Copied in input order, as the output reads them, not in the table's: spilled blocks are
  // then read from the file front to back, not page by scattered page.
  std::vector<candidate*> stored;
  for (auto& entry : map_) {
    if (entry.second.stored) stored.push_back(&entry.second);
  }
  std::sort(stored.begin(), stored.end(), [](const candidate* a, const candidate* b) {
    return std::tie(a->stamp.file, a->stamp.offset) < std::tie(b->stamp.file, b->stamp.offset);
  });
  record_store fresh;
  for (candidate* c : stored) c->data = fresh.keep(c->data, c->size, records_.spill());
  records_ = std::move(fresh);
}

void merge_table::collect_winners(std::vector<winner>::iterator out, bool with_deletes) const {
  for (const auto& [key, value] : map_) {
    if (value.is_delete && !with_deletes) continue;
    *out++ = {key.view(), value.stamp.file, value.stamp.offset, value.data, value.size};
  }
}

std::size_t merge_table::deleted() const noexcept {
  std::size_t count = 0;
  for (const auto& entry : map_) count += entry.second.is_delete ? 1 : 0;
  return count;
}

}  // namespace mergepipe::detail
