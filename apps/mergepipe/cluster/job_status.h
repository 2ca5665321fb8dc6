#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "redis_client.h"

namespace mergepipe::cluster {

/// A job's state as Redis holds it, with the queue numbers an autoscaler reads.
struct job_status {
  std::string job;
  std::string state;  ///< running, done, failed or cancelled.
  std::string phase;  ///< map, reduce, collect, done, failed or cancelled.
  std::string reason;
  std::string failed_task;
  int exit_code = 0;
  std::string output;
  std::uint64_t map_done = 0, map_total = 0;
  std::uint64_t reduce_done = 0, reduce_total = 0;
  std::uint64_t write_done = 0, write_total = 0;  ///< Parts of the output (0 in key order).
  std::uint64_t collect_done = 0;
  std::uint64_t bytes_done = 0, bytes_total = 0;
  std::uint64_t records = 0;      ///< Good records read by the map tasks done.
  std::uint64_t bad_records = 0;  ///< Bad records they skipped (`--on-error skip`).
  std::string rejects;            ///< Where the bad records go; empty for nowhere.
  std::uint64_t output_records = 0;
  std::string stream, group, dead_stream;
  long long lag = -1;     ///< Entries not yet delivered to any worker; -1 when Redis cannot tell.
  long long pending = 0;  ///< Delivered, not yet acknowledged.
  long long dead_letters = 0;
  std::vector<std::pair<std::string, std::string>> workers;  ///< Live workers: name, task or idle.
};

/// Reads the status of `job`; nothing when there is no such job.
std::optional<job_status> read_status(connection& redis, const std::string& job);

/// The workers alive now (their liveness keys): name, and the task they run or "idle".
std::vector<std::pair<std::string, std::string>> live_workers(connection& redis);

/// Human-readable lines.
std::string to_text(const job_status& s);
/// One JSON object.
std::string to_json(const job_status& s);

/// `text` as a JSON string, quotes included.
std::string json_string(const std::string& text);

}  // namespace mergepipe::cluster
