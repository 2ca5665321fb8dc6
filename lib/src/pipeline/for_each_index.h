#pragma once

#include <oneapi/tbb/parallel_pipeline.h>

#include <cstddef>
#include <numeric>
#include <vector>

#include "pipeline/tsan_annotations.h"

namespace mergepipe::detail {

/// Runs `fn(index)` for every index below `count`, up to `tokens` at a time, on the threads of
/// the current task arena. A pipeline rather than parallel_for: its edges are the ones stated
/// for ThreadSanitizer.
template <typename Fn>
void for_each_index(std::size_t count, unsigned tokens, Fn fn) {
  std::vector<std::size_t> indices(count);  // their addresses are the items passed along
  std::iota(indices.begin(), indices.end(), std::size_t{0});
  std::size_t next = 0;
  char done = 0;
  auto filters = build_filters([&] {
    return tbb::make_filter<void, std::size_t*>(tbb::filter_mode::serial_in_order,
                                                [&](tbb::flow_control& fc) -> std::size_t* {
                                                  stage_scope scope(nullptr, &next, &done);
                                                  if (next == indices.size()) {
                                                    fc.stop();
                                                    return nullptr;
                                                  }
                                                  std::size_t* index = &indices[next++];
                                                  happens_before(index);
                                                  return index;
                                                }) &
           tbb::make_filter<std::size_t*, void>(tbb::filter_mode::parallel,
                                                [&](std::size_t* index) {
                                                  stage_scope scope(index, nullptr, &done);
                                                  fn(*index);
                                                });
  });
  pipeline_scope edges(&done);
  tbb::parallel_pipeline(tokens, filters);
}

}  // namespace mergepipe::detail
