#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "job_spec.h"
#include "mergepipe/options.h"
#include "task.h"

namespace mergepipe::cluster {

/// What a task did, for the job's counters.
struct task_result {
  std::uint64_t bytes = 0;           ///< Input bytes merged (map tasks).
  std::uint64_t records = 0;         ///< Good records read (map tasks).
  std::uint64_t bad_records = 0;     ///< Bad records skipped (map tasks, `--on-error skip`).
  std::uint64_t output_records = 0;  ///< Records written (the collect task).
  std::uint64_t written_bytes = 0;   ///< Bytes of the files it wrote, output included.
};

/// Thrown by `run_task` when a file that another task of the job wrote is torn or damaged
/// (intermediate files are not synced, so a crash of the host that wrote one can tear it):
/// that task must run again before this one can.
struct producer_needed {
  std::string producer;  ///< Its task id: "map:3", "reduce:1", "write:2".
  std::string reason;    ///< What is wrong with its file, naming it.
};

/// Runs `t` with the library on every core: a map task merges its piece and saves it in
/// `spec.buckets` partial files (and its bad records, when the job keeps them, in a file of
/// its own); a reduce task merges one bucket of every map task and saves the result split by
/// the parts of the output; a write task merges its part from every reduce task and writes
/// it; the collect task writes the map tasks' bad records in input order to the job's rejects
/// file, then joins the parts into the job's output. In key order there are no parts: a
/// reduce task saves its bucket whole and the collect task merges the buckets into the
/// output. Running a task again writes the same files. `run` is the worker's: where records of
/// compressed inputs spill. `keep_going` is called while the merge runs and before anything
/// is written; what it throws abandons the task and passes through. Throws
/// `producer_needed` for a damaged file of another task, else `mergepipe::error`.
task_result run_task(const task& t, const job_spec& spec, const run_settings& run,
                     const std::function<void()>& keep_going);

/// Merges one record and drops it, so that a worker's first task does not pay for starting
/// the library (its threads, parsers and first allocations: 0.07 s of a 0.13 s map task on
/// the 2-core VM, bench/RESULTS.md "Scale-out that pays"). Called once, when a worker starts.
void warm_up(const run_settings& run);

/// Removes the job's intermediate files (partials, parts, rejects of pieces, and the temporary
/// files of writers killed before they renamed theirs) once its output is written or it ended.
void remove_partials(const job_spec& spec);

}  // namespace mergepipe::cluster
