#include "merge/merge_step.h"

#include <array>
#include <mutex>

namespace mergepipe::detail {

namespace {

// The shard mark of a record that another record of its chunk beats.
constexpr std::uint8_t beaten_in_chunk = 0xFF;

// Exports repeat a key close by (a third of the records of bench/e2e's 1 GB file lose to a
// record of their own 1 MiB chunk). For an input read once, each record the table keeps is
// copied: offering it only the chunk's winner per key keeps the table's winner, as every
// rule but --merge-fields picks one record, and spares the copies of the beaten ones. A
// small open-addressing table of the chunk's own finds them; it stays in the cache. (For a
// mapped file, where a kept record costs no copy, the probes it spares were no dearer than
// its own: measured even.)
template <typename KeyOf, typename StampOf, typename TailOf>
void mark_beaten_in_chunk(chunk& c, const keep_rule& rule, KeyOf key_of, StampOf stamp_of,
                          TailOf tail_of) {
  constexpr std::uint32_t empty = UINT32_MAX;
  const std::size_t count = c.records.size();
  std::size_t capacity = 16;
  while (capacity < 2 * count) capacity *= 2;
  const std::size_t mask = capacity - 1;
  std::vector<std::uint32_t>& winners = c.chunk_winners;
  winners.assign(capacity, empty);
  for (std::uint32_t i = 0; i < count; ++i) {
    const hashed_key key = key_of(i);
    // The top bits choose the shard: take lower ones.
    for (std::size_t slot = (key.hash >> 24) & mask;; slot = (slot + 1) & mask) {
      const std::uint32_t held = winners[slot];
      if (held == empty) {
        winners[slot] = i;
        break;
      }
      if (c.key_hashes[held] != key.hash || key_of(held).key != key.key) continue;
      if (rule.prefers(stamp_of(i), tail_of(i), stamp_of(held), tail_of(held))) {
        c.shards[held] = beaten_in_chunk;
        winners[slot] = i;
      } else {
        c.shards[i] = beaten_in_chunk;
      }
      break;
    }
  }
}

}  // namespace

void merge_step::run(chunk& c) {
  const std::vector<parsed_record>& records = c.records;
  auto key_text = [&c, &records](std::size_t i) {
    return std::string_view(c.keys).substr(records[i].key_begin, records[i].key_size);
  };
  auto key_of = [&c, key_text](std::size_t i) { return hashed_key{key_text(i), c.key_hashes[i]}; };
  const position at = inputs_[c.file].at();
  const keep_rule rule = table_.shard(0).rule();
  const std::size_t tail_size = rule.tail_size;
  auto stamp_of = [&records, at](std::size_t i) {
    const parsed_record& r = records[i];
    return order_stamp{.ts = r.fields.ts,
                       .offset = at.offset + r.offset,
                       .file = at.input,
                       .has_timestamp = r.fields.has_timestamp};
  };
  auto tail_of = [&c, tail_size](std::size_t i) { return c.tails.data() + i * tail_size; };

  c.shards.resize(records.size());
  c.key_hashes.resize(records.size());
  for (std::size_t i = 0; i < records.size(); ++i) {
    c.key_hashes[i] = hash_of_key(key_text(i));
    c.shards[i] = static_cast<std::uint8_t>(sharded_merge_table::shard_of(key_of(i)));
  }
  const bool copy = inputs_[c.file].source().read_once();
  if (copy && !rule.merge_fields) mark_beaten_in_chunk(c, rule, key_of, stamp_of, tail_of);

  // The chunk's records, grouped by shard, so that each shard's lock is taken once.
  std::vector<std::uint32_t>& by_shard = c.by_shard;
  std::array<std::uint32_t, sharded_merge_table::shard_count + 1> starts{};
  for (std::uint8_t shard : c.shards) {
    if (shard != beaten_in_chunk) ++starts[shard + 1];
  }
  for (std::size_t s = 0; s < sharded_merge_table::shard_count; ++s) starts[s + 1] += starts[s];
  by_shard.resize(starts.back());
  std::array<std::uint32_t, sharded_merge_table::shard_count> next{};
  std::copy(starts.begin(), starts.end() - 1, next.begin());
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (c.shards[i] != beaten_in_chunk)
      by_shard[next[c.shards[i]]++] = static_cast<std::uint32_t>(i);
  }

  for (std::size_t s = 0; s < sharded_merge_table::shard_count; ++s) {
    if (starts[s] == starts[s + 1]) continue;
    merge_table& shard = table_.shard(s);
    std::lock_guard hold(table_.lock(s));
    // Most offers miss the cache (the tables outgrow it): ask for the slot a few records
    // ahead so that the memory is on its way when that record's turn comes.
    constexpr std::size_t prefetch_distance = 4;
    for (std::uint32_t k = starts[s]; k < starts[s + 1]; ++k) {
      if (k + prefetch_distance < starts[s + 1])
        shard.prefetch(key_of(by_shard[k + prefetch_distance]));
      const std::uint32_t index = by_shard[k];
      const parsed_record& r = records[index];
      const char* tail = tail_of(index);
      candidate offered{.stamp = stamp_of(index),
                        .data = c.data + r.offset,
                        .size = static_cast<std::uint32_t>(r.size),
                        .is_delete = r.fields.is_delete,
                        .checksum = r.checksum};
      if (rule.merge_fields) {
        shard.offer_fields(key_of(index), offered, tail);
      } else if (copy) {
        shard.offer_copy(key_of(index), offered, tail);
      } else {
        shard.offer(key_of(index), offered, tail);
      }
    }
  }
  c.pages_read.give_back();
  passed(c);
}

void merge_step::passed(const chunk& c) {
  std::lock_guard hold(passed_mutex_);
  if (c.sequence != next_to_pass_) {
    passed_early_.emplace(c.sequence, std::pair{c.file, c.end});
    return;
  }
  release_behind(c.file, c.end);
  for (++next_to_pass_; !passed_early_.empty() && passed_early_.begin()->first == next_to_pass_;
       ++next_to_pass_) {
    auto [file, end] = passed_early_.begin()->second;
    release_behind(file, end);
    passed_early_.erase(passed_early_.begin());
  }
}

void merge_step::release_behind(std::uint32_t file, std::uint64_t end) {
  opened_input& input = inputs_[file];
  if (input.source().read_once()) input.release_before(end);
}

}  // namespace mergepipe::detail
