#pragma once

// oneTBB from Debian is not built with ThreadSanitizer, so TSan cannot see the ordering the
// pipeline guarantees (a chunk passes from stage to stage; a serial stage runs one item at a
// time; everything happens before parallel_pipeline returns). These annotations state exactly
// those edges and nothing more, so real races in our code are still reported.

#if defined(__SANITIZE_THREAD__)
extern "C" void __tsan_acquire(void* addr);
extern "C" void __tsan_release(void* addr);
#endif

namespace mergepipe::detail {

/// Everything this thread did so far happens before a later `happens_after(sync)`.
inline void happens_before([[maybe_unused]] const void* sync) noexcept {
#if defined(__SANITIZE_THREAD__)
  __tsan_release(const_cast<void*>(sync));
#endif
}

/// Sees everything done before the matching `happens_before(sync)`.
inline void happens_after([[maybe_unused]] const void* sync) noexcept {
#if defined(__SANITIZE_THREAD__)
  __tsan_acquire(const_cast<void*>(sync));
#endif
}

}  // namespace mergepipe::detail
