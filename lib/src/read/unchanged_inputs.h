#pragma once

#include <vector>

#include "mergepipe/error.h"
#include "pipeline.h"

namespace mergepipe::detail {

/// Throws mergepipe::error (errc::io) for the first of `sources` that changed while it was read.
inline void check_unchanged(const std::vector<placed_source>& sources) {
  for (const placed_source& s : sources) s.source->check_unchanged();
}

/// Runs `read`, a pass over `sources`, and vouches for what it read: a file that shrank while
/// mapped reads as zeros, which may pass as bad records or as a wrong result, so the I/O
/// error is reported instead, before anything read reaches a sink.
template <typename Read>
auto read_unchanged(const std::vector<placed_source>& sources, Read&& read) {
  try {
    auto result = read();
    check_unchanged(sources);
    return result;
  } catch (const error& e) {
    if (e.code() == errc::bad_input) check_unchanged(sources);
    throw;
  }
}

}  // namespace mergepipe::detail
