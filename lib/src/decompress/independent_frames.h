#pragma once

#include <cstddef>
#include <optional>

#include "decompress/compression.h"

namespace mergepipe::detail {

/// A frame (zstd) or member (gzip) whose header says how long it is, compressed and decoded,
/// so that it can be decoded on its own, beside its neighbours, straight into its place.
struct independent_frame {
  std::size_t compressed_size = 0;
  std::size_t decoded_size = 0;
};

/// The frame at the start of `in[0, in_size)`, when all of it is there and it declares both
/// sizes: a zstd frame with its content size (or a skippable frame), a gzip member with
/// bgzip's `BC` field (its length) and its trailer's length. Otherwise nothing: the data is
/// decoded as a stream. The sizes are claims of the data, checked by `decode_frame`.
std::optional<independent_frame> find_independent_frame(compression codec, const char* in,
                                                        std::size_t in_size) noexcept;

/// Decodes the whole of `frame`, found at `in`, into `out[0, frame.decoded_size)`. Throws
/// decode_error when it is corrupt or its sizes were wrong. Safe to call from many threads.
void decode_frame(compression codec, const char* in, const independent_frame& frame, char* out);

}  // namespace mergepipe::detail
