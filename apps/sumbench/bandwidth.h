#pragma once
// The memory read test: how fast this machine streams a buffer far larger than the per-core
// caches, on one thread and on all cores. The report compares each sum's GB/s with it to say
// when a run hit the memory wall.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

namespace sumbench {

/// Result of the read test.
struct read_bandwidth {
  std::size_t bytes = 0;  ///< buffer size
  int threads = 1;        ///< threads of the all-cores read
  double one_gbps = 0;    ///< best read rate on one thread, GB/s (1e9 bytes)
  double all_gbps = 0;    ///< best read rate on `threads` threads
};

namespace detail {

// Integer adds have no rounding, so the compiler may vectorise this loop: it runs at the speed
// of the loads, which is what we want to measure.
inline std::uint64_t read_all(const std::uint64_t* p, std::size_t n) {
  std::uint64_t s = 0;
  for (std::size_t i = 0; i < n; ++i) s += p[i];
  return s;
}

/// Runs f(part, begin, end) on `threads` std::threads over equal parts of [0, n).
template <class F>
void on_parts(std::size_t n, int threads, F f) {
  std::vector<std::jthread> workers;
  const auto t = static_cast<std::size_t>(threads);
  for (std::size_t k = 0; k < t; ++k) workers.emplace_back(f, k, k * n / t, (k + 1) * n / t);
}

/// Best of `passes` timed reads of the buffer on `threads` threads, in GB/s.
inline double best_read_gbps(const std::uint64_t* p, std::size_t n, int threads, int passes) {
  double best_s = 1e30;
  std::vector<std::uint64_t> sinks(static_cast<std::size_t>(threads) * 8);  // 64 bytes apart
  for (int pass = 0; pass < passes; ++pass) {
    const auto start = std::chrono::steady_clock::now();
    on_parts(n, threads, [&](std::size_t part, std::size_t b, std::size_t e) {
      sinks[part * 8] += read_all(p + b, e - b);
    });
    best_s = std::min(
        best_s, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  volatile std::uint64_t keep = 0;  // the sums must look used, or the reads could vanish
  for (const auto s : sinks) keep = keep + s;
  return static_cast<double>(n * sizeof(std::uint64_t)) / best_s / 1e9;
}

}  // namespace detail

/// Measures the read rate over a fresh buffer of `bytes` bytes, on 1 and on `threads` threads.
inline read_bandwidth measure_read_bandwidth(std::size_t bytes, int threads) {
  const std::size_t n = bytes / sizeof(std::uint64_t);
  auto buffer = std::make_unique_for_overwrite<std::uint64_t[]>(n);
  // Touch the pages in parallel first: page faults are slow here and must not be timed.
  detail::on_parts(n, threads, [p = buffer.get()](std::size_t, std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) p[i] = i;
  });
  read_bandwidth r;
  r.bytes = n * sizeof(std::uint64_t);
  r.threads = threads;
  r.all_gbps = detail::best_read_gbps(buffer.get(), n, threads, 5);
  r.one_gbps = detail::best_read_gbps(buffer.get(), n, 1, 3);
  return r;
}

}  // namespace sumbench
