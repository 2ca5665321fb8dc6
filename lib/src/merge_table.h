#pragma once

#include <absl/container/flat_hash_map.h>
#include <absl/hash/hash.h>
#include <absl/strings/string_view.h>

#include <array>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "timestamp.h"

namespace mergepipe::detail {

/// The order stamp of SPEC 1: timestamp (absent sorts first), then input position.
struct order_stamp {
  bool has_timestamp = false;
  timestamp ts;
  std::uint32_t file = 0;
  std::uint64_t offset = 0;
  friend auto operator<=>(const order_stamp&, const order_stamp&) = default;
};

/// A candidate for its key: the stamp, and a view of the record in the (still alive) input.
struct candidate {
  order_stamp stamp;
  const char* data = nullptr;
  std::uint64_t size = 0;
  bool is_delete = false;
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
/// commutative, so per-thread tables can be filled in any order and combined at the end.
class merge_table {
 public:
  /// Keeps `c` for `key` if its stamp is greater than the one held.
  void offer(std::string_view key, const candidate& c) {
    // Debian's abseil has its own string_view type; its transparent hash takes that.
    auto [it, inserted] = map_.try_emplace(absl::string_view(key.data(), key.size()), c);
    if (!inserted && it->second.stamp < c.stamp) it->second = c;
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
    for (const auto& [key, value] : map_) fn(std::string_view(key), value);
  }

  /// Appends the winners that are not delete markers to `out`. Views stay valid while the
  /// table and the inputs live.
  void collect_live_winners(std::vector<struct winner>& out) const;

  /// Keys whose winner is a delete marker.
  [[nodiscard]] std::size_t deleted() const noexcept;

 private:
  absl::flat_hash_map<std::string, candidate> map_;
};

/// A merge table split into shards by key hash. Each thread fills its own; at the end the
/// threads' tables are combined shard by shard, in parallel, instead of one after another.
class sharded_merge_table {
 public:
  static constexpr std::size_t shard_count = 64;

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
};

}  // namespace mergepipe::detail
