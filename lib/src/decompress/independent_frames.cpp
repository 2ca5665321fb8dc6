#include "decompress/independent_frames.h"

#include <isa-l/igzip_lib.h>
#include <zstd.h>

#include <cstdint>
#include <limits>
#include <memory>
#include <new>

namespace mergepipe::detail {
namespace {

std::uint32_t little_endian(const unsigned char* p, int bytes) noexcept {
  std::uint32_t value = 0;
  for (int i = bytes - 1; i >= 0; --i) value = value << 8 | p[i];
  return value;
}

// RFC 1952: 1f 8b, method 8, FEXTRA set, then XLEN and subfields; bgzip's is `BC` with the
// member's length minus one. The last four bytes of a member are its decoded length.
std::optional<independent_frame> find_bgzip_member(const unsigned char* in,
                                                   std::size_t size) noexcept {
  constexpr std::size_t fixed_header = 12;
  if (size < fixed_header || in[0] != 0x1f || in[1] != 0x8b || in[2] != 8 || (in[3] & 4) == 0)
    return std::nullopt;
  const std::size_t extra_length = little_endian(in + 10, 2);
  if (size < fixed_header + extra_length) return std::nullopt;
  for (std::size_t at = fixed_header; at + 4 <= fixed_header + extra_length;) {
    const std::size_t field_length = little_endian(in + at + 2, 2);
    if (in[at] == 'B' && in[at + 1] == 'C' && field_length == 2 &&
        at + 6 <= fixed_header + extra_length) {
      const std::size_t member = little_endian(in + at + 4, 2) + std::size_t{1};
      if (member < fixed_header + extra_length + 8 || member > size) return std::nullopt;
      return independent_frame{member, little_endian(in + member - 4, 4)};
    }
    at += 4 + field_length;
  }
  return std::nullopt;
}

// Magic numbers 0x184D2A50 to 0x184D2A5F: user data the decoder skips.
bool skippable_frame(const char* in, std::size_t size) noexcept {
  return size >= 4 &&
         (little_endian(reinterpret_cast<const unsigned char*>(in), 4) & 0xFFFFFFF0u) ==
             0x184D2A50u;
}

std::optional<independent_frame> find_zstd_frame(const char* in, std::size_t size) noexcept {
  const std::size_t length = ZSTD_findFrameCompressedSize(in, size);
  if (ZSTD_isError(length) != 0) return std::nullopt;  // not all here, or not a frame
  if (skippable_frame(in, size)) return independent_frame{length, 0};
  const unsigned long long decoded = ZSTD_getFrameContentSize(in, size);
  if (decoded == ZSTD_CONTENTSIZE_UNKNOWN || decoded == ZSTD_CONTENTSIZE_ERROR ||
      decoded > std::numeric_limits<std::size_t>::max())
    return std::nullopt;
  return independent_frame{length, static_cast<std::size_t>(decoded)};
}

void decode_gzip_member(const char* in, const independent_frame& frame, char* out) {
  // ISA-L counts in 32 bits: a member found by find_bgzip_member is below 64 KiB, and its
  // decoded length is a 32-bit field.
  thread_local std::unique_ptr<inflate_state> state = std::make_unique<inflate_state>();
  isal_inflate_init(state.get());
  state->crc_flag = ISAL_GZIP;
  state->next_in = reinterpret_cast<std::uint8_t*>(const_cast<char*>(in));
  state->avail_in = static_cast<std::uint32_t>(frame.compressed_size);
  state->next_out = reinterpret_cast<std::uint8_t*>(out);
  state->avail_out = static_cast<std::uint32_t>(frame.decoded_size);
  const int status = isal_inflate(state.get());
  if (status != ISAL_DECOMP_OK || state->block_state != ISAL_BLOCK_FINISH ||
      state->avail_in != 0 || state->avail_out != 0) {
    throw decode_error{"a bgzip block that does not decode to its stated length", 0};
  }
}

void decode_zstd_frame(const char* in, const independent_frame& frame, char* out) {
  if (skippable_frame(in, frame.compressed_size)) return;
  struct context_deleter {
    void operator()(ZSTD_DCtx* context) const noexcept { ZSTD_freeDCtx(context); }
  };
  thread_local std::unique_ptr<ZSTD_DCtx, context_deleter> context(ZSTD_createDCtx());
  if (context == nullptr) throw std::bad_alloc();
  const std::size_t written =
      ZSTD_decompressDCtx(context.get(), out, frame.decoded_size, in, frame.compressed_size);
  if (ZSTD_isError(written) != 0) throw decode_error{ZSTD_getErrorName(written), 0};
  if (written != frame.decoded_size)
    throw decode_error{"a frame that does not decode to its stated size", 0};
}

}  // namespace

std::optional<independent_frame> find_independent_frame(compression codec, const char* in,
                                                        std::size_t in_size) noexcept {
  switch (codec) {
    case compression::gzip:
      return find_bgzip_member(reinterpret_cast<const unsigned char*>(in), in_size);
    case compression::zstd:
      return find_zstd_frame(in, in_size);
    case compression::none:
      break;
  }
  return std::nullopt;
}

void decode_frame(compression codec, const char* in, const independent_frame& frame, char* out) {
  if (codec == compression::gzip) {
    decode_gzip_member(in, frame, out);
  } else {
    decode_zstd_frame(in, frame, out);
  }
}

}  // namespace mergepipe::detail
