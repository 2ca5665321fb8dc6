#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "redis_client.h"

namespace mergepipe::cluster {

/// One line of `mergepipe jobs`: a running job or an ended one still retained.
struct job_summary {
  std::string job;
  std::string state;  ///< running, done, failed or cancelled.
  std::string phase;
  std::uint64_t map_done = 0, map_total = 0;
  std::uint64_t reduce_done = 0, reduce_total = 0;
  std::uint64_t submitted_ms = 0;       ///< When it was submitted (Unix time, milliseconds).
  double age_seconds = 0;               ///< Since it was submitted.
  std::optional<long long> expires_in;  ///< Seconds its keys have left; none while running.
};

/// Every job in Redis, oldest first (by submit time, then name).
std::vector<job_summary> list_jobs(connection& redis);

/// A table, one job a line, with a header; "no jobs" when there are none.
std::string jobs_to_text(const std::vector<job_summary>& jobs);
/// One JSON array of objects.
std::string jobs_to_json(const std::vector<job_summary>& jobs);

}  // namespace mergepipe::cluster
