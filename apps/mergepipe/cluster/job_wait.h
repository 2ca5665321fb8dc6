#pragma once

#include <string>

#include "redis_client.h"

namespace mergepipe::cluster {

/// Waits until `job` is done or failed, reporting each phase on standard error, and returns
/// the job's exit code (0 done, 1 bad input, 3 I/O), printing the failure's reason loudly.
int wait_for_job(connection& redis, const std::string& job);

/// Prints how a finished job ended and returns its exit code.
int report_outcome(connection& redis, const std::string& job);

}  // namespace mergepipe::cluster
