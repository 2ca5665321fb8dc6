#include "job_status.h"

#include <fmt/format.h>

#include <map>

#include "keys.h"

namespace mergepipe::cluster {
namespace {

std::map<std::string, reply> pairs(const reply& flat) {
  std::map<std::string, reply> out;
  for (std::size_t i = 0; i + 1 < flat.elements.size(); i += 2) {
    out[flat.elements[i].str()] = flat.elements[i + 1];
  }
  return out;
}

}  // namespace

std::optional<job_status> read_status(connection& redis, const std::string& job) {
  job_keys keys(job);
  std::map<std::string, reply> spec = pairs(redis.command({"HGETALL", keys.spec}));
  if (spec.empty()) return std::nullopt;
  auto text = [&](const char* name) {
    auto found = spec.find(name);
    return found == spec.end() ? std::string() : found->second.str();
  };
  auto number = [&](const char* name) -> std::uint64_t {
    auto found = spec.find(name);
    return found == spec.end() ? 0 : static_cast<std::uint64_t>(found->second.as_integer());
  };
  job_status s;
  s.job = job;
  s.state = text("state");
  s.phase = text("phase");
  s.reason = text("reason");
  s.failed_task = text("failed_task");
  s.exit_code = static_cast<int>(number("exit_code"));
  s.output = text("output");
  s.map_done = number("map_done");
  s.map_total = number("map_total");
  s.reduce_done = number("reduce_done");
  s.reduce_total = number("buckets");
  s.write_done = number("write_done");
  s.write_total = number("parts");
  s.collect_done = number("collect_done");
  s.bytes_done = number("bytes_done");
  s.bytes_total = number("bytes_total");
  s.output_records = number("output_records");
  s.records = number("records_done");
  s.bad_records = number("bad_records");
  s.rejects = text("rejects");
  s.stream = keys.tasks;
  s.group = group;
  s.dead_stream = keys.dead;

  for (const reply& info : redis.command({"XINFO", "GROUPS", keys.tasks}).elements) {
    std::map<std::string, reply> g = pairs(info);
    if (g["name"].str() != group) continue;
    s.pending = g["pending"].as_integer();
    if (auto lag = g.find("lag"); lag != g.end() && !lag->second.is_nil()) {
      s.lag = lag->second.as_integer();
    }
  }
  s.dead_letters = redis.command({"XLEN", keys.dead}).as_integer();

  s.workers = live_workers(redis);
  return s;
}

std::vector<std::pair<std::string, std::string>> live_workers(connection& redis) {
  std::vector<std::pair<std::string, std::string>> workers;
  std::string cursor = "0";
  do {
    reply page = redis.command({"SCAN", cursor, "MATCH", worker_prefix + "*", "COUNT", "1000"});
    cursor = page.at(0).str();
    for (const reply& key : page.at(1).elements) {
      reply what = redis.command({"GET", key.str()});
      if (!what.is_nil()) workers.emplace_back(key.str().substr(worker_prefix.size()), what.str());
    }
  } while (cursor != "0");
  return workers;
}

std::string to_text(const job_status& s) {
  std::string out = fmt::format("job {}: {}", s.job, s.state);
  if (s.state == "running") out += fmt::format(" (phase {})", s.phase);
  out += "\n";
  if (s.state == "failed") {
    out += fmt::format("  FAILED (exit code {}) in task {}: {}\n", s.exit_code, s.failed_task,
                       s.reason);
  }
  if (s.state == "cancelled") out += fmt::format("  CANCELLED: {}\n", s.reason);
  if (s.state == "done") {
    out += fmt::format("  output     {} ({} records)\n", s.output, s.output_records);
  }
  out += fmt::format("  map        {}/{} tasks, {:.1f}/{:.1f} MB\n", s.map_done, s.map_total,
                     static_cast<double>(s.bytes_done) / 1e6,
                     static_cast<double>(s.bytes_total) / 1e6);
  out += fmt::format("  records    {} good, {} bad{}\n", s.records, s.bad_records,
                     s.rejects.empty() ? "" : " (rejects to " + s.rejects + ")");
  out += fmt::format("  reduce     {}/{} tasks\n", s.reduce_done, s.reduce_total);
  if (s.write_total > 0) {
    out += fmt::format("  write      {}/{} tasks\n", s.write_done, s.write_total);
  }
  out += fmt::format("  collect    {}/1 task\n", s.collect_done);
  out += fmt::format("  queue      stream {}, group {}: lag {}, pending {}\n", s.stream, s.group,
                     s.lag < 0 ? std::string("unknown") : std::to_string(s.lag), s.pending);
  out += fmt::format("  dead       {} task(s) in {}\n", s.dead_letters, s.dead_stream);
  out += fmt::format("  workers    {} live", s.workers.size());
  for (const auto& [name, what] : s.workers) out += fmt::format("\n    {}: {}", name, what);
  return out + "\n";
}

std::string json_string(const std::string& text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      out += fmt::format("\\u{:04x}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::string to_json(const job_status& s) {
  std::string workers;
  for (const auto& [name, what] : s.workers) {
    workers += fmt::format("{}{{\"name\":{},\"task\":{}}}", workers.empty() ? "" : ",",
                           json_string(name), json_string(what));
  }
  return fmt::format(
      "{{\"job\":{},\"state\":{},\"phase\":{},\"exit_code\":{},\"reason\":{},"
      "\"failed_task\":{},\"output\":{},\"output_records\":{},"
      "\"records\":{{\"good\":{},\"bad\":{}}},\"rejects\":{},"
      "\"tasks\":{{\"map\":{{\"done\":{},\"total\":{}}},\"reduce\":{{\"done\":{},\"total\":{}}},"
      "\"write\":{{\"done\":{},\"total\":{}}},"
      "\"collect\":{{\"done\":{},\"total\":1}}}},\"bytes\":{{\"done\":{},\"total\":{}}},"
      "\"stream\":{},\"group\":{},\"lag\":{},\"pending\":{},\"dead_letter_stream\":{},"
      "\"dead_letters\":{},\"workers\":[{}]}}\n",
      json_string(s.job), json_string(s.state), json_string(s.phase), s.exit_code,
      json_string(s.reason), json_string(s.failed_task), json_string(s.output), s.output_records,
      s.records, s.bad_records, s.rejects.empty() ? std::string("null") : json_string(s.rejects),
      s.map_done, s.map_total, s.reduce_done, s.reduce_total, s.write_done, s.write_total,
      s.collect_done, s.bytes_done, s.bytes_total, json_string(s.stream), json_string(s.group),
      s.lag < 0 ? std::string("null") : std::to_string(s.lag), s.pending,
      json_string(s.dead_stream), s.dead_letters, workers);
}

}  // namespace mergepipe::cluster
