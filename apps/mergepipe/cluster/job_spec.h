#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "mergepipe/options.h"
#include "mergepipe/result_rules.h"
#include "mergepipe/source.h"

namespace mergepipe::cluster {

/// Everything a worker needs to run any task of a job, stored in the job's Redis hash at
/// submit time and never changed afterwards.
struct job_spec {
  std::string name;
  std::string submit_id;            ///< Random: tells a repeated submit from another one.
  std::vector<std::string> inputs;  ///< Absolute paths, in input order.
  result_rules rules;               ///< What the result is; stored in their text form.
  std::string output;               ///< Absolute path of the final output.
  error_policy on_error = error_policy::fail;
  /// Absolute path of the job's rejects file (`--on-error skip --rejects`); empty for none.
  std::string rejects;
  std::string storage;  ///< Absolute path of the job's directory for partial results.
  std::uint32_t buckets = 4;
  std::uint32_t max_attempts = 3;
  std::uint64_t map_total = 0;
  /// Where each part of the output starts, in input order: write task p writes the records
  /// from `part_starts[p]` on. Empty for key order, whose output the collect task writes whole.
  std::vector<position> part_starts;
  std::uint64_t bytes_total = 0;
  /// Seconds the job's keys stay in Redis once it has ended (`submit --retain`).
  std::uint64_t retain_seconds = default_retain_seconds;
  static constexpr std::uint64_t default_retain_seconds = 7 * 86400;

  /// Field/value pairs for HSET.
  [[nodiscard]] std::vector<std::string> to_fields() const;
  /// Reads the fields written by `to_fields`; throws `mergepipe::error` (io) when one is
  /// missing or malformed.
  static job_spec from_fields(const std::map<std::string, std::string>& fields);

  /// Partial result of map task `piece` for `bucket`.
  [[nodiscard]] std::string map_output(std::uint64_t piece, std::uint32_t bucket) const;
  /// Bad records of map task `piece`, as the rejects file has them (when the job keeps them).
  [[nodiscard]] std::string map_rejects(std::uint64_t piece) const;
  /// Partial result of reduce task `bucket` (key order).
  [[nodiscard]] std::string reduce_output(std::uint32_t bucket) const;
  /// Partial result of reduce task `bucket` for part `part` of the output (input order).
  [[nodiscard]] std::string reduce_output(std::uint32_t bucket, std::uint64_t part) const;
  /// What reduce task `bucket` saved for each part of the output (input order).
  [[nodiscard]] std::string reduce_sizes(std::uint32_t bucket) const;
  /// The size of part `part` of the output, as write task `part` wrote it.
  [[nodiscard]] std::string part_size(std::uint64_t part) const;
  /// The output while the write tasks write its parts in place (input order): a hidden file
  /// beside it, renamed into place by the collect task. Named by the job and its submission,
  /// so that removing what a cancelled job left never touches a new job of the same name.
  [[nodiscard]] std::string output_in_progress() const;
};

}  // namespace mergepipe::cluster
