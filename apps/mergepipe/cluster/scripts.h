#pragma once

#include "redis_client.h"

namespace mergepipe::cluster::scripts {

/// Creates a job: its spec hash, its task stream and consumer group, one map task per piece,
/// and its place among the running jobs, all at once.
/// A cancelled job of the same name is cleared first.
/// KEYS: spec, tasks, running jobs, dead, failures, done. ARGV: job, submit id, now (ms), spec
/// field count, the spec's field/value pairs, then input/path/begin/end of every piece.
/// Returns 1 when created, 0 when this submit id created it already, -1 when the job exists.
extern const lua_script create_job;

/// Acknowledges a task and records its result at once; the task that completes a phase
/// enqueues the next one (R reduce tasks, then a write task per part of the output when the
/// job has parts, then one collect task), so that happens once. The
/// collect task ends the job: its keys then expire after its retain time.
/// KEYS: spec, tasks, done, running jobs, dead, failures. ARGV: group, entry id, task id, kind,
/// bytes, job, now (ms), output records, good records, bad records. Returns 1 when the result
/// was new, 0 for a repeat.
extern const lua_script complete_task;

/// Runs a completed task again because a later task found its file torn or damaged: the
/// task is no longer done, its phase is current again, and its stream entry is queued anew;
/// the later task (acknowledged here) is queued again when that phase completes.
/// KEYS: spec, tasks, done, failures. ARGV: group, entry id of the later task, the task to run
/// again. Returns "again", "queued" (another task asked first), "exhausted" (run again
/// max_attempts times already, or its entry is gone: fail the job) or "ignored" (the job
/// ended).
extern const lua_script redo_task;

/// Records a failed attempt: the task is queued again, or, when it is fatal or has failed
/// max_attempts times, moved to the dead-letter stream and the job marked failed (its keys
/// then expire after its retain time).
/// KEYS: spec, tasks, dead, failures, done, running jobs. ARGV: group, entry id, task id,
/// reason, exit code, fatal (1/0), job, now (ms), consumer, then the task's field/value pairs.
/// Returns "retry", "dead" or "ignored" (the job ended, or a retryable failure of a task that
/// completed elsewhere).
extern const lua_script fail_task;

/// Cancels a running job: marks it cancelled (exit code 1, `reason`), takes it off the running
/// jobs, drops the tasks no worker has taken, and lets its keys expire after its retain time.
/// KEYS: spec, tasks, dead, failures, done, running jobs. ARGV: job, now (ms), reason.
/// Returns "cancelled", "unknown", or "ended:" and the state of a job that had already ended.
extern const lua_script cancel_job;

/// Keeps a task claimed by this worker: resets its idle time only while XPENDING still names
/// this consumer as its owner, so a task that another worker reclaimed is never stolen back.
/// KEYS: tasks, spec. ARGV: group, consumer, entry id. Returns 1 when still owned, 0 when
/// another worker reclaimed it, 2 when it is acknowledged (its task ended while the beat was
/// on its way), -1 when its job is no longer running (cancelled): abandon it.
extern const lua_script heartbeat;

}  // namespace mergepipe::cluster::scripts
