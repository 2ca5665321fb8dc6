#pragma once

// oneTBB from Debian is not built with ThreadSanitizer, so TSan cannot see the ordering the
// pipeline guarantees (a chunk passes from stage to stage; a serial stage runs one item at a
// time; everything happens before parallel_pipeline returns). These annotations state exactly
// those edges and nothing more, so real races in our code are still reported.

#if defined(__SANITIZE_THREAD__)
extern "C" void __tsan_acquire(void* addr);
extern "C" void __tsan_release(void* addr);
extern "C" void AnnotateIgnoreWritesBegin(const char* file, int line);
extern "C" void AnnotateIgnoreWritesEnd(const char* file, int line);
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

/// Builds a oneTBB filter chain with this thread's writes hidden from ThreadSanitizer: a worker
/// reads a filter's body inside libtbb before any code of ours can order it. Only the
/// construction of the chain is hidden, never the running of a stage.
template <typename Build>
auto build_filters(Build&& build) {
#if defined(__SANITIZE_THREAD__)
  AnnotateIgnoreWritesBegin(__FILE__, __LINE__);
  auto chain = build();
  AnnotateIgnoreWritesEnd(__FILE__, __LINE__);
  return chain;
#else
  return build();
#endif
}

/// Address of the "a pipeline started" edge: a global, because a stage must acquire it before
/// it reads anything, even its own captured pointer.
inline char pipeline_start_edge = 0;

/// The edges oneTBB orders for one filter call on `item` (null for the input filter): the
/// pipeline's start, the item's previous stage, and the previous call of a serial stage.
/// Released on scope exit, so that an exception leaving a stage is covered too; `done` is
/// acquired by the caller once the pipeline has returned or thrown.
class stage_scope {
 public:
  stage_scope(const void* item, const void* serial_stage, const void* done) noexcept
      : item_(item), serial_stage_(serial_stage), done_(done) {
    happens_after(&pipeline_start_edge);
    if (item_ != nullptr) happens_after(item_);
    if (serial_stage_ != nullptr) happens_after(serial_stage_);
  }
  ~stage_scope() {
    if (serial_stage_ != nullptr) happens_before(serial_stage_);
    if (item_ != nullptr) happens_before(item_);
    happens_before(done_);
  }
  stage_scope(const stage_scope&) = delete;
  stage_scope& operator=(const stage_scope&) = delete;

 private:
  const void* item_;
  const void* serial_stage_;
  const void* done_;
};

/// Brackets one parallel_pipeline call on the calling thread: releases the start edge, and
/// acquires `done` when leaving, normally or by an exception.
class pipeline_scope {
 public:
  explicit pipeline_scope(const void* done) noexcept : done_(done) {
    happens_before(&pipeline_start_edge);
  }
  ~pipeline_scope() { happens_after(done_); }
  pipeline_scope(const pipeline_scope&) = delete;
  pipeline_scope& operator=(const pipeline_scope&) = delete;

 private:
  const void* done_;
};

}  // namespace mergepipe::detail
