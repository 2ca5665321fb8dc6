#pragma once

#include <memory>

#include "decompress/compression.h"

struct inflate_state;

namespace mergepipe::detail {

/// gzip through ISA-L's igzip, the fastest streaming inflate Debian has (bench/RESULTS.md,
/// "Gzip decoders"): one member after another, each member's CRC and length checked. Bytes
/// after a member that do not start another one are refused, not skipped.
class gzip_decoder final : public stream_decoder {
 public:
  gzip_decoder();
  ~gzip_decoder() override;

  progress decode(const char* in, std::size_t in_size, bool last, char* out,
                  std::size_t room) override;
  [[nodiscard]] bool between_frames() const noexcept override { return !in_member_; }

 private:
  std::unique_ptr<inflate_state> state_;
  bool in_member_ = false;
};

}  // namespace mergepipe::detail
