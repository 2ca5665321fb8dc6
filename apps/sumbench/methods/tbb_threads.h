#pragma once
// T threads for oneTBB, shared by the tbb, tbb-det and std-par methods.

#include <tbb/global_control.h>
#include <tbb/task_arena.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <utility>

namespace sumbench::detail {

/// Which threads ran part of a sum. oneTBB 2021.8 workers leave an arena as soon as it has no
/// work, and a sum of a fraction of a millisecond can be over before they come back; this shows
/// it. (A task_scheduler_observer would count threads entering the arena, but that includes
/// threads that come too late to take work, and oneTBB 2021.8 can leak its proxy.)
class thread_tally {
 public:
  /// Starts a new count.
  void start() {
    const std::lock_guard lock(mutex_);
    seen_.clear();
    epoch_.store(next_epoch_.fetch_add(1) + 1, std::memory_order_relaxed);
  }
  /// Counts the calling thread. Called once per chunk of thousands of numbers: a thread-local
  /// compare, next to nothing beside the chunk's adds; the lock is taken once per thread.
  void mark() {
    thread_local std::uint64_t last = 0;  // epochs are unique across tallies
    const std::uint64_t epoch = epoch_.load(std::memory_order_relaxed);
    if (last != epoch) [[unlikely]] {
      last = epoch;
      record();
    }
  }
  /// The slow path of mark(): once per thread and sum.
  [[gnu::noinline]] void record() {
    const std::lock_guard lock(mutex_);
    seen_.insert(std::this_thread::get_id());
  }

  /// Threads counted since start().
  int count() {
    const std::lock_guard lock(mutex_);
    return static_cast<int>(seen_.size());
  }

 private:
  static inline std::atomic<std::uint64_t> next_epoch_{0};
  std::atomic<std::uint64_t> epoch_{0};
  std::mutex mutex_;
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
  }

  /// Runs `f` in the arena and returns its result; f's chunks may call tally().mark().
  template <class F>
  auto execute(F&& f) {
    tally_.start();
    struct count_at_exit {  // runs after execute() returns, whatever its type
      tbb_threads& self;
      ~count_at_exit() { self.used_ = self.tally_.count(); }
    } count{*this};
    return arena_.execute(std::forward<F>(f));
  }

  /// The tally of the current execute().
  thread_tally& tally() { return tally_; }
  /// Threads that marked the tally during the last execute(); 0 when nothing marks it.
  int used() const { return used_; }

 private:
  std::optional<tbb::global_control> limit_;  // declared first: outlives the arena
  tbb::task_arena arena_;
  thread_tally tally_;
  int used_ = 0;
};

}  // namespace sumbench::detail
