#include "cancel.h"

#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <map>

#include "job_spec.h"
#include "keys.h"
#include "mergepipe/error.h"
#include "redis_client.h"
#include "run_task.h"
#include "scripts.h"

namespace mergepipe::cluster {

int cancel_job(const cancel_args& args) {
  check_job_name(args.job);
  connection redis(parse_redis_url(args.redis_url), std::chrono::milliseconds(0));
  job_keys keys(args.job);
  // Read before the job's keys may expire: where its partial files are.
  std::map<std::string, std::string> fields = redis.command({"HGETALL", keys.spec}).fields();
  std::string outcome =
      redis
          .eval(scripts::cancel_job,
                {keys.spec, keys.tasks, keys.dead, keys.failures, keys.done, running_jobs, events},
                {args.job, std::to_string(unix_time_ms()), "cancelled with mergepipe cancel"})
          .str();
  if (outcome == "unknown") throw error(errc::usage, fmt::format("no job {} in Redis", args.job));
  if (outcome == "ended:cancelled") {
    fmt::print(stderr, "mergepipe: job {} was already cancelled\n", args.job);
    return 0;
  }
  if (outcome != "cancelled") {
    throw error(errc::usage, fmt::format("job {} already ended ({}): nothing to cancel", args.job,
                                         outcome.substr(outcome.find(':') + 1)));
  }
  fmt::print(stderr,
             "mergepipe: job {} cancelled: its pending tasks are dropped, and workers abandon "
             "the tasks in hand at their next heartbeat\n",
             args.job);
  job_spec spec = job_spec::from_fields(fields);
  if (std::filesystem::is_directory(spec.storage)) {
    remove_partials(spec);
    fmt::print(stderr, "mergepipe: partial files removed from {}\n", spec.storage);
  } else {
    fmt::print(stderr,
               "mergepipe: {} is not visible from here: the workers remove the partial files "
               "of the tasks they abandon; remove the rest where it is mounted\n",
               spec.storage);
  }
  return 0;
}

}  // namespace mergepipe::cluster
