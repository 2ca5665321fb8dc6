#include "job_sizing.h"

#include <algorithm>

namespace mergepipe::cluster {
namespace {

constexpr std::uint64_t mib = std::uint64_t{1} << 20;
constexpr std::uint64_t smallest_piece = 8 * mib;
constexpr std::uint64_t largest_piece = 64 * mib;
constexpr std::uint64_t pieces_per_worker = 4;
constexpr std::uint32_t fewest_buckets = 4;
constexpr std::uint32_t most_buckets = 256;

}  // namespace

job_size size_job(std::uint64_t input_bytes, std::uint64_t live_workers, double pieces_mb,
                  std::uint32_t buckets) {
  job_size size;
  if (pieces_mb > 0) {
    size.piece_bytes = std::max<std::uint64_t>(static_cast<std::uint64_t>(pieces_mb * mib), 1);
  } else {
    const std::uint64_t per_task =
        input_bytes / (pieces_per_worker * std::max<std::uint64_t>(live_workers, 1));
    size.piece_bytes = std::clamp(per_task, smallest_piece, largest_piece);
  }
  size.buckets = buckets > 0 ? buckets
                             : static_cast<std::uint32_t>(std::clamp<std::uint64_t>(
                                   live_workers, fewest_buckets, most_buckets));
  return size;
}

}  // namespace mergepipe::cluster
