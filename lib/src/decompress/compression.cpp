#include "decompress/compression.h"

#include <cstring>

#include "decompress/gzip_decoder.h"
#include "decompress/zstd_decoder.h"

namespace mergepipe::detail {

compression detect_compression(const char* data, std::size_t size) noexcept {
  constexpr unsigned char gzip_magic[] = {0x1f, 0x8b};
  constexpr unsigned char zstd_magic[] = {0x28, 0xb5, 0x2f, 0xfd};
  if (size >= sizeof gzip_magic && std::memcmp(data, gzip_magic, sizeof gzip_magic) == 0)
    return compression::gzip;
  if (size >= sizeof zstd_magic && std::memcmp(data, zstd_magic, sizeof zstd_magic) == 0)
    return compression::zstd;
  // A skippable frame (50-5f 2a 4d 18) opens what pzstd writes.
  constexpr unsigned char skippable_magic[] = {0x2a, 0x4d, 0x18};
  if (size >= 4 && (static_cast<unsigned char>(data[0]) & 0xf0) == 0x50 &&
      std::memcmp(data + 1, skippable_magic, sizeof skippable_magic) == 0)
    return compression::zstd;
  return compression::none;
}

std::string_view to_string(compression codec) noexcept {
  switch (codec) {
    case compression::gzip:
      return "gzip";
    case compression::zstd:
      return "zstd";
    case compression::none:
      break;
  }
  return "none";
}

std::unique_ptr<stream_decoder> make_decoder(compression codec) {
  if (codec == compression::zstd) return std::make_unique<zstd_decoder>();
  return std::make_unique<gzip_decoder>();
}

}  // namespace mergepipe::detail
