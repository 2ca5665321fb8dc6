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
#include <type_traits>
#include <vector>

#include "merge/record_store.h"
#include "parse/timestamp.h"
#include "record_checksum.h"

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

  /// The order when the stamps have further timestamp fields (`tail_size` bytes each, see
  /// `append_further_stamp`): compared after the first and before the position.
  static std::strong_ordering compare(const order_stamp& a, const char* a_tail,
                                      const order_stamp& b, const char* b_tail,
                                      std::size_t tail_size) noexcept {
    if (auto first = std::tie(a.has_timestamp, a.ts) <=> std::tie(b.has_timestamp, b.ts);
        first != 0) {
      return first;
    }
    if (int further = std::memcmp(a_tail, b_tail, tail_size); further != 0) return further <=> 0;
    return std::tie(a.file, a.offset) <=> std::tie(b.file, b.offset);
  }
};

/// Which candidate a table keeps for its keys.
struct keep_rule {
  bool first = false;           ///< The smallest stamp, not the greatest.
  std::uint32_t tail_size = 0;  ///< Bytes of further timestamp fields in each stamp.
  bool merge_fields = false;    ///< Keep a merged object's state (merged_object.h).

  /// True when a record stamped `a` (with `a_tail`) wins over one stamped `b` for a key.
  [[nodiscard]] bool prefers(const order_stamp& a, const char* a_tail, const order_stamp& b,
                             const char* b_tail) const noexcept {
    const std::strong_ordering order =
        tail_size == 0 ? a <=> b : order_stamp::compare(a, a_tail, b, b_tail, tail_size);
    return first ? order < 0 : order > 0;
  }
};

/// A candidate for its key: the stamp, and a view of the record in the (still alive) input,
/// with its checksum, or in its table's record store when the input is read once. 48 bytes:
/// tables hold one per distinct key, and their size is the merge's memory. Records are
/// shorter than 4 GiB (simdjson parses no longer document), merged objects too.
struct candidate {
  order_stamp stamp;
  const char* data = nullptr;
  std::uint32_t size = 0;
  std::uint32_t is_delete : 1 = 0;
  std::uint32_t stored : 1 = 0;                       ///< `data` is in the table's record store
  std::uint32_t checksum : record_checksum_bits = 0;  ///< Of a record not stored
};

/// A winning record as the output needs it: copied out of the table, so that sorting moves
/// small contiguous values instead of chasing pointers into the hash table. Trivially
/// constructible (the key is not a string_view, whose constructor clears it), so that a
/// million of them are allocated without being cleared first; `winner{}` clears one.
struct winner {
  const char* key_data;
  std::uint32_t key_size;
  std::uint32_t file;
  std::uint64_t offset;
  const char* data;
  std::uint32_t size;
  std::uint32_t checksum;
  bool merged;            ///< `data` is a merged object's state, rendered when written
  bool checked;           ///< `data` lies in an input: its checksum is checked when written
  const candidate* held;  ///< The table's entry: the stamp and delete flag

  [[nodiscard]] std::string_view key() const noexcept { return {key_data, key_size}; }
};
static_assert(std::is_trivially_default_constructible_v<winner>);

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

/// The hash of an encoded key in a table. Debian's abseil has its own string_view type; its
/// hash takes that.
inline std::size_t hash_of_key(std::string_view key) noexcept {
  return absl::Hash<absl::string_view>{}(absl::string_view(key.data(), key.size()));
}

/// A key with its hash, computed once for the shard, the prefetch and the probe.
struct hashed_key {
  std::string_view key;
  std::size_t hash = 0;

  static hashed_key of(std::string_view key) noexcept { return {key, hash_of_key(key)}; }
};

/// Hashes a key the same whether it is a probe (a view, hashed or not) or held by a slot.
struct table_key_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view key) const noexcept { return hash_of_key(key); }
  std::size_t operator()(const hashed_key& key) const noexcept { return key.hash; }
  std::size_t operator()(const table_key& key) const noexcept { return hash_of_key(key.view()); }
};

struct table_key_eq {
  using is_transparent = void;
  static std::string_view view(std::string_view key) noexcept { return key; }
  static std::string_view view(const hashed_key& key) noexcept { return key.key; }
  static std::string_view view(const table_key& key) noexcept { return key.view(); }
  template <typename A, typename B>
  bool operator()(const A& a, const B& b) const noexcept {
    return view(a) == view(b);
  }
};

/// The winning candidate per encoded key: the latest, or the first (`keep_rule`); with
/// `merge_fields`, a merged object's state, stamped as the key's latest record. Every rule
/// (greater or smaller stamp wins, states merge) is associative and commutative, so tables
/// can be filled in any order and combined at the end. Keys are kept in an arena of the table's
/// own, so that a slot holds only a view of its key; with further timestamp fields, the
/// held stamp's tail follows its key there.
class merge_table {
 public:
  merge_table() = default;
  /// Copies of records (and merged objects) go to the table's record store, whose full blocks
  /// spill to `spill` past its budget.
  merge_table(keep_rule rule, std::shared_ptr<spill_file> spill)
      : rule_(rule), spill_(std::move(spill)) {}

  /// Keeps `c` for `key` if it wins over the one held; `tail` holds the stamp's further
  /// timestamp fields (`tail_size` bytes; null when there are none). With `merge_fields`,
  /// `c` is an entry of another table or a partial file, whose state is merged in.
  void offer(std::string_view key, const candidate& c, const char* tail = nullptr) {
    offer(hashed_key::of(key), c, tail);
  }
  void offer(hashed_key key, const candidate& c, const char* tail = nullptr) {
    if (rule_.merge_fields) [[unlikely]] {
      merge_in(key, c, tail, false);
      return;
    }
    auto it =
        map_.lazy_emplace(key, [&](const auto& construct) { construct(keep(key.key, tail), c); });
    if (wins(c, tail, it->second, it->first)) {
      it->second = c;
      set_tail(it->first, tail);
    }
  }

