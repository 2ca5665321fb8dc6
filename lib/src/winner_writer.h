#pragma once

#include <vector>

#include "merge_table.h"
#include "mergepipe/sink.h"

namespace mergepipe::detail {

/// Writes the winners, already in output order, to `out`, minified. Minifying runs in
/// parallel; `out` is called from one thread at a time, in order. Must run inside the merge's
/// task arena.
void write_winners(const std::vector<winner>& winners, record_sink& out, unsigned tokens);

}  // namespace mergepipe::detail
