#pragma once

#include <string>
#include <vector>

#include "mergepipe/options.h"

namespace mergepipe::cluster {

struct worker_args {
  std::string redis_url;
  std::string job;   ///< Serve only this job, and leave when it ends; empty: every running job.
  std::string name;  ///< Consumer name; empty: host name and process id.
  double visibility_timeout = 60;  ///< Seconds without a heartbeat before others reclaim a task.
  run_settings run;  ///< How tasks run here: where records of compressed inputs spill.
  /// Directories every input, output and storage directory of a job must lie under, after
  /// resolving links (`--allow-root`); a job outside them fails. Empty: no fence.
  std::vector<std::string> allowed_roots;
};

/// Takes tasks from the job streams and runs them until SIGTERM or SIGINT (the task in hand
/// is finished and acknowledged first) or, with a job named, until that job ends. Returns the
/// exit code; throws `mergepipe::error` when Redis stays unreachable.
int run_worker(const worker_args& args);

}  // namespace mergepipe::cluster
