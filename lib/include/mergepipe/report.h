#pragma once

#include <cstdint>
#include <string>

#include "mergepipe/export.h"

namespace mergepipe {

/// Busy seconds of each pipeline stage, summed over all threads that ran it.
struct stage_times {
  double read = 0;    ///< Serial input filter: mapping, reading, cutting into chunks.
  double parse = 0;   ///< Parallel filter: validating records, extracting key and stamp.
  double order = 0;   ///< Serial in-order filter: error ordering, rejects, array re-cuts.
  double merge = 0;   ///< Parallel filter: latest-per-key tables.
  double finish = 0;  ///< Combining tables, ordering and writing the winners.
};

/// What a merge did, for `--stats` and for ETL jobs.
struct MERGEPIPE_API report {
  std::uint64_t files = 0;           ///< Inputs read.
  std::uint64_t bytes = 0;           ///< Input bytes read.
  std::uint64_t records = 0;         ///< Good records seen.
  std::uint64_t bad_records = 0;     ///< Bad records skipped (only under `error_policy::skip`).
  std::uint64_t distinct_keys = 0;   ///< Distinct keys among good records.
  std::uint64_t superseded = 0;      ///< Good records that lost to a later one of the same key.
  std::uint64_t deleted = 0;         ///< Keys whose winner is a delete marker (left out).
  std::uint64_t output_records = 0;  ///< Records written.
  unsigned threads = 0;              ///< Threads used.
  std::uint64_t chunks = 0;          ///< Chunks the input was cut into.
  double wall_seconds = 0;           ///< Wall time of the whole merge.
  stage_times stages;                ///< Busy time per stage.

  /// Input megabytes (10^6 bytes) per wall-clock second.
  [[nodiscard]] double megabytes_per_second() const noexcept;
  /// The report as one JSON object.
  [[nodiscard]] std::string to_json() const;
  /// The report as aligned human-readable lines.
  [[nodiscard]] std::string to_text() const;
};

}  // namespace mergepipe
