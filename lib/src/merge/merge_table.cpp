#include "merge/merge_table.h"

#include <algorithm>
#include <cstring>
#include <tuple>
#include <vector>

#include "merge/merged_object.h"
#include "mergepipe/error.h"

namespace mergepipe::detail {

void merge_table::absorb(merge_table& other) {
  if (other.map_.size() > map_.size()) {
    map_.swap(other.map_);
    arena_.swap(other.arena_);
    std::swap(arena_next_, other.arena_next_);
    std::swap(arena_left_, other.arena_left_);
    std::swap(arena_bytes_, other.arena_bytes_);
    std::swap(counted_, other.counted_);
  }
  // The other table's stored candidates point into its store: it lives on in ours.
  records_.take(other.records_);
  for (auto& [key, value] : other.map_) offer(key.view(), value, other.tail_of(key));
  other.map_.clear();
  other.arena_.clear();
  other.arena_next_ = nullptr;
  other.arena_left_ = 0;
  other.arena_bytes_ = 0;
  other.count_memory();
}

void merge_table::merge_in(hashed_key key, const candidate& c, const char* tail, bool is_record) {
  bool inserted = false;
  auto it = map_.lazy_emplace(key, [&](const auto& construct) {
    inserted = true;
    construct(keep(key.key, tail), c);
  });
  candidate& held = it->second;
  // Another table's state for a new key stays in that table's store, which lives on in
  // ours; one in a partial file is copied, as a record of a file that may change would be.
  if (inserted && !is_record) {
    if (!held.stored) held = stored_copy(held);
    records_.settle();
    return;
  }
  thread_local std::string stamp;
  thread_local std::string state;
  state.clear();
  const std::string_view held_state =
      inserted ? std::string_view() : std::string_view(held.data, held.size);
  if (is_record) {
    stamp.clear();
    append_stamp_bytes(stamp, c.stamp, tail, rule_.tail_size);
    merge_record_into_state(held_state, {c.data, c.size}, stamp, c.is_delete, state);
  } else {
    merge_states(held_state, {c.data, c.size}, state);
    if (c.stored) records_.drop(c.size);
  }
  if (!inserted) {
    if (held.stored) records_.drop(held.size);
    if (wins(c, tail, held, it->first)) {
      held.stamp = c.stamp;
      held.is_delete = c.is_delete;
      set_tail(it->first, tail);
    }
  }
  if (state.size() > UINT32_MAX) {
    throw error(errc::bad_input, "a merged object grew past 4 GiB; --merge-fields cannot hold it");
  }
  held.data = records_.keep(state.data(), state.size(), spill_);
  held.size = static_cast<std::uint32_t>(state.size());
  held.stored = 1;
  if (records_.wasteful()) compact_records();
  records_.settle();
}

// Called for each new key, once the map has made room for it.
table_key merge_table::keep(std::string_view key, const char* tail) {
  count_memory();
  if (rule_.tail_size == 0 && key.size() <= table_key::inline_capacity) {
    return table_key::in_place(key);
  }
  // Blocks of 64 KiB amortise the allocations; a longer key gets a block of its own.
  constexpr std::size_t block_size = std::size_t{64} << 10;
  const std::size_t needed = key.size() + rule_.tail_size;
  if (needed > arena_left_) {
    std::size_t size = std::max(block_size, needed);
    arena_.push_back(std::make_unique_for_overwrite<char[]>(size));
    arena_bytes_ += size;
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
  // then read from the file front to back, not page by scattered page. The positions are
  // sorted beside their entries, so that comparing them reads no entry.
  struct stored_entry {
    std::uint32_t file;
    std::uint64_t offset;
    candidate* entry;
  };
  std::vector<stored_entry> stored;
  stored.reserve(map_.size());
  for (auto& [key, value] : map_) {
    if (value.stored) stored.push_back({value.stamp.file, value.stamp.offset, &value});
  }
  std::sort(stored.begin(), stored.end(), [](const stored_entry& a, const stored_entry& b) {
    return std::tie(a.file, a.offset) < std::tie(b.file, b.offset);
  });
  record_store fresh;
  for (const stored_entry& s : stored)
    s.entry->data = fresh.keep(s.entry->data, s.entry->size, spill_);
  records_ = std::move(fresh);
}

void merge_table::count_memory() noexcept {
  if (!spill_) return;
  // A slot and its control byte per entry of the capacity, as abseil lays them out.
  const std::size_t now = map_.capacity() * (sizeof(decltype(map_)::value_type) + 1) + arena_bytes_;
  if (now == counted_) return;
  spill_->count_tables(static_cast<std::int64_t>(now) - static_cast<std::int64_t>(counted_));
  counted_ = now;
}

void merge_table::collect_winners(winner* out, bool with_deletes) const {
  for (const auto& [key, value] : map_) {
    if (value.is_delete && !with_deletes) continue;
    const std::string_view key_text = key.view();
    winner w{.key_data = key_text.data(),
             .key_size = static_cast<std::uint32_t>(key_text.size()),
             .file = value.stamp.file,
             .offset = value.stamp.offset,
             .data = value.data,
             .size = value.size,
             .checksum = value.checksum,
             .merged = false,
             .checked = !value.stored,
             .held = &value};
    if (rule_.merge_fields) {  // states are always stored
      if (value.is_delete) {
        std::string_view marker = latest_delete_of({value.data, value.size});
        w.data = marker.data();
        w.size = static_cast<std::uint32_t>(marker.size());
      } else {
        w.merged = true;
      }
    }
    *out++ = w;
  }
}

std::size_t merge_table::deleted() const noexcept {
  std::size_t count = 0;
  for (const auto& entry : map_) count += entry.second.is_delete ? 1 : 0;
  return count;
}

}  // namespace mergepipe::detail
