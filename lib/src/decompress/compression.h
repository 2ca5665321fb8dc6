#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace mergepipe::detail {

/// How an input is compressed, told by its first bytes, never by its name.
enum class compression : std::uint8_t { none, gzip, zstd };

/// gzip when `data` starts with 1f 8b, zstd with 28 b5 2f fd or a skippable frame's magic
/// number (5? 2a 4d 18); none otherwise, and when fewer bytes than a magic number were given.
compression detect_compression(const char* data, std::size_t size) noexcept;

/// "gzip", "zstd" or "none", for messages and statistics.
std::string_view to_string(compression codec) noexcept;

/// Compressed data that cannot be decoded: `consumed` bytes of the input given to the call
/// that failed were read before the fault showed.
struct decode_error {
  std::string reason;
  std::size_t consumed = 0;
};

/// Decodes one compressed input, however it arrives: each call takes what it can of the
/// compressed bytes given and writes what it can into the room given. Several members
/// (gzip) or frames (zstd) one after another are one input.
class stream_decoder {
 public:
  virtual ~stream_decoder() = default;

  struct progress {
    std::size_t consumed = 0;  ///< compressed bytes taken
    std::size_t produced = 0;  ///< decoded bytes written
  };

  /// Decodes from `in[0, in_size)` into `out[0, room)`. `last` says that no compressed bytes
  /// follow `in`. Nothing consumed and nothing produced with `last` set means the input
  /// ended cleanly. Throws decode_error for corrupt, truncated or trailing data.
  virtual progress decode(const char* in, std::size_t in_size, bool last, char* out,
                          std::size_t room) = 0;

  /// True between two members or frames: the next bytes start a new one (or nothing).
  [[nodiscard]] virtual bool between_frames() const noexcept = 0;
};

/// A decoder for `codec` (not none).
std::unique_ptr<stream_decoder> make_decoder(compression codec);

}  // namespace mergepipe::detail