  /// As offer, for a record whose input is read once: a candidate kept is a copy in the
  /// table's record store.
  void offer_copy(hashed_key key, const candidate& c, const char* tail) {
    bool inserted = false;
    auto it = map_.lazy_emplace(key, [&](const auto& construct) {
      inserted = true;
      construct(keep(key.key, tail), stored_copy(c));
    });
    if (!inserted && wins(c, tail, it->second, it->first)) {
      if (it->second.stored) records_.drop(it->second.size);
      it->second = stored_copy(c);
      set_tail(it->first, tail);
      if (records_.wasteful()) compact_records();
    }
    records_.settle();
  }

  /// With `merge_fields`: merges a record (`c` views its text) into the state of `key`.
  void offer_fields(hashed_key key, const candidate& c, const char* tail) {
    merge_in(key, c, tail, true);
  }

  /// Bytes of records copied into the table's record store, lost ones included.
  [[nodiscard]] std::uint64_t stored_bytes() const noexcept { return records_.bytes(); }

  /// Starts loading the slot of `key` into the cache.
  void prefetch(hashed_key key) const { map_.prefetch(key); }

  /// Moves every entry of `other` into this table, by the same rule.
  void absorb(merge_table& other);

  [[nodiscard]] std::size_t size() const noexcept { return map_.size(); }

  [[nodiscard]] keep_rule rule() const noexcept { return rule_; }

  /// Calls `fn(key, candidate, tail)` for every entry, in no particular order.
  template <typename Fn>
  void for_each(Fn fn) const {
    for (const auto& [key, value] : map_) fn(key.view(), value, tail_of(key));
  }

  /// Writes the winners from `out` on, delete markers only `with_deletes` (there must be
  /// room for `size()`, or `size() - deleted()`). Views stay valid while the table and the
  /// inputs live. A merged object's winner is its state (`winner::merged`), or with
  /// `with_deletes` the delete marker that hides it.
  void collect_winners(struct winner* out, bool with_deletes) const;

  /// Keys whose winner is a delete marker.
  [[nodiscard]] std::size_t deleted() const noexcept;

 private:
  bool wins(const candidate& offered, const char* offered_tail, const candidate& held,
            const table_key& held_key) const noexcept {
    return rule_.prefers(offered.stamp, offered_tail, held.stamp, tail_of(held_key));
  }
  // `key` in place, or a copy in the arena (which never moves what it holds), followed there
  // by room for the stamp's tail, filled with `tail`, when stamps have one.
  table_key keep(std::string_view key, const char* tail);
  [[nodiscard]] const char* tail_of(const table_key& key) const noexcept {
    std::string_view held = key.view();
    return held.data() + held.size();  // meaningful only when stamps have tails
  }
  void set_tail(const table_key& key, const char* tail) noexcept {
    // The arena's bytes are the table's own, handed out as const only through the key.
    if (rule_.tail_size != 0) std::memcpy(const_cast<char*>(tail_of(key)), tail, rule_.tail_size);
  }
  candidate stored_copy(candidate c) {
    c.data = records_.keep(c.data, c.size, spill_);
    c.stored = 1;
    return c;
  }
  // Merges a record (`is_record`) or another table's state into the state of `key`.
  void merge_in(hashed_key key, const candidate& c, const char* tail, bool is_record);
  // Copies the records still held into a new store and frees the old one.
  void compact_records();
  // Tells the spill file how much memory the table itself holds now (slots and key arena).
  void count_memory() noexcept;

  keep_rule rule_;
  std::shared_ptr<spill_file> spill_;
  absl::flat_hash_map<table_key, candidate, table_key_hash, table_key_eq> map_;
  std::vector<std::unique_ptr<char[]>> arena_;
  char* arena_next_ = nullptr;
  std::size_t arena_left_ = 0;
  std::size_t arena_bytes_ = 0;
  std::size_t counted_ = 0;  // memory of the table last counted in `spill_`
  record_store records_;
};

/// A merge table split into shards by key hash, each with a lock, so that all threads fill
/// one table: every key is held once, not once per thread, and nothing is left to combine.
/// A thread takes a shard's lock once for a run of offers (see `lock`). Several tables (of
/// several passes) are combined shard by shard, in parallel.
class sharded_merge_table {
 public:
  static constexpr std::size_t shard_count = 64;

  explicit sharded_merge_table(keep_rule rule = {}, std::shared_ptr<spill_file> spill = nullptr) {
    for (merge_table& shard : shards_) shard = merge_table(rule, spill);
  }
  sharded_merge_table(const sharded_merge_table&) = delete;
  sharded_merge_table& operator=(const sharded_merge_table&) = delete;

  /// The lock to hold while offering to shard `index` from several threads.
  [[nodiscard]] std::mutex& lock(std::size_t index) noexcept { return locks_[index]; }

  void offer(std::string_view key, const candidate& c, const char* tail = nullptr) {
    const hashed_key hashed = hashed_key::of(key);
    shards_[shard_of(hashed)].offer(hashed, c, tail);
  }

  [[nodiscard]] merge_table& shard(std::size_t index) noexcept { return shards_[index]; }
  [[nodiscard]] const merge_table& shard(std::size_t index) const noexcept {
    return shards_[index];
  }

  /// The top bits of the key's hash: the tables inside use the low bits for their slots.
  static std::size_t shard_of(hashed_key key) noexcept { return key.hash >> 58; }

 private:
  std::array<merge_table, shard_count> shards_;
  std::array<std::mutex, shard_count> locks_;
};

}  // namespace mergepipe::detail
