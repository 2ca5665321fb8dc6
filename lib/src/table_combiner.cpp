#include "table_combiner.h"

#include <oneapi/tbb/parallel_pipeline.h>

#include <algorithm>
#include <array>
#include <numeric>
#include <queue>
#include <tuple>

#include "key_encoding.h"
#include "tsan_annotations.h"

namespace mergepipe::detail {
namespace {

constexpr std::size_t shards = sharded_merge_table::shard_count;

struct shard_result {
  std::vector<winner> live;
  std::uint64_t size = 0;
  std::uint64_t deleted = 0;
};

bool before(const winner& a, const winner& b, output_order order) noexcept {
  if (order == output_order::key) return compare_keys(a.key, b.key) < 0;
  return std::tie(a.file, a.offset) < std::tie(b.file, b.offset);
}

// A k-way merge of the sorted shards: 64 runs cost 6 comparisons per winner.
std::vector<winner> merge_sorted(std::array<shard_result, shards>& results, output_order order) {
  std::size_t total = 0;
  for (const shard_result& r : results) total += r.live.size();
  std::vector<winner> merged;
  merged.reserve(total);
  using head = std::pair<std::size_t, std::size_t>;  // (shard, index in shard)
  auto later = [&](const head& a, const head& b) {
    return before(results[b.first].live[b.second], results[a.first].live[a.second], order);
  };
  std::priority_queue<head, std::vector<head>, decltype(later)> heads(later);
  for (std::size_t s = 0; s < shards; ++s) {
    if (!results[s].live.empty()) heads.push({s, 0});
  }
  while (!heads.empty()) {
    auto [s, i] = heads.top();
    heads.pop();
    merged.push_back(results[s].live[i]);
    if (i + 1 < results[s].live.size()) heads.push({s, i + 1});
  }
  return merged;
}

// Runs `fn(shard)` for every shard index, in parallel. A pipeline rather than parallel_for:
// its edges are the ones stated for ThreadSanitizer.
template <typename Fn>
void for_each_shard(unsigned tokens, Fn fn) {
  std::array<std::size_t, shards> indices;  // their addresses are the items passed along
  std::iota(indices.begin(), indices.end(), std::size_t{0});
  std::size_t next = 0;
  char done = 0;
  auto filters = build_filters([&] {
    return tbb::make_filter<void, std::size_t*>(tbb::filter_mode::serial_in_order,
                                                [&](tbb::flow_control& fc) -> std::size_t* {
                                                  stage_scope scope(nullptr, &next, &done);
                                                  if (next == shards) {
                                                    fc.stop();
                                                    return nullptr;
                                                  }
                                                  std::size_t* index = &indices[next++];
                                                  happens_before(index);
                                                  return index;
                                                }) &
           tbb::make_filter<std::size_t*, void>(tbb::filter_mode::parallel, [&](std::size_t* index) {
             stage_scope scope(index, nullptr, &done);
             fn(*index);
           });
  });
  pipeline_scope edges(&done);
  tbb::parallel_pipeline(tokens, filters);
}

void fold_shard(const std::vector<sharded_merge_table*>& tables, std::size_t s) {
  merge_table& target = tables[0]->shard(s);
  for (std::size_t t = 1; t < tables.size(); ++t) target.absorb(tables[t]->shard(s));
}

}  // namespace

void fold_tables(const std::vector<sharded_merge_table*>& tables, unsigned tokens) {
  if (tables.size() < 2) return;
  for_each_shard(tokens, [&](std::size_t s) { fold_shard(tables, s); });
}

combined_winners combine_tables(const std::vector<sharded_merge_table*>& tables, output_order order,
                                unsigned tokens) {
  std::array<shard_result, shards> results;
  if (!tables.empty()) {
    for_each_shard(tokens, [&](std::size_t s) {
      fold_shard(tables, s);
      const merge_table& folded = tables[0]->shard(s);
      shard_result& r = results[s];
      r.size = folded.size();
      r.deleted = folded.deleted();
      folded.collect_live_winners(r.live);
      std::sort(r.live.begin(), r.live.end(),
                [order](const winner& a, const winner& b) { return before(a, b, order); });
    });
  }
  combined_winners combined;
  for (const shard_result& r : results) {
    combined.distinct_keys += r.size;
    combined.deleted += r.deleted;
  }
  combined.live = merge_sorted(results, order);
  return combined;
}

}  // namespace mergepipe::detail
