#pragma once

#include <cstddef>

#include "mpgen/json_writer.h"
#include "mpgen/rng.h"
#include "mpgen/timestamp_text.h"
#include "mpgen/update_stream.h"

namespace mpgen {

/// More than any one record can take, pretty-printed: the writer's unchecked-write margin.
inline constexpr std::size_t max_record_bytes = 4096;

/// Writes one Mockaroo-like user record for `u`: a full record for an update, only the key,
/// `op` and timestamp for a delete marker.
void write_record(json_writer& out, const update& u, ts_style style, rng& random);

}  // namespace mpgen
