#include "merge_table.h"

namespace mergepipe::detail {

void merge_table::absorb(merge_table& other) {
  if (other.map_.size() > map_.size()) map_.swap(other.map_);
  for (auto& [key, value] : other.map_) offer(key, value);
  other.map_.clear();
}

void merge_table::collect_live_winners(std::vector<winner>& out) const {
  out.reserve(out.size() + map_.size());
  for (const auto& [key, value] : map_) {
    if (value.is_delete) continue;
    out.push_back({key, value.stamp.file, value.stamp.offset, value.data, value.size});
  }
}

std::size_t merge_table::deleted() const noexcept {
  std::size_t count = 0;
  for (const auto& entry : map_) count += entry.second.is_delete ? 1 : 0;
  return count;
}

}  // namespace mergepipe::detail
