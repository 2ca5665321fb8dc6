#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "merge/merge_table.h"

namespace mergepipe::detail {

/// Indices of `winners` in input order: by file, then by offset in the file (ties, which one
/// record cannot make, by index). A bucket sort on each winner's place in the inputs laid end
/// to end: counted and scattered into buckets of a few hundred winners in parallel slices,
/// then each bucket sorted in cache. Must run inside the merge's task arena.
std::vector<std::uint32_t> in_input_order(std::span<const winner> winners, unsigned tokens);

}  // namespace mergepipe::detail
