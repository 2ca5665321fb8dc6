#include "decompress/zstd_decoder.h"

#include <zstd.h>

#include <new>

namespace mergepipe::detail {

zstd_decoder::zstd_decoder() : context_(ZSTD_createDCtx()) {
  if (context_ == nullptr) throw std::bad_alloc();
}

zstd_decoder::~zstd_decoder() { ZSTD_freeDCtx(context_); }

stream_decoder::progress zstd_decoder::decode(const char* in, std::size_t in_size, bool last,
                                              char* out, std::size_t room) {
  if (in_size == 0 && !in_frame_) return {};
  ZSTD_inBuffer from{in, in_size, 0};
  ZSTD_outBuffer to{out, room, 0};
  std::size_t status = ZSTD_decompressStream(context_, &to, &from);
  progress done{from.pos, to.pos};
  if (ZSTD_isError(status) != 0) throw decode_error{ZSTD_getErrorName(status), done.consumed};
  // 0: a frame ended and all of it was written out; the next bytes start another frame.
  in_frame_ = status != 0;
  if (in_frame_ && last && done.consumed == in_size && done.produced == 0) {
    throw decode_error{"truncated", done.consumed};
  }
  return done;
}

}  // namespace mergepipe::detail
