#include "table_combiner.h"

#include <oneapi/tbb/parallel_pipeline.h>

#include <algorithm>
#include <array>
#include <numeric>
#include <queue>
#include <tuple>

#include "key_encoding.h"
#include "mergepipe/error.h"
#include "tsan_annotations.h"

namespace mergepipe::detail {
namespace {

constexpr std::size_t shards = sharded_merge_table::shard_count;

// Where one shard's winners lie in the combined vector.
struct shard_run {
  std::size_t begin = 0;
  std::size_t end = 0;
};

bool before(const winner& a, const winner& b, output_order order) noexcept {
  if (order == output_order::key) return compare_keys(a.key, b.key) < 0;
  return std::tie(a.file, a.offset) < std::tie(b.file, b.offset);
}

// A k-way merge of the sorted runs, as indices: 64 runs cost 6 comparisons per winner, and
// the winners themselves are not copied again.
std::vector<std::uint32_t> merge_runs(const std::vector<winner>& live,
                                      const std::array<shard_run, shards>& runs,
                                      output_order order) {
  std::vector<std::uint32_t> merged;
  merged.reserve(live.size());
  using head = std::pair<std::size_t, std::size_t>;  // (index in live, end of its run)
  auto later = [&](const head& a, const head& b) { return before(live[b.first], live[a.first], order); };
  std::priority_queue<head, std::vector<head>, decltype(later)> heads(later);
  for (const shard_run& run : runs) {
    if (run.begin < run.end) heads.push({run.begin, run.end});
  }
  while (!heads.empty()) {
    auto [i, end] = heads.top();
    heads.pop();
    merged.push_back(static_cast<std::uint32_t>(i));
    if (i + 1 < end) heads.push({i + 1, end});
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
  combined_winners combined;
  if (tables.empty()) return combined;
  // Fold and count first, so that every shard's winners can go straight to their place in
  // one vector: the winners are the largest thing left in memory, and are held once.
  std::array<std::uint64_t, shards> deleted{};
  for_each_shard(tokens, [&](std::size_t s) {
    fold_shard(tables, s);
    deleted[s] = tables[0]->shard(s).deleted();
  });
  std::array<shard_run, shards> runs;
  std::size_t total = 0;
  for (std::size_t s = 0; s < shards; ++s) {
    std::size_t size = tables[0]->shard(s).size();
    combined.distinct_keys += size;
    combined.deleted += deleted[s];
    runs[s] = {total, total + size - deleted[s]};
    total = runs[s].end;
  }
  if (total > UINT32_MAX) throw error(errc::usage, "more than 2^32 distinct keys to write");
  combined.live.resize(total);
  for_each_shard(tokens, [&](std::size_t s) {
    auto first = combined.live.begin() + static_cast<std::ptrdiff_t>(runs[s].begin);
    tables[0]->shard(s).collect_live_winners(first);
    std::sort(first, combined.live.begin() + static_cast<std::ptrdiff_t>(runs[s].end),
              [order](const winner& a, const winner& b) { return before(a, b, order); });
  });
  combined.order = merge_runs(combined.live, runs, order);
  return combined;
}

}  // namespace mergepipe::detail
