#pragma once
// The summing methods of sumbench, one file each under methods/ (the taskflow benchmark layout).
// Each factory does its set-up (threads, arenas) up front, so that only sum() is timed.

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

namespace sumbench {

/// One way of summing, set up for a fixed thread count.
class summer {
 public:
  virtual ~summer() = default;
  /// The sum of `values` (the part of the run that is timed).
  virtual double sum(std::span<const double> values) = 0;
  /// The sum of `values`; exact, so every method must give the same result.
  virtual std::int64_t sum(std::span<const std::int64_t> values) = 0;
  /// Threads that ran part of the last sum; 0 when the method cannot tell (std-par).
  virtual int threads_used() const = 0;
};

/// `std::accumulate` on the calling thread; ignores `threads`.
std::unique_ptr<summer> make_serial(int threads);
/// T equal parts, one `std::thread` each (started inside sum()), parts added in order.
std::unique_ptr<summer> make_threads(int threads);
/// `tbb::parallel_reduce` (auto_partitioner) in a `task_arena` of T threads.
std::unique_ptr<summer> make_tbb(int threads);
/// `tbb::parallel_deterministic_reduce` (simple_partitioner, fixed grain) in a `task_arena` of T.
std::unique_ptr<summer> make_tbb_det(int threads);
/// `std::reduce(std::execution::par)` called inside a `task_arena` of T threads.
std::unique_ptr<summer> make_std_par(int threads);

/// Leaf size of tbb-det: the split tree depends only on n and this, never on T.
inline constexpr std::size_t tbb_det_grain = 32768;

/// A method as the command line names it.
struct method_info {
  std::string_view name;
  std::string_view what;
  /// Whether a double sum is a function of n and T alone (bit-identical across runs).
  bool repeatable;
  std::unique_ptr<summer> (*make)(int threads);
};

/// All methods, in report order; `serial` comes first because it is the speedup baseline.
inline constexpr std::array<method_info, 5> all_methods{{
    {"serial", "std::accumulate on one thread", true, make_serial},
    {"threads", "T std::threads over T equal parts", true, make_threads},
    {"tbb", "tbb::parallel_reduce in a task_arena of T", false, make_tbb},
    {"tbb-det", "tbb::parallel_deterministic_reduce in a task_arena of T", true, make_tbb_det},
    {"std-par", "std::reduce(std::execution::par) in a task_arena of T", false, make_std_par},
}};

/// The method called `name`, or nullptr.
inline const method_info* find_method(std::string_view name) {
  for (const auto& m : all_methods) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

}  // namespace sumbench
