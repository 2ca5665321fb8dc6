#pragma once

#include <cstddef>

namespace mergepipe::detail {

/// Keeps the process alive when a memory-mapped file shrinks while it is read. Touching a
/// mapped page past the file's new end raises SIGBUS, which would kill the process: a
/// process-wide handler, installed with the first guard, looks the address up among the
/// guarded ranges, maps zero pages over the rest of the range and lets the read go on; the
/// guard then reports `faulted()`, and the caller must not trust what it read. A SIGBUS
/// anywhere else goes to the handler that was there before (the default one kills).
///
/// At most 4096 ranges are guarded at once; beyond that a range is read unguarded. A handler
/// installed later by the application takes precedence over this one.
class mapping_guard {
 public:
  mapping_guard() = default;
  ~mapping_guard() { unwatch(); }
  mapping_guard(const mapping_guard&) = delete;
  mapping_guard& operator=(const mapping_guard&) = delete;

  /// Guards the `size` bytes at `begin`, which must be page-aligned; replaces any range
  /// guarded before. Async-signal-safe lookups make the handler safe to run on any thread.
  void watch(const void* begin, std::size_t size);
  /// Stops guarding; call before the range is unmapped.
  void unwatch() noexcept;
  /// True when a page of the range could not be read and now reads as zeros.
  [[nodiscard]] bool faulted() const noexcept;

 private:
  int slot_ = -1;
};

}  // namespace mergepipe::detail
