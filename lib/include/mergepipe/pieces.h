#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mergepipe/export.h"

namespace mergepipe {

/// A byte range of one input file, cut on record boundaries, that can be merged on its own
/// (with `source::file_range`) by another thread, process or machine.
struct piece {
  std::uint32_t input = 0;  ///< Index of the file in the list that was cut.
  std::uint64_t begin = 0;  ///< First byte.
  std::uint64_t end = 0;    ///< One past the last byte.
};

/// Cuts `paths` into pieces of about `piece_size` bytes on record boundaries: NDJSON just
/// after a newline, arrays just after an element. Every byte of every file belongs to exactly
/// one piece; a file's pieces are in order, the first begins at 0 and the last ends at the
/// file's size (an empty file is one empty piece). Arrays are scanned once to find their
/// elements; NDJSON files are only looked at around the cuts. A compressed file (gzip, zstd)
/// is decoded from its start, so it is one piece, read whole.
///
/// Throws `mergepipe::error`: `usage` for standard input ("-") or a `piece_size` of 0, `io`
/// for a file that cannot be read, `bad_input` (with its location) for an array that cannot
/// be delimited.
MERGEPIPE_API std::vector<piece> cut_into_pieces(const std::vector<std::string>& paths,
                                                 std::uint64_t piece_size);

}  // namespace mergepipe
