#pragma once

#include <string>

namespace mergepipe::cluster {

/// The Redis names of one job. Job names are checked by `check_job_name`, so they never hold
/// the ':' that separates the parts.
struct job_keys {
  explicit job_keys(const std::string& job)
      : job(job),
        spec("mergepipe:job:" + job),
        tasks(spec + ":tasks"),
        dead(spec + ":dead"),
        done(spec + ":done"),
        failures(spec + ":failures") {}

  std::string job;
  std::string spec;      ///< Hash: the job's spec, state and counters.
  std::string tasks;     ///< Stream of tasks, read by the consumer group `group`.
  std::string dead;      ///< Stream of tasks given up on, with the reason.
  std::string done;      ///< Hash: task id -> stream entry that completed it.
  std::string failures;  ///< Hash: task id -> failed attempts, and the last error.
};

/// Consumer group of every task stream.
inline const std::string group = "mergepipe-workers";
/// Set of the jobs still running, which workers without --job serve.
inline const std::string running_jobs = "mergepipe:jobs";
/// Stream of what happens to jobs (created, a phase begun, ended), kept short: idle workers
/// and waiting submits block on it instead of polling (`events.h`).
inline const std::string events = "mergepipe:events";
/// Prefix of the workers' liveness keys (one per worker, with a TTL).
inline const std::string worker_prefix = "mergepipe:worker:";

/// Throws `mergepipe::error` (usage) unless `name` is 1-100 of [A-Za-z0-9._-].
void check_job_name(const std::string& name, const char* what = "job name");

}  // namespace mergepipe::cluster
