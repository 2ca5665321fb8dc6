#pragma once

// Compressed copies of test inputs, written with the reference encoders (zlib for gzip, zstd's
// own library), in several members or frames as bgzip and zstd's multi-frame mode write them.

#include <zlib.h>
#include <zstd.h>

#include <stdexcept>
#include <string>
#include <string_view>

namespace mergepipe::testing {

enum class codec { gzip, zstd };

inline std::string_view name_of(codec c) { return c == codec::gzip ? "gzip" : "zstd"; }

// One gzip member holding `text`.
inline std::string gzip_member(std::string_view text) {
  z_stream z{};
  if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::runtime_error("deflateInit2 failed");
  std::string out(deflateBound(&z, text.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  int status = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  if (status != Z_STREAM_END) throw std::runtime_error("deflate failed");
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
// text anywhere, even inside a record.
inline std::string compressed(std::string_view text, codec c, std::size_t parts = 1) {
  std::string out;
  std::size_t step = text.size() / parts + 1;
  for (std::size_t begin = 0, i = 0; i < parts; ++i, begin += step) {
    std::string_view part = begin < text.size() ? text.substr(begin, step) : std::string_view{};
    out += c == codec::gzip ? gzip_member(part) : zstd_frame(part);
  }
  return out;
}

}  // namespace mergepipe::testing
