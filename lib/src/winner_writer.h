#pragma once

#include <vector>

#include "merge_table.h"
#include "mergepipe/options.h"
#include "mergepipe/sink.h"

namespace mergepipe::detail {

/// Sorts the winners (by input position or by key) and writes them to `out`, minified.
/// Sorting and minifying run in parallel; `out` is called from one thread at a time, in
/// order. Must run inside the merge's task arena.
void write_winners(std::vector<winner>& winners, output_order order, record_sink& out,
                   unsigned tokens);

}  // namespace mergepipe::detail
