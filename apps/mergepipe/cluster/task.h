#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "job_spec.h"

namespace mergepipe::cluster {

/// One unit of work from a job's task stream.
struct task {
  enum class type { map, reduce, write, collect };
  type kind = type::map;
  /// "map:3", "reduce:1", "write:2", "collect": the name its result is recorded under.
  std::string id;
  std::uint64_t piece = 0;
  std::uint32_t input = 0;
  std::string path;
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
  std::uint32_t bucket = 0;
  std::uint64_t part = 0;
};

/// Reads a task from its stream entry's fields and checks it against the job: the input index
/// must be in the job's list, the path must be that input's, the byte range must lie inside
/// the file, the piece and bucket numbers inside the job's counts. Throws `mergepipe::error`:
/// `bad_input` with the reason for a task that must not run, `io` when the file cannot be
/// examined.
task parse_task(const std::map<std::string, std::string>& fields, const job_spec& spec);

}  // namespace mergepipe::cluster
