#pragma once

// Compressed copies of test inputs, written with the reference encoders (zlib for gzip, zstd's
// own library), in several members or frames as bgzip and zstd's multi-frame mode write them.

#include <zlib.h>
#include <zstd.h>

#include <stdexcept>
#include <string>
#include <string_view>

namespace mergepipe::testing {

// bgzip is gzip whose members carry their length (the `BC` extra field), as bgzip writes them.
enum class codec { gzip, zstd, bgzip };

// The name of the compression in messages: bgzip's is gzip.
inline std::string_view name_of(codec c) { return c == codec::zstd ? "zstd" : "gzip"; }

// One gzip member holding `text`; with `block_length`, bgzip's extra field, which says how
// long the member is.
inline std::string gzip_member(std::string_view text, bool block_length = false) {
  z_stream z{};
  if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::runtime_error("deflateInit2 failed");
  unsigned char extra[6] = {'B', 'C', 2, 0, 0, 0};  // the length is filled in below
  gz_header header{};
  header.extra = extra;
  header.extra_len = sizeof extra;
  if (block_length) deflateSetHeader(&z, &header);
  std::string out(deflateBound(&z, text.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  int status = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  if (status != Z_STREAM_END) throw std::runtime_error("deflate failed");
  if (block_length) {
    if (out.size() > 65536) throw std::runtime_error("a bgzip block holds less");
    out[16] = static_cast<char>((out.size() - 1) & 0xff);  // after the header's 12 bytes, BC, 2
    out[17] = static_cast<char>((out.size() - 1) >> 8);
  }
  return out;
}

// One zstd frame holding `text`, with its checksum.
inline std::string zstd_frame(std::string_view text) {
  ZSTD_CCtx* context = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 1);
  std::string out(ZSTD_compressBound(text.size()), '\0');
  std::size_t size = ZSTD_compress2(context, out.data(), out.size(), text.data(), text.size());
  ZSTD_freeCCtx(context);
  if (ZSTD_isError(size)) throw std::runtime_error("ZSTD_compress2 failed");
  out.resize(size);
  return out;
}

// `text` compressed in `parts` members or frames, one after another; the parts split the
// text anywhere, even inside a record. bgzip ends with an empty block, as bgzip does.
inline std::string compressed(std::string_view text, codec c, std::size_t parts = 1) {
  std::string out;
  std::size_t step = text.size() / parts + 1;
  for (std::size_t begin = 0, i = 0; i < parts; ++i, begin += step) {
    std::string_view part = begin < text.size() ? text.substr(begin, step) : std::string_view{};
    out += c == codec::zstd ? zstd_frame(part) : gzip_member(part, c == codec::bgzip);
  }
  if (c == codec::bgzip) out += gzip_member("", true);
  return out;
}

}  // namespace mergepipe::testing
