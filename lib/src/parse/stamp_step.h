#pragma once

#include <cstddef>

#include "chunk.h"
#include "parse/record_stamper.h"

namespace mergepipe::detail {

/// The stamp step, in a filter of its own: stamps the records of a chunk from the fields the
/// parse step kept (`stamper.slot_count()` per record). A record that cannot be stamped
/// (missing key, invalid timestamp) joins `c.bad`, which stays in input order.
void stamp_chunk(chunk& c, record_stamper& stamper);

}  // namespace mergepipe::detail
