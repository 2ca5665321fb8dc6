#pragma once

#include <cstdint>

namespace mergepipe::cluster {

/// How a job is cut into tasks.
struct job_size {
  std::uint64_t piece_bytes = 0;  ///< Input bytes per map task.
  std::uint32_t buckets = 0;      ///< Reduce tasks.
};

/// The sizes `submit` uses where its options do not say (`pieces_mb` and `buckets` 0): enough
/// tasks for every live worker to take several, so that a phase ends evenly, yet no piece
/// smaller than 8 MiB nor larger than 64 MiB, whose tasks would cost more in round trips and
/// tables than they merge, or balance badly; at least 4 reduce tasks, one per live worker
/// beyond. Workers that join later are not counted: with none live, the defaults are 64 MiB
/// and 4.
job_size size_job(std::uint64_t input_bytes, std::uint64_t live_workers, double pieces_mb,
                  std::uint32_t buckets);

}  // namespace mergepipe::cluster
