#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>

#include "mergepipe/options.h"

namespace mergepipe::detail {

/// Calls a pass's progress callback, always from the thread that started the pass (the
/// caller's, which runs pipeline tasks while it waits), so that a callback needs no lock: the
/// read filter records how far it got, and the filters that happen to run on the caller's
/// thread deliver a call when one is due. The pass ends with a call at 100%.
class progress_reporter {
 public:
  /// `total` bytes to read, 0 when unknown (standard input).
  progress_reporter(const run_settings& run, std::uint64_t total)
      : run_(run), total_(total), caller_(std::this_thread::get_id()) {}

  /// From the read filter: bytes handed out so far.
  void record(std::uint64_t bytes_done) noexcept {
    bytes_done_.store(bytes_done, std::memory_order_relaxed);
  }

  /// From any filter: calls back if this is the caller's thread and a call is due.
  void deliver_if_due() {
    if (!run_.on_progress || std::this_thread::get_id() != caller_) return;
    double now = seconds();
    if (now - last_ < run_.progress_interval_seconds) return;
    last_ = now;
    run_.on_progress(progress{bytes_done_.load(std::memory_order_relaxed), total_, now});
  }

  /// After the pipeline, on the caller's thread: the last call, with every byte read (and an
  /// unknown total now known).
  void finish(std::uint64_t bytes_done) {
    if (!run_.on_progress) return;
    run_.on_progress(progress{bytes_done, total_ == 0 ? bytes_done : total_, seconds()});
  }

 private:
  [[nodiscard]] double seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

  const run_settings& run_;
  std::uint64_t total_;
  std::thread::id caller_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::atomic<std::uint64_t> bytes_done_{0};
  double last_ = 0;  // only the caller's thread reads and writes it
};

}  // namespace mergepipe::detail
