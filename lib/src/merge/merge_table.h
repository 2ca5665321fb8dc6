#pragma once

#include <absl/container/flat_hash_map.h>
#include <absl/hash/hash.h>
#include <absl/strings/string_view.h>

#include <array>
#include <compare>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "merge/record_store.h"
#include "parse/timestamp.h"

namespace mergepipe::detail {

/// The order stamp of contract 1.1: timestamp (absent sorts first), then input position.
/// Laid out in 32 bytes (the flag fills the padding), compared as docs/contract.md says.
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

/// A candidate for its key: the stamp, and a view of the record in the (still alive) input,
/// or in its table's record store when the input is read once. 48 bytes: tables hold one per
/// distinct key, and their size is the merge's memory.
struct candidate {
  order_stamp stamp;
  const char* data = nullptr;
  std::uint64_t size : 62 = 0;
  std::uint64_t is_delete : 1 = 0;
  std::uint64_t stored : 1 = 0;  ///< `data` is in the table's record store
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

/// An encoded key as a table slot holds it: up to 15 bytes in the slot itself (numbers and
/// short strings, most keys), a longer one as a view of a copy in the table's arena. A probe
/// then compares against bytes the slot's cache line already brought, instead of missing the
/// cache a second time on the arena.
class table_key {
 public:
  static constexpr std::size_t inline_capacity = 15;

  /// Holds `key` in place; it must fit `inline_capacity`.
  static table_key in_place(std::string_view key) noexcept {
    table_key k;
    std::memcpy(k.bytes_.data(), key.data(), key.size());
    k.inline_size_ = static_cast<std::uint8_t>(key.size());
    return k;
  }

  /// Refers to `key`, which must outlive the table key.
  static table_key elsewhere(std::string_view key) noexcept {
    table_key k;
    const char* data = key.data();
    std::uint64_t size = key.size();
    std::memcpy(k.bytes_.data(), &data, sizeof data);
    std::memcpy(k.bytes_.data() + sizeof data, &size, sizeof size - 1);  // keys < 2^56 bytes
    k.inline_size_ = elsewhere_mark;
    return k;
  }

  [[nodiscard]] std::string_view view() const noexcept {
    if (inline_size_ != elsewhere_mark) return {bytes_.data(), inline_size_};
    const char* data = nullptr;
    std::uint64_t size = 0;
    std::memcpy(&data, bytes_.data(), sizeof data);
    std::memcpy(&size, bytes_.data() + sizeof data, sizeof size - 1);
    return {data, size};
  }

 private:
  static constexpr std::uint8_t elsewhere_mark = 0xFF;
  std::array<char, inline_capacity> bytes_;
  std::uint8_t inline_size_ = 0;
};

/// Hashes a key the same whether it is a probe (a view) or held by a slot.
struct table_key_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view key) const noexcept {
    // Debian's abseil has its own string_view type; its hash takes that.
    return absl::Hash<absl::string_view>{}(absl::string_view(key.data(), key.size()));
  }
  std::size_t operator()(const table_key& key) const noexcept { return (*this)(key.view()); }
};

struct table_key_eq {
  using is_transparent = void;
  static std::string_view view(std::string_view key) noexcept { return key; }
  static std::string_view view(const table_key& key) noexcept { return key.view(); }
  template <typename A, typename B>
  bool operator()(const A& a, const B& b) const noexcept {
    return view(a) == view(b);
  }
};

/// Latest candidate per encoded key. The rule (greater stamp wins) is associative and
/// commutative, so tables can be filled in any order and combined at the end. Keys are kept
/// in an arena of the table's own, so that a slot holds only a view of its key.
class merge_table {
 public:
  /// Keeps `c` for `key` if its stamp is greater than the one held.
  void offer(std::string_view key, const candidate& c) {
    auto it = map_.lazy_emplace(key, [&](const auto& construct) { construct(keep(key), c); });
    if (it->second.stamp < c.stamp) it->second = c;
  }

  /// As offer, for a record whose input is read once: a candidate kept is a copy in the
  /// table's record store, whose full blocks spill to `spill` past its budget.
  void offer_copy(std::string_view key, const candidate& c,
                  const std::shared_ptr<spill_file>& spill) {
    bool inserted = false;
    auto it = map_.lazy_emplace(key, [&](const auto& construct) {
      inserted = true;
      construct(keep(key), stored_copy(c, spill));
    });
    if (!inserted && it->second.stamp < c.stamp) {
      if (it->second.stored) records_.drop(it->second.size);
      it->second = stored_copy(c, spill);
      if (records_.wasteful()) compact_records();
    }
    records_.settle();
  }

  /// Bytes of records copied into the table's record store, lost ones included.
  [[nodiscard]] std::uint64_t stored_bytes() const noexcept { return records_.bytes(); }

  /// Starts loading the slot of `key` into the cache.
  void prefetch(std::string_view key) const { map_.prefetch(key); }

  /// Moves every entry of `other` into this table, by the same rule.
  void absorb(merge_table& other);

  [[nodiscard]] std::size_t size() const noexcept { return map_.size(); }

  /// Calls `fn(key, candidate)` for every entry, in no particular order.
  template <typename Fn>
  void for_each(Fn fn) const {
    for (const auto& [key, value] : map_) fn(key.view(), value);
  }

  /// Writes the winners that are not delete markers from `out` on (there must be room for
  /// `size() - deleted()`). Views stay valid while the table and the inputs live.
  void collect_live_winners(std::vector<struct winner>::iterator out) const;

  /// Keys whose winner is a delete marker.
  [[nodiscard]] std::size_t deleted() const noexcept;

 private:
  // `key` in place, or a copy in the arena (which never moves what it holds).
  table_key keep(std::string_view key);
  candidate stored_copy(candidate c, const std::shared_ptr<spill_file>& spill) {
    c.data = records_.keep(c.data, c.size, spill);
    c.stored = 1;
    return c;
  }
  // Copies the records still held into a new store and frees the old one.
  void compact_records();

  absl::flat_hash_map<table_key, candidate, table_key_hash, table_key_eq> map_;
  std::vector<std::unique_ptr<char[]>> arena_;
  char* arena_next_ = nullptr;
  std::size_t arena_left_ = 0;
  record_store records_;
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
  static std::size_t shard_of(std::string_view key) noexcept { return table_key_hash{}(key) >> 58; }

 private:
  std::array<merge_table, shard_count> shards_;
  std::array<std::mutex, shard_count> locks_;
};

}  // namespace mergepipe::detail
