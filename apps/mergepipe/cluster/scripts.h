#pragma once

#include "redis_client.h"

namespace mergepipe::cluster::scripts {

/// Creates a job: its spec hash, its task stream and consumer group, one map task per piece,
/// and its place among the running jobs, all at once.
/// KEYS: spec, tasks, running jobs. ARGV: job, submit id, now (ms), spec field count, the spec's
/// field/value pairs, then input/path/begin/end of every piece.
/// Returns 1 when created, 0 when this submit id created it already, -1 when the job exists.
extern const lua_script create_job;

/// Acknowledges a task and records its result at once; the task that completes a phase
/// enqueues the next one (R reduce tasks, then one collect task), so that happens once. The
/// collect task ends the job: its keys then expire after its retain time.
/// KEYS: spec, tasks, done, running jobs, dead, failures. ARGV: group, entry id, task id, kind,
/// bytes, job, now (ms), output records. Returns 1 when the result was new, 0 for a repeat.
extern const lua_script complete_task;

/// Records a failed attempt: the task is queued again, or, when it is fatal or has failed
/// max_attempts times, moved to the dead-letter stream and the job marked failed (its keys
/// then expire after its retain time).
/// KEYS: spec, tasks, dead, failures, done, running jobs. ARGV: group, entry id, task id,
/// reason, exit code, fatal (1/0), job, now (ms), consumer, then the task's field/value pairs.
/// Returns "retry", "dead" or "ignored" (the job ended, or a retryable failure of a task that
/// completed elsewhere).
extern const lua_script fail_task;

/// Keeps a task claimed by this worker: resets its idle time only while XPENDING still names
/// this consumer as its owner, so a task that another worker reclaimed is never stolen back.
/// KEYS: tasks. ARGV: group, consumer, entry id. Returns 1 when still owned, else 0.
extern const lua_script heartbeat;

}  // namespace mergepipe::cluster::scripts
