#pragma once

#include <string>

namespace mergepipe::cluster {

struct cancel_args {
  std::string redis_url;
  std::string job;
};

/// Cancels a running job in one script (scripts::cancel_job): its pending tasks are dropped,
/// workers abandon the tasks in hand at their next heartbeat without writing, and the job's
/// name can be submitted again. Removes the job's partial files when its storage directory is
/// visible here (the workers that abandon tasks remove them too). Returns the exit code: 0
/// when the job is cancelled (now or before); throws `mergepipe::error` (usage) for an unknown
/// job or one that already ended.
int cancel_job(const cancel_args& args);

}  // namespace mergepipe::cluster
