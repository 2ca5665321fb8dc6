#include "table_combiner.h"

#include <oneapi/tbb/parallel_pipeline.h>

#include <algorithm>
#include <array>
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

}  // namespace

// A pipeline rather than parallel_for: its edges are the ones stated for ThreadSanitizer.
combined_winners combine_tables(const std::vector<sharded_merge_table*>& tables, output_order order,
                                unsigned tokens) {
  std::array<shard_result, shards> results;
  if (!tables.empty()) {
    std::size_t next = 0;
    char done = 0;
    auto filters = build_filters([&] {
      return tbb::make_filter<void, shard_result*>(tbb::filter_mode::serial_in_order,
                                                   [&](tbb::flow_control& fc) -> shard_result* {
                                                     stage_scope scope(nullptr, &next, &done);
                                                     if (next == shards) {
                                                       fc.stop();
                                                       return nullptr;
                                                     }
                                                     shard_result* r = &results[next++];
                                                     happens_before(r);
                                                     return r;
                                                   }) &
             tbb::make_filter<shard_result*, void>(
                 tbb::filter_mode::parallel, [&](shard_result* r) {
                   stage_scope scope(r, nullptr, &done);
                   auto s = static_cast<std::size_t>(r - results.data());
                   merge_table& target = tables[0]->shard(s);
                   for (std::size_t t = 1; t < tables.size(); ++t)
                     target.absorb(tables[t]->shard(s));
                   r->size = target.size();
                   r->deleted = target.deleted();
                   target.collect_live_winners(r->live);
                   std::sort(
                       r->live.begin(), r->live.end(),
                       [order](const winner& a, const winner& b) { return before(a, b, order); });
                 });
    });
    pipeline_scope edges(&done);
    tbb::parallel_pipeline(tokens, filters);
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
