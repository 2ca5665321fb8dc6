#include "merge/table_combiner.h"

#include <algorithm>
#include <array>
#include <queue>
#include <tuple>

#include "merge/input_order.h"
#include "mergepipe/error.h"
#include "parse/key_encoding.h"
#include "pipeline/for_each_index.h"

namespace mergepipe::detail {
namespace {

constexpr std::size_t shards = sharded_merge_table::shard_count;

// Where one shard's winners lie in the combined vector.
struct shard_run {
  std::size_t begin = 0;
  std::size_t end = 0;
};

bool key_before(const winner& a, const winner& b) noexcept {
  return compare_keys(a.key(), b.key()) < 0;
}

bool input_before(const winner& a, const winner& b) noexcept {
  return std::tie(a.file, a.offset) < std::tie(b.file, b.offset);
}

// A k-way merge of sorted runs into `out`, as indices: 64 runs cost 6 comparisons per
// winner, and the winners themselves are not copied again.
void merge_pieces(std::span<const winner> live, const std::array<shard_run, shards>& pieces,
                  std::uint32_t* out) {
  using head = std::pair<std::size_t, std::size_t>;  // (index in live, end of its piece)
  auto later = [&](const head& a, const head& b) {
    return key_before(live[b.first], live[a.first]);
  };
  std::vector<head> storage;
  storage.reserve(shards);
  std::priority_queue<head, std::vector<head>, decltype(later)> heads(later, std::move(storage));
  for (const shard_run& piece : pieces) {
    if (piece.begin < piece.end) heads.push({piece.begin, piece.end});
  }
  while (!heads.empty()) {
    auto [i, end] = heads.top();
    heads.pop();
    *out++ = static_cast<std::uint32_t>(i);
    if (i + 1 < end) heads.push({i + 1, end});
  }
}

// Winners sampled evenly from every run, sorted: their quantiles cut all runs alike.
std::vector<std::size_t> splitters(std::span<const winner> live,
                                   const std::array<shard_run, shards>& runs) {
  constexpr std::size_t samples_per_run = 16;
  std::vector<std::size_t> sample;
  for (const shard_run& run : runs) {
    for (std::size_t k = 0; k < samples_per_run && run.begin < run.end; ++k)
      sample.push_back(run.begin + (run.end - run.begin) * k / samples_per_run);
  }
  std::sort(sample.begin(), sample.end(),
            [&](std::size_t a, std::size_t b) { return key_before(live[a], live[b]); });
  sample.erase(std::unique(sample.begin(), sample.end()), sample.end());
  std::vector<std::size_t> chosen;
  for (std::size_t b = 1; b < shards && !sample.empty(); ++b)
    chosen.push_back(sample[b * sample.size() / shards]);
  return chosen;
}

// Merges the runs sorted by key into key order, as indices, in parallel: splitters cut every
// run at the same values, so piece b of the output is the merge of every run's b-th piece
// and the pieces are merged at once.
std::vector<std::uint32_t> merge_runs(std::span<const winner> live,
                                      const std::array<shard_run, shards>& runs, unsigned tokens) {
  std::vector<std::size_t> cuts_at = splitters(live, runs);
  // pieces[b][r]: the part of run r that goes to output piece b.
  std::vector<std::array<shard_run, shards>> pieces(cuts_at.size() + 1);
  for (std::size_t r = 0; r < shards; ++r) {
    std::size_t from = runs[r].begin;
    for (std::size_t b = 0; b < pieces.size(); ++b) {
      std::size_t to = runs[r].end;
      if (b < cuts_at.size()) {
        const winner& cut = live[cuts_at[b]];
        to = static_cast<std::size_t>(
            std::partition_point(live.begin() + static_cast<std::ptrdiff_t>(from),
                                 live.begin() + static_cast<std::ptrdiff_t>(runs[r].end),
                                 [&](const winner& w) { return key_before(w, cut); }) -
            live.begin());
      }
      pieces[b][r] = {from, to};
      from = to;
    }
  }
  std::vector<std::size_t> starts(pieces.size() + 1, 0);
  for (std::size_t b = 0; b < pieces.size(); ++b) {
    starts[b + 1] = starts[b];
    for (const shard_run& piece : pieces[b]) starts[b + 1] += piece.end - piece.begin;
  }
  std::vector<std::uint32_t> merged(live.size());
  for_each_index(shards, tokens, [&](std::size_t b) {
    if (b < pieces.size()) merge_pieces(live, pieces[b], merged.data() + starts[b]);
  });
  return merged;
}

void fold_shard(const std::vector<sharded_merge_table*>& tables, std::size_t s) {
  merge_table& target = tables[0]->shard(s);
  for (std::size_t t = 1; t < tables.size(); ++t) target.absorb(tables[t]->shard(s));
}

}  // namespace

void fold_tables(const std::vector<sharded_merge_table*>& tables, unsigned tokens) {
  if (tables.size() < 2) return;
  for_each_index(shards, tokens, [&](std::size_t s) { fold_shard(tables, s); });
}

combined_winners combine_tables(const std::vector<sharded_merge_table*>& tables, output_order order,
                                bool with_deletes, unsigned tokens) {
  combined_winners combined;
  if (tables.empty()) return combined;
  // Fold and count first, so that every shard's winners can go straight to their place in
  // one vector: the winners are the largest thing left in memory, and are held once.
  std::array<std::uint64_t, shards> deleted{};
  for_each_index(shards, tokens, [&](std::size_t s) {
    fold_shard(tables, s);
    deleted[s] = tables[0]->shard(s).deleted();
  });
  std::array<shard_run, shards> runs;
  std::size_t total = 0;
  for (std::size_t s = 0; s < shards; ++s) {
    std::size_t size = tables[0]->shard(s).size();
    combined.distinct_keys += size;
    combined.deleted += deleted[s];
    runs[s] = {total, total + size - (with_deletes ? 0 : deleted[s])};
    total = runs[s].end;
  }
  if (total > UINT32_MAX) throw error(errc::usage, "more than 2^32 distinct keys to write");
  combined.live = std::make_unique_for_overwrite<winner[]>(total);
  combined.live_count = total;
  for_each_index(shards, tokens, [&](std::size_t s) {
    winner* first = combined.live.get() + runs[s].begin;
    winner* last = combined.live.get() + runs[s].end;
    tables[0]->shard(s).collect_winners(first, with_deletes);
    // Sorted in input order too, although the bucket sort needs no sorted runs: the writer
    // then reads the winners in 64 sequential streams rather than at random. Lambdas rather
    // than the functions themselves, which std::sort would call through a pointer.
    if (order == output_order::key) {
      std::sort(first, last, [](const winner& a, const winner& b) { return key_before(a, b); });
    } else {
      std::sort(first, last, [](const winner& a, const winner& b) { return input_before(a, b); });
    }
  });
  combined.order = order == output_order::key ? merge_runs(combined.winners(), runs, tokens)
                                              : in_input_order(combined.winners(), tokens);
  return combined;
}

}  // namespace mergepipe::detail
