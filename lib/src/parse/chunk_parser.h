#pragma once

#include "chunk.h"
#include "parse/record_scanner.h"

namespace mergepipe::detail {

/// The pipeline's parse stage for one chunk: splits it into records (lines, or the array
/// items the reader delimited), scans each, and fills `c.records`, `c.keys` and `c.bad`
/// in input order.
void parse_chunk(chunk& c, record_scanner& scanner);

}  // namespace mergepipe::detail
