#pragma once

#include "chunk.h"
#include "parse/record_scanner.h"

namespace mergepipe::detail {

/// The parse step: splits a chunk into records (lines, or the elements the cut step
/// delimited, or guessed: read/guessed_cut.h) and validates each in full, capturing its selected
/// fields. When the stamp step runs in the same filter (`stamp_too`), each record is stamped as
/// soon as it is captured, while its fields are still in the scanner; otherwise the fields are kept
/// in the chunk for the stamp step. Bad records go to `c.bad`, in input order.
void parse_chunk(chunk& c, record_scanner& scanner, bool stamp_too);

}  // namespace mergepipe::detail
