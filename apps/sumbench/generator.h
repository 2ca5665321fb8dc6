#pragma once
// The numbers sumbench adds. Number i is a pure function of (seed, i), computed with the
// counter-based Philox4x32-10 from Random123, so any thread can make any part of the array and
// the result is the same for every thread count, method and run. The raw bits become values by
// our own code below, never by a std:: distribution (those differ between library versions).
//
//   double: lane l = i % 2 of Philox4x32-10(counter = i / 2, key = seed) takes words 2l, 2l+1
//           as a 64-bit number and keeps its top 53 bits: k / 2^53, in [0, 1).
//   int64:  lane l = i % 4 of Philox4x32-10(counter = i / 4, key = seed) is word l read as a
//           two's-complement int32: in [-2^31, 2^31). |sum| <= n * 2^31, which fits in an
//           int64 for every n up to 2^32 (4.29e9), so no sum of up to 1e9 numbers can overflow.

#include <Random123/philox.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <array>
#include <cstdint>
#include <memory>
#include <span>

namespace sumbench {

/// Largest n for which an int64 sum cannot overflow (see above).
inline constexpr std::uint64_t max_int64_n = std::uint64_t{1} << 32;

namespace detail {

using philox = r123::Philox4x32;

/// The four 32-bit words of Philox4x32-10 for one counter.
inline std::array<std::uint32_t, 4> philox_words(std::uint64_t seed, std::uint64_t counter) {
  const philox::ctr_type ctr = {
      {static_cast<std::uint32_t>(counter), static_cast<std::uint32_t>(counter >> 32), 0, 0}};
  const philox::key_type key = {
      {static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}};
  const philox::ctr_type r = philox{}(ctr, key);
  return {r[0], r[1], r[2], r[3]};
}

template <class V>
struct lanes;  // how many values one Philox call makes
template <>
struct lanes<double> : std::integral_constant<unsigned, 2> {};
template <>
struct lanes<std::int64_t> : std::integral_constant<unsigned, 4> {};

inline void to_value(const std::array<std::uint32_t, 4>& w, unsigned lane, double& out) {
  const std::uint64_t bits = (std::uint64_t{w[2 * lane]} << 32) | w[2 * lane + 1];
  out = static_cast<double>(bits >> 11) * 0x1p-53;  // exact: 53 bits fit a double's mantissa
}

inline void to_value(const std::array<std::uint32_t, 4>& w, unsigned lane, std::int64_t& out) {
  out = static_cast<std::int32_t>(w[lane]);  // modular since C++20: two's complement
}

/// Writes numbers [begin, end) of the stream to out[0 .. end-begin).
template <class V>
void fill_range(V* out, std::uint64_t seed, std::uint64_t begin, std::uint64_t end) {
  constexpr unsigned k = lanes<V>::value;
  for (std::uint64_t i = begin; i < end;) {
    const auto words = philox_words(seed, i / k);
    for (unsigned lane = static_cast<unsigned>(i % k); lane < k && i < end; ++lane, ++i) {
      to_value(words, lane, out[i - begin]);
    }
  }
}

}  // namespace detail

/// Number i of the stream for `seed` (double or std::int64_t).
template <class V>
V value_at(std::uint64_t seed, std::uint64_t i) {
  V v{};
  detail::fill_range(&v, seed, i, i + 1);
  return v;
}

/// Sets out[i] = value_at<V>(seed, i) for every i, on `threads` threads.
template <class V>
void generate(std::span<V> out, std::uint64_t seed, int threads) {
  // fill_range() starts at any index, so pieces may split anywhere; 16K values a piece keeps
  // the scheduling cost far below the cost of the numbers.
  constexpr std::size_t grain = 1 << 14;
  tbb::task_arena arena(threads);
  arena.execute([&] {
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, out.size(), grain),
                      [&](const tbb::blocked_range<std::size_t>& r) {
                        detail::fill_range(out.data() + r.begin(), seed, r.begin(), r.end());
                      });
  });
}

/// n values, allocated without being written. A std::vector would zero them first, on one
/// thread, and first-touch page faults are slow on this VM (seconds for a few GB); here the
/// parallel generate() touches each page first, so the faults are spread over the threads.
template <class V>
std::unique_ptr<V[]> make_values(std::size_t n, std::uint64_t seed, int threads) {
  auto values = std::make_unique_for_overwrite<V[]>(n);
  generate(std::span<V>(values.get(), n), seed, threads);
  return values;
}

}  // namespace sumbench
