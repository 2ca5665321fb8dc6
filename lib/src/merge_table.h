#pragma once

#include <absl/container/flat_hash_map.h>
#include <absl/hash/hash.h>
#include <absl/strings/string_view.h>

#include <array>
#include <compare>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <string_view>
#include <vector>

#include "timestamp.h"

namespace mergepipe::detail {

/// The order stamp of SPEC 1: timestamp (absent sorts first), then input position.
/// Laid out in 32 bytes (the flag fills the padding), compared in the order of SPEC 1.
struct order_stamp {
  timestamp ts;
  std::uint64_t offset = 0;
  std::uint32_t file = 0;
  bool has_timestamp = false;

  friend auto operator<=>(const order_stamp& a, const order_stamp& b) noexcept {
    return std::tie(a.has_timestamp, a.ts, a.file, a.offset) <=>
           std::tie(b.has_timestamp, b.ts, b.file, b.offset);
  }
  friend bool operator==(const order_stamp&, const order_stamp&) = default;
};

/// A candidate for its key: the stamp, and a view of the record in the (still alive) input.
/// 48 bytes: tables hold one per distinct key, and their size is the merge's memory.
struct candidate {
  order_stamp stamp;
  const char* data = nullptr;
  std::uint64_t size : 63 = 0;
  std::uint64_t is_delete : 1 = 0;
};

/// A winning record as the output needs it: copied out of the table, so that sorting moves
/// small contiguous values instead of chasing pointers into the hash table.
struct winner {
  std::string_view key;
  std::uint32_t file = 0;
  std::uint64_t offset = 0;
  const char* data = nullptr;
  std::uint64_t size = 0;
};

/// Latest candidate per encoded key. The rule (greater stamp wins) is associative and
/// commutative, so tables can be filled in any order and combined at the end. Keys are kept
/// in an arena of the table's own, so that a slot holds only a view of its key.
class merge_table {
 public:
  /// Keeps `c` for `key` if its stamp is greater than the one held.
  void offer(std::string_view key, const candidate& c) {
    // Debian's abseil has its own string_view type; its hash takes that.
    auto it = map_.lazy_emplace(absl::string_view(key.data(), key.size()),
                                [&](const auto& construct) { construct(keep(key), c); });
    if (it->second.stamp < c.stamp) it->second = c;
  }

  /// Starts loading the slot of `key` into the cache.
  void prefetch(std::string_view key) const {
    map_.prefetch(absl::string_view(key.data(), key.size()));
  }

  /// Moves every entry of `other` into this table, by the same rule.
  void absorb(merge_table& other);

  [[nodiscard]] std::size_t size() const noexcept { return map_.size(); }

  /// Calls `fn(key, candidate)` for every entry, in no particular order.
  template <typename Fn>
  void for_each(Fn fn) const {
    for (const auto& [key, value] : map_) fn(std::string_view(key.data(), key.size()), value);
  }

  /// Writes the winners that are not delete markers from `out` on (there must be room for
  /// `size() - deleted()`). Views stay valid while the table and the inputs live.
  void collect_live_winners(std::vector<struct winner>::iterator out) const;

  /// Keys whose winner is a delete marker.
  [[nodiscard]] std::size_t deleted() const noexcept;

 private:
  // A copy of `key` in the arena, which never moves what it holds.
  absl::string_view keep(std::string_view key);

  absl::flat_hash_map<absl::string_view, candidate> map_;
  std::vector<std::unique_ptr<char[]>> arena_;
  char* arena_next_ = nullptr;
  std::size_t arena_left_ = 0;
};

/// A merge table split into shards by key hash, each with a lock, so that all threads fill
/// one table: every key is held once, not once per thread, and nothing is left to combine.
/// A thread takes a shard's lock once for a run of offers (see `lock`). Several tables (of
/// several passes) are combined shard by shard, in parallel.
class sharded_merge_table {
 public:
  static constexpr std::size_t shard_count = 64;

  sharded_merge_table() = default;
  sharded_merge_table(const sharded_merge_table&) = delete;
  sharded_merge_table& operator=(const sharded_merge_table&) = delete;

  /// The lock to hold while offering to shard `index` from several threads.
  [[nodiscard]] std::mutex& lock(std::size_t index) noexcept { return locks_[index]; }

  void offer(std::string_view key, const candidate& c) { shards_[shard_of(key)].offer(key, c); }

  void prefetch(std::string_view key) const { shards_[shard_of(key)].prefetch(key); }

  [[nodiscard]] merge_table& shard(std::size_t index) noexcept { return shards_[index]; }
  [[nodiscard]] const merge_table& shard(std::size_t index) const noexcept {
    return shards_[index];
  }

  /// The top bits of the key's hash: the tables inside use the low bits for their slots.
  static std::size_t shard_of(std::string_view key) noexcept {
    return absl::Hash<absl::string_view>{}(absl::string_view(key.data(), key.size())) >> 58;
  }

 private:
  std::array<merge_table, shard_count> shards_;
  std::array<std::mutex, shard_count> locks_;
};

}  // namespace mergepipe::detail
