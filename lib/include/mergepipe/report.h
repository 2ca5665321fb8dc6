#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mergepipe/export.h"

namespace mergepipe {

/// One filter of the pipeline: what it ran and what that cost.
struct filter_report {
  std::string steps;         ///< Its steps as a layout writes them, e.g. `parse+stamp`.
  bool serial = false;       ///< One chunk at a time in input order, else in parallel.
  double busy_seconds = 0;   ///< Summed over all threads that ran it.
  std::uint64_t chunks = 0;  ///< Chunks that passed through it.
};

/// What a merge did, for `--stats` and for ETL jobs.
struct MERGEPIPE_API report {
  std::uint64_t files = 0;             ///< Inputs read.
  std::uint64_t bytes = 0;             ///< Input bytes read (a compressed input's decompressed).
  std::uint64_t compressed_bytes = 0;  ///< Compressed inputs' bytes as stored.
  std::uint64_t spilled_bytes = 0;     ///< Copies of records written to the temporary directory.
  std::uint64_t records = 0;           ///< Good records seen.
  std::uint64_t bad_records = 0;       ///< Bad records skipped (only under `error_policy::skip`).
  std::uint64_t distinct_keys = 0;     ///< Distinct keys among good records.
  std::uint64_t superseded = 0;        ///< Good records that lost to a later one of the same key.
  std::uint64_t deleted = 0;           ///< Keys whose winner is a delete marker (left out).
  std::uint64_t output_records = 0;    ///< Records written.
  unsigned threads = 0;                ///< Threads used.
  std::uint64_t chunks = 0;            ///< Chunks the input was cut into.
  std::uint64_t guessed_chunks = 0;    ///< Array chunks cut by guess, delimited in parallel.
  std::uint64_t recut_chunks = 0;      ///< Of them, cut again in input order: the guess failed.
  double wall_seconds = 0;             ///< Wall time of the whole merge.
  std::vector<filter_report> filters;  ///< The pipeline's filters, in order.
  double finish_seconds = 0;           ///< Combining tables, ordering and writing the winners.

  /// Input megabytes (10^6 bytes) per wall-clock second.
  [[nodiscard]] double megabytes_per_second() const noexcept;
  /// The report as one JSON object.
  [[nodiscard]] std::string to_json() const;
  /// The report as aligned human-readable lines.
  [[nodiscard]] std::string to_text() const;
};

}  // namespace mergepipe
