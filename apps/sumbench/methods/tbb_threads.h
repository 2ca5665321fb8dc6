#pragma once
// T threads for oneTBB, shared by the tbb, tbb-det and std-par methods.

#include <tbb/global_control.h>
#include <tbb/task_arena.h>

#include <optional>
#include <utility>

namespace sumbench::detail {

/// An arena of T slots, and the permission to fill them. oneTBB keeps cores-1 workers unless a
/// global_control allows more, so an arena of 8 on 2 cores would run on 2 threads and the sweep
/// past the core count would measure nothing. When the limit in force is below T, we raise it
/// for as long as we live; the driver raises it once for the whole sweep instead (main.cpp).
class tbb_threads {
 public:
  explicit tbb_threads(int threads) : arena_(threads) {
    const auto wanted = static_cast<std::size_t>(threads);
    if (tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism) < wanted) {
      limit_.emplace(tbb::global_control::max_allowed_parallelism, wanted);
    }
    arena_.initialize();
  }

  /// Runs `f` in the arena and returns its result.
  template <class F>
  auto execute(F&& f) {
    return arena_.execute(std::forward<F>(f));
  }

 private:
  std::optional<tbb::global_control> limit_;  // before arena_: destroyed after it
  tbb::task_arena arena_;
};

}  // namespace sumbench::detail
