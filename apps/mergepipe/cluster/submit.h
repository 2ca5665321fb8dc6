#pragma once

#include <string>
#include <vector>

#include "mergepipe/options.h"
#include "mergepipe/result_rules.h"

namespace mergepipe::cluster {

struct submit_args {
  std::string redis_url;
  std::string job;
  std::string storage;
  std::string output;
  std::vector<std::string> inputs;
  result_rules rules;  ///< The options that change the result.
  error_policy on_error = error_policy::fail;
  std::string rejects;        ///< With `error_policy::skip`: where the job writes its bad records.
  double pieces_mb = 0;       ///< Piece size in MiB, fractions allowed; 0: `size_job` says.
  std::uint32_t buckets = 0;  ///< Reduce tasks; 0: `size_job` says.
  std::uint32_t max_attempts = 3;
  bool wait = false;
  std::string retain = "7d";  ///< How long the job's keys stay in Redis once it has ended.
};

/// Cuts the inputs into pieces and queues one map task per piece; with `wait`, waits for the
/// job and returns its exit code (0 done, 1 bad input, 3 I/O). Throws `mergepipe::error`.
int submit_job(const submit_args& args);

}  // namespace mergepipe::cluster
