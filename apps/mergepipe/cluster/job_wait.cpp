#include "job_wait.h"

#include <fmt/format.h>

#include <chrono>

#include "events.h"
#include "job_status.h"
#include "keys.h"
#include "mergepipe/error.h"

namespace mergepipe::cluster {

int report_outcome(connection& redis, const std::string& job) {
  std::optional<job_status> s = read_status(redis, job);
  if (!s) throw error(errc::io, fmt::format("job {} disappeared from Redis", job));
  if (s->state == "done") {
    fmt::print(stderr, "mergepipe: job {} done: {} records written to {}\n", job, s->output_records,
               s->output);
    if (s->bad_records > 0) {
      fmt::print(stderr, "mergepipe: job {} skipped {} bad record(s){}\n", job, s->bad_records,
                 s->rejects.empty() ? "" : " (written to " + s->rejects + ")");
    }
    return 0;
  }
  if (s->state == "cancelled") {
    fmt::print(stderr, "mergepipe: JOB {} CANCELLED: {}; nothing was written to {}\n", job,
               s->reason, s->output);
    return 1;
  }
  fmt::print(stderr, "mergepipe: JOB {} FAILED (exit code {}) in task {}: {}\n", job, s->exit_code,
             s->failed_task, s->reason);
  fmt::print(stderr, "mergepipe: the task is in the dead-letter stream {}\n", s->dead_stream);
  return s->exit_code != 0 ? s->exit_code : 3;
}

int wait_for_job(connection& redis, const std::string& job) {
  std::string spec_key = job_keys(job).spec;
  std::string last_phase;
  for (;;) {
    const std::string seen = newest_event(redis);
    reply now = redis.command({"HMGET", spec_key, "state", "phase"});
    if (now.at(0).is_nil()) throw error(errc::io, fmt::format("job {} is not in Redis", job));
    std::string state = now.at(0).str();
    std::string phase = now.at(1).is_nil() ? "" : now.at(1).str();
    if (state != "running") return report_outcome(redis, job);
    if (phase != last_phase) {
      fmt::print(stderr, "mergepipe: job {}: {} phase\n", job, phase);
      last_phase = phase;
    }
    wait_for_event(redis, seen, std::chrono::milliseconds(1000));
  }
}

}  // namespace mergepipe::cluster
