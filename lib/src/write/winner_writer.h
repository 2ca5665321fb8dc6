#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "merge/merge_table.h"
#include "mergepipe/sink.h"
#include "read/input_set.h"

namespace mergepipe::detail {

/// Writes `winners[order[0]]`, `winners[order[1]]`, ... to `out`, minified. Minifying runs in
/// parallel; `out` is called from one thread at a time, in order. After each run of records
/// written, `written` (if set) is called with the last of them, from any of the writer's
/// threads and not always in order, but only once every earlier run was minified. Must
/// run inside the merge's task arena. A winner whose bytes in `inputs` no longer match their
/// checksum (the file changed since they were validated) is an I/O error naming the input,
/// thrown before its block reaches `out`.
void write_winners(std::span<const winner> winners, const std::vector<std::uint32_t>& order,
                   record_sink& out, unsigned tokens, const input_set& inputs,
                   const std::function<void(const winner&)>& written = {});

}  // namespace mergepipe::detail
