#pragma once

#include <cstdint>
#include <cstring>
#include <string>

#include "parse/timestamp.h"

namespace mergepipe::detail {

/// What the merge needs from one good record besides its key.
struct record_fields {
  bool has_timestamp = false;  ///< False when the field is absent or null (oldest).
  timestamp ts;                ///< Of the first timestamp field; the others are in the tail.
  bool is_delete = false;
};

/// Bytes of a timestamp field after the first in a stamp's tail: a presence byte, then the
/// seconds with the sign bit flipped and the nanoseconds, big-endian, so that tails compare
/// with memcmp as their fields do in turn (absent or null first).
inline constexpr std::size_t further_stamp_size = 13;

inline void append_further_stamp(std::string& tail, bool present, timestamp ts) {
  char bytes[further_stamp_size] = {};
  if (present) {
    bytes[0] = 1;
    std::uint64_t seconds =
        __builtin_bswap64(static_cast<std::uint64_t>(ts.seconds) ^ (std::uint64_t{1} << 63));
    std::uint32_t nanos = __builtin_bswap32(ts.nanos);
    std::memcpy(bytes + 1, &seconds, sizeof seconds);
    std::memcpy(bytes + 9, &nanos, sizeof nanos);
  }
  tail.append(bytes, further_stamp_size);
}

}  // namespace mergepipe::detail
