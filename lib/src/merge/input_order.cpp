#include "merge/input_order.h"

#include <algorithm>
#include <bit>
#include <memory>

#include "pipeline/for_each_index.h"

namespace mergepipe::detail {
namespace {

constexpr std::size_t winners_per_bucket = 512;  // sorted in L1/L2
constexpr std::size_t winners_per_slice = 1 << 15;
constexpr std::size_t max_slices = 64;

// A winner's place in the inputs laid end to end, beside its index.
struct placed {
  std::uint64_t place;
  std::uint32_t index;
};

// The winners cut into slices of about `winners_per_slice`, one task each.
struct slicing {
  std::size_t winners;
  std::size_t count = std::clamp<std::size_t>(winners / winners_per_slice, 1, max_slices);
  [[nodiscard]] std::size_t begin(std::size_t slice) const noexcept {
    return winners * slice / count;
  }
};

// Each file's first place: files one after another, each as long as its last winner's
// offset. Each slice finds the ends of its files; then they are put together.
std::vector<std::uint64_t> file_starts(std::span<const winner> winners, const slicing& slices,
                                       unsigned tokens) {
  std::vector<std::vector<std::uint64_t>> slice_ends(slices.count);
  for_each_index(slices.count, tokens, [&](std::size_t s) {
    std::vector<std::uint64_t>& ends = slice_ends[s];
    for (std::size_t i = slices.begin(s); i < slices.begin(s + 1); ++i) {
      const winner& w = winners[i];
      if (w.file >= ends.size()) ends.resize(w.file + std::size_t{1}, 0);
      ends[w.file] = std::max(ends[w.file], w.offset + 1);
    }
  });
  std::vector<std::uint64_t> ends;
  for (const std::vector<std::uint64_t>& more : slice_ends) {
    if (more.size() > ends.size()) ends.resize(more.size(), 0);
    for (std::size_t f = 0; f < more.size(); ++f) ends[f] = std::max(ends[f], more[f]);
  }
  std::vector<std::uint64_t> starts(ends.size() + 1, 0);
  for (std::size_t f = 0; f < ends.size(); ++f) starts[f + 1] = starts[f] + ends[f];
  return starts;
}

}  // namespace

std::vector<std::uint32_t> in_input_order(std::span<const winner> winners, unsigned tokens) {
  const std::size_t n = winners.size();
  std::vector<std::uint32_t> order(n);
  if (n == 0) return order;
  const slicing slices{n};
  const std::vector<std::uint64_t> starts = file_starts(winners, slices, tokens);
  auto place_of = [&](const winner& w) { return starts[w.file] + w.offset; };
  // Buckets as wide as a power of two that gives about `winners_per_bucket` each on average.
  const std::uint64_t extent = starts.back();
  const std::size_t wanted = std::max<std::size_t>(1, n / winners_per_bucket);
  const unsigned shift = static_cast<unsigned>(std::bit_width(extent / wanted));
  const std::size_t buckets = static_cast<std::size_t>((extent - 1) >> shift) + 1;
  // counts[s * buckets + b]: winners of slice s in bucket b, then where slice s writes them.
  std::vector<std::uint32_t> counts(slices.count * buckets, 0);
  for_each_index(slices.count, tokens, [&](std::size_t s) {
    std::uint32_t* count = counts.data() + s * buckets;
    for (std::size_t i = slices.begin(s); i < slices.begin(s + 1); ++i)
      ++count[place_of(winners[i]) >> shift];
  });
  std::vector<std::size_t> bucket_start(buckets + 1, 0);
  std::size_t at = 0;
  for (std::size_t b = 0; b < buckets; ++b) {
    bucket_start[b] = at;
    for (std::size_t s = 0; s < slices.count; ++s) {
      const std::uint32_t count = counts[s * buckets + b];
      counts[s * buckets + b] = static_cast<std::uint32_t>(at);
      at += count;
    }
  }
  bucket_start[buckets] = at;

  auto scattered = std::make_unique_for_overwrite<placed[]>(n);  // each is written once
  for_each_index(slices.count, tokens, [&](std::size_t s) {
    std::uint32_t* next = counts.data() + s * buckets;
    for (std::size_t i = slices.begin(s); i < slices.begin(s + 1); ++i) {
      const std::uint64_t place = place_of(winners[i]);
      scattered[next[place >> shift]++] = {place, static_cast<std::uint32_t>(i)};
    }
  });
  // Buckets in groups of about a slice's winners, so that a task is worth handing out.
  const std::size_t group = std::max<std::size_t>(1, buckets / slices.count);
  for_each_index((buckets + group - 1) / group, tokens, [&](std::size_t g) {
    for (std::size_t b = g * group; b < std::min(buckets, (g + 1) * group); ++b) {
      placed* first = scattered.get() + bucket_start[b];
      placed* last = scattered.get() + bucket_start[b + 1];
      std::sort(first, last, [](const placed& x, const placed& y) {
        return x.place != y.place ? x.place < y.place : x.index < y.index;
      });
      for (const placed* it = first; it != last; ++it)
        order[static_cast<std::size_t>(it - scattered.get())] = it->index;
    }
  });
  return order;
}

}  // namespace mergepipe::detail
