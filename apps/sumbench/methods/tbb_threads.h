#pragma once
// T threads for oneTBB, shared by the tbb, tbb-det and std-par methods.

#include <tbb/global_control.h>
#include <tbb/task_arena.h>

#include <utility>

namespace sumbench::detail {

/// An arena of T slots plus the permission to fill them. oneTBB keeps cores-1 workers by
/// default, so an arena of 8 on 2 cores would run on 2 threads and the sweep past the core
/// count would measure nothing; the global_control lifts that limit to T while we hold it.
class tbb_threads {
 public:
  explicit tbb_threads(int threads)
      : limit_(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads)),
        arena_(threads) {
    arena_.initialize();
  }

  /// Runs `f` in the arena and returns its result.
  template <class F>
  auto execute(F&& f) {
    return arena_.execute(std::forward<F>(f));
  }

 private:
  tbb::global_control limit_;
  tbb::task_arena arena_;
};

}  // namespace sumbench::detail
