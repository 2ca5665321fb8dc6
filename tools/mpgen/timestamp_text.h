#pragma once

#include <cstdint>

#include "mpgen/json_writer.h"
#include "mpgen/rng.h"

namespace mpgen {

/// How `updated_at` is spelled (see `mpgen --help`).
enum class ts_style { iso, iso_offset, space, epoch, epoch_ms, mockaroo, mixed };

/// The finest unit a timestamp is written with.
enum class resolution : std::uint8_t { day, second, milli, micro, nano };

/// An instant, already truncated to the resolution it is written with, so that every spelling
/// of it (and a deliberate tie that copies it) denotes exactly the same instant.
struct stamp {
  std::int64_t ns;  // since the Unix epoch, UTC
  resolution res;
};

/// Draws a resolution for a fresh timestamp and truncates `ns` to it.
stamp make_stamp(std::int64_t ns, ts_style style, rng& random);

/// Writes `s` as a JSON value (string or number) in one of `style`'s spellings.
void write_timestamp(json_writer& out, ts_style style, stamp s, rng& random);

}  // namespace mpgen
