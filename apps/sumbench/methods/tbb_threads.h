#pragma once
// T threads for oneTBB, shared by the tbb, tbb-det and std-par methods.

#include <tbb/global_control.h>
#include <tbb/task_arena.h>
#include <tbb/task_scheduler_observer.h>

#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <utility>

namespace sumbench::detail {

/// Counts the threads inside an arena while a sum runs: the ones already there when it starts
/// and the ones that join. oneTBB 2021.8 workers leave an arena as soon as it has no work, and
/// a sum of a fraction of a millisecond can be over before they come back; this shows it. A
/// thread counted may still have joined too late to take any work.
class thread_census final : public tbb::task_scheduler_observer {
 public:
  explicit thread_census(tbb::task_arena& arena) : tbb::task_scheduler_observer(arena) {
    observe(true);
  }
  ~thread_census() override { observe(false); }

  /// Starts a new count with the threads inside now.
  void start() {
    const std::lock_guard lock(mutex_);
    seen_ = inside_;
  }
  /// Threads inside at start() or since.
  int count() {
    const std::lock_guard lock(mutex_);
    return static_cast<int>(seen_.size());
  }

  void on_scheduler_entry(bool /*is_worker*/) override {
    const std::lock_guard lock(mutex_);
    inside_.insert(std::this_thread::get_id());
    seen_.insert(std::this_thread::get_id());
  }
  void on_scheduler_exit(bool /*is_worker*/) override {
    const std::lock_guard lock(mutex_);
    inside_.erase(std::this_thread::get_id());
  }

 private:
  std::mutex mutex_;  // entries and exits only, never per task
  std::set<std::thread::id> inside_;
  std::set<std::thread::id> seen_;
};

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
    census_.emplace(arena_);
  }

  /// Runs `f` in the arena and returns its result.
  template <class F>
  auto execute(F&& f) {
    census_->start();
    struct count_at_exit {  // runs after execute() returns, whatever its type
      tbb_threads& self;
      ~count_at_exit() { self.used_ = self.census_->count(); }
    } count{*this};
    return arena_.execute(std::forward<F>(f));
  }

  /// Threads in the arena during the last execute().
  int used() const { return used_; }

 private:
  std::optional<tbb::global_control> limit_;  // declared first: outlives the arena
  tbb::task_arena arena_;
  std::optional<thread_census> census_;  // observes arena_, so it goes first
  int used_ = 0;
};

}  // namespace sumbench::detail
