#include "merge/merge_step.h"

#include <array>
#include <mutex>

namespace mergepipe::detail {

void merge_step::run(chunk& c) {
  const std::vector<parsed_record>& records = c.records;
  auto key_of = [&c, &records](std::size_t i) {
    return hashed_key{std::string_view(c.keys).substr(records[i].key_begin, records[i].key_size),
                      c.key_hashes[i]};
  };
  // The chunk's records, grouped by shard, so that each shard's lock is taken once.
  std::vector<std::uint32_t>& by_shard = c.by_shard;
  std::array<std::uint32_t, sharded_merge_table::shard_count + 1> starts{};
  c.shards.resize(records.size());
  c.key_hashes.resize(records.size());
  for (std::size_t i = 0; i < records.size(); ++i) {
    const parsed_record& r = records[i];
    c.key_hashes[i] = hash_of_key(std::string_view(c.keys).substr(r.key_begin, r.key_size));
    c.shards[i] = static_cast<std::uint8_t>(sharded_merge_table::shard_of(key_of(i)));
    ++starts[c.shards[i] + 1];
  }
  for (std::size_t s = 0; s < sharded_merge_table::shard_count; ++s) starts[s + 1] += starts[s];
  by_shard.resize(records.size());
  std::array<std::uint32_t, sharded_merge_table::shard_count> next{};
  std::copy(starts.begin(), starts.end() - 1, next.begin());
  for (std::size_t i = 0; i < records.size(); ++i) {
    by_shard[next[c.shards[i]]++] = static_cast<std::uint32_t>(i);
  }

  const position at = inputs_[c.file].at();
  const bool copy = inputs_[c.file].source().read_once();
  const std::size_t tail_size = table_.shard(0).rule().tail_size;
  const bool merge_fields = table_.shard(0).rule().merge_fields;
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
      const char* tail = c.tails.data() + std::size_t{index} * tail_size;
      order_stamp stamp{.ts = r.fields.ts,
                        .offset = at.offset + r.offset,
                        .file = at.input,
                        .has_timestamp = r.fields.has_timestamp};
      candidate offered{.stamp = stamp,
                        .data = c.data + r.offset,
                        .size = static_cast<std::uint32_t>(r.size),
                        .is_delete = r.fields.is_delete,
                        .checksum = r.checksum};
      if (merge_fields) {
        shard.offer_fields(key_of(index), offered, tail);
      } else if (copy) {
        shard.offer_copy(key_of(index), offered, tail);
      } else {
        shard.offer(key_of(index), offered, tail);
      }
    }
  }
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
