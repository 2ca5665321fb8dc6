#include "job_list.h"

#include <fmt/format.h>

#include <algorithm>
#include <tuple>

#include "job_status.h"
#include "keys.h"

namespace mergepipe::cluster {
namespace {

const std::string job_prefix = "mergepipe:job:";

std::uint64_t number_of(const reply& r) {
  return r.is_nil() ? 0 : static_cast<std::uint64_t>(std::stoull(r.str()));
}

// "45s", "12m 03s", "5h 02m", "3d 04h": two units are enough to tell jobs apart.
std::string short_duration(double seconds) {
  auto s = static_cast<long long>(seconds);
  if (s < 60) return fmt::format("{}s", s);
  if (s < 3600) return fmt::format("{}m {:02}s", s / 60, s % 60);
  if (s < 86400) return fmt::format("{}h {:02}m", s / 3600, s % 3600 / 60);
  return fmt::format("{}d {:02}h", s / 86400, s % 86400 / 3600);
}

std::string progress_of(const job_summary& j) {
  return fmt::format("map {}/{}, reduce {}/{}", j.map_done, j.map_total, j.reduce_done,
                     j.reduce_total);
}

}  // namespace

std::vector<job_summary> list_jobs(connection& redis) {
  long long now_ms = unix_time_ms();
  std::vector<job_summary> jobs;
  std::string cursor = "0";
  do {
    reply page = redis.command({"SCAN", cursor, "MATCH", job_prefix + "*", "COUNT", "1000"});
    cursor = page.at(0).str();
    for (const reply& key : page.at(1).elements) {
      std::string name = key.str().substr(job_prefix.size());
      if (name.find(':') != std::string::npos) continue;  // a job's stream or hash, not its spec
      reply f = redis.command({"HMGET", key.str(), "state", "phase", "map_done", "map_total",
                               "reduce_done", "buckets", "submitted_ms"});
      if (f.at(0).is_nil()) continue;  // expired meanwhile
      job_summary j;
      j.job = name;
      j.state = f.at(0).str();
      j.phase = f.at(1).is_nil() ? "" : f.at(1).str();
      j.map_done = number_of(f.at(2));
      j.map_total = number_of(f.at(3));
      j.reduce_done = number_of(f.at(4));
      j.reduce_total = number_of(f.at(5));
      j.submitted_ms = number_of(f.at(6));
      auto age_ms = std::max<long long>(0, now_ms - static_cast<long long>(j.submitted_ms));
      j.age_seconds = static_cast<double>(age_ms) / 1000;
      long long ttl = redis.command({"TTL", key.str()}).as_integer();
      if (ttl >= 0) j.expires_in = ttl;
      jobs.push_back(std::move(j));
    }
  } while (cursor != "0");
  std::sort(jobs.begin(), jobs.end(), [](const job_summary& a, const job_summary& b) {
    return std::tie(a.submitted_ms, a.job) < std::tie(b.submitted_ms, b.job);
  });
  return jobs;
}

std::string jobs_to_text(const std::vector<job_summary>& jobs) {
  if (jobs.empty()) return "no jobs\n";
  std::size_t name_width = 3;
  for (const job_summary& j : jobs) name_width = std::max(name_width, j.job.size());
  std::string out = fmt::format("{:<{}}  {:<9}  {:<9}  {:<28}  {:>8}  {}\n", "JOB", name_width,
                                "STATE", "PHASE", "PROGRESS", "AGE", "EXPIRES IN");
  for (const job_summary& j : jobs) {
    out += fmt::format("{:<{}}  {:<9}  {:<9}  {:<28}  {:>8}  {}\n", j.job, name_width, j.state,
                       j.phase, progress_of(j), short_duration(j.age_seconds),
                       j.expires_in ? short_duration(static_cast<double>(*j.expires_in)) : "-");
  }
  return out;
}

std::string jobs_to_json(const std::vector<job_summary>& jobs) {
  std::string out = "[";
  for (const job_summary& j : jobs) {
    out += fmt::format(
        "{}{{\"job\":{},\"state\":{},\"phase\":{},\"tasks\":{{\"map\":{{\"done\":{},"
        "\"total\":{}}},\"reduce\":{{\"done\":{},\"total\":{}}}}},\"age_seconds\":{:.3f},"
        "\"expires_in_seconds\":{}}}",
        out.size() > 1 ? "," : "", json_string(j.job), json_string(j.state), json_string(j.phase),
        j.map_done, j.map_total, j.reduce_done, j.reduce_total, j.age_seconds,
        j.expires_in ? std::to_string(*j.expires_in) : std::string("null"));
  }
  return out + "]\n";
}

}  // namespace mergepipe::cluster
