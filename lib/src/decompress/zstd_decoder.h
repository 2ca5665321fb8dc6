#pragma once

#include "decompress/compression.h"

struct ZSTD_DCtx_s;

namespace mergepipe::detail {

/// zstd through its own library: one frame after another (skippable frames skipped), each
/// frame's checksum checked when it has one.
class zstd_decoder final : public stream_decoder {
 public:
  zstd_decoder();
  ~zstd_decoder() override;
  zstd_decoder(const zstd_decoder&) = delete;
  zstd_decoder& operator=(const zstd_decoder&) = delete;

  progress decode(const char* in, std::size_t in_size, bool last, char* out,
                  std::size_t room) override;
  [[nodiscard]] bool between_frames() const noexcept override { return !in_frame_; }

 private:
  ZSTD_DCtx_s* context_;
  bool in_frame_ = false;
};

}  // namespace mergepipe::detail
