#include "task.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>

#include "mergepipe/mergepipe.h"
#include "output_part.h"

namespace mergepipe::cluster {
namespace {

[[noreturn]] void reject(const std::string& reason) {
  throw error(errc::bad_input, "invalid task: " + reason);
}

const std::string& field(const std::map<std::string, std::string>& fields, const char* name) {
  auto found = fields.find(name);
  if (found == fields.end()) reject(fmt::format("no field '{}'", name));
  return found->second;
}

std::uint64_t number(const std::map<std::string, std::string>& fields, const char* name,
                     std::uint64_t limit) {
  const std::string& text = field(fields, name);
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
    reject(fmt::format("field '{}' is not a number: '{}'", name, text));
  }
  if (value >= limit) {
    reject(fmt::format("{} {} is outside the job (it has {})", name, value, limit));
  }
  return value;
}

void expect_id(const task& t, const std::string& expected) {
  if (t.id != expected) reject(fmt::format("task '{}' should be named '{}'", t.id, expected));
}

std::uint64_t file_size(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    throw error(errc::io, fmt::format("{}: {}", path, std::strerror(errno)));
  }
  return static_cast<std::uint64_t>(st.st_size);
}

// Writes each line of `path` to `out` as a record; returns how many.
std::uint64_t copy_lines(const std::string& path, record_sink& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw error(errc::io, fmt::format("{}: {}", path, std::strerror(errno)));
  std::uint64_t lines = 0;
  for (std::string line; std::getline(in, line); ++lines) out.write(line);
  if (in.bad()) throw error(errc::io, fmt::format("{}: read failed", path));
  return lines;
}

// The map tasks' rejects, one after another: pieces are numbered in input order, so this is
// the order one machine writes them in. Written whole or not at all, as any output.
void collect_rejects(const job_spec& spec) {
  json_file_sink out(spec.rejects, output_format::ndjson);
  for (std::uint64_t piece = 0; piece < spec.map_total; ++piece) {
    copy_lines(spec.map_rejects(piece), out);
  }
  out.finish();
}

std::uint64_t total_size(const std::vector<std::string>& paths) {
  std::uint64_t total = 0;
  for (const std::string& path : paths) total += file_size(path);
  return total;
}

// The output from its parts, in order, framed as the job's format asks. Returns the records.
std::uint64_t join_parts(const job_spec& spec, const std::function<void()>& keep_going) {
  json_file_sink out(spec.output, spec.rules.format);
  std::uint64_t records = 0;
  for (std::uint64_t p = 0; p < spec.part_starts.size(); ++p) {
    records += append_output_part(spec.part_output(p), out, spec.rules.format);
    keep_going();
  }
  out.finish();
  return records;
}

// Partial files refer to the records in the job's inputs, which stay in place until the job
// ends, and are not synced: a torn one fails its checksum, and the job can be run again.
constexpr partial_format partials{.refer_to_inputs = true, .durable = false};

}  // namespace

task parse_task(const std::map<std::string, std::string>& fields, const job_spec& spec) {
  task t;
  t.id = field(fields, "task");
  const std::string& kind = field(fields, "kind");
  if (kind == "map") {
    t.kind = task::type::map;
    t.piece = number(fields, "piece", spec.map_total);
    expect_id(t, fmt::format("map:{}", t.piece));
    t.input = static_cast<std::uint32_t>(number(fields, "input", spec.inputs.size()));
    t.path = field(fields, "path");
    if (t.path != spec.inputs[t.input]) {
      reject(fmt::format("path {} is not input {} of the job ({})", t.path, t.input,
                         spec.inputs[t.input]));
    }
    t.begin = number(fields, "begin", UINT64_MAX);
    t.end = number(fields, "end", UINT64_MAX);
    std::uint64_t size = file_size(t.path);
    if (t.begin > t.end || t.end > size) {
      reject(
          fmt::format("byte range {}-{} is outside {} ({} bytes)", t.begin, t.end, t.path, size));
    }
  } else if (kind == "reduce") {
    t.kind = task::type::reduce;
    t.bucket = static_cast<std::uint32_t>(number(fields, "bucket", spec.buckets));
    expect_id(t, fmt::format("reduce:{}", t.bucket));
  } else if (kind == "write") {
    t.kind = task::type::write;
    t.part = number(fields, "part", spec.part_starts.size());
    expect_id(t, fmt::format("write:{}", t.part));
  } else if (kind == "collect") {
    t.kind = task::type::collect;
    expect_id(t, "collect");
  } else {
    reject(fmt::format("unknown kind '{}'", kind));
  }
  return t;
}

task_result run_task(const task& t, const job_spec& spec, const run_settings& run,
                     const std::function<void()>& keep_going) {
  options opts;
  opts.rules = spec.rules;
  opts.on_error = spec.on_error;
  opts.run = run;
  opts.run.on_progress = [&](const progress&) { keep_going(); };
  // A map task keeps its piece's bad records for the collect step.
  std::optional<rejects_file_sink> piece_rejects;
  if (t.kind == task::type::map && !spec.rejects.empty()) {
    piece_rejects.emplace(spec.map_rejects(t.piece));
  }
  merger m(opts, piece_rejects ? &*piece_rejects : nullptr);
  task_result result;
  switch (t.kind) {
    case task::type::map: {
      m.add(source::file_range(t.path, t.begin, t.end), {.input = t.input});
      keep_going();
      std::vector<std::string> buckets;
      for (std::uint32_t b = 0; b < spec.buckets; ++b)
        buckets.push_back(spec.map_output(t.piece, b));
      m.save_partial(buckets, partials);
      if (piece_rejects) {
        piece_rejects->finish();
        buckets.push_back(spec.map_rejects(t.piece));
      }
      result.written_bytes = total_size(buckets);
      report counts = m.progress_report();
      result.bytes = t.end - t.begin;
      result.records = counts.records;
      result.bad_records = counts.bad_records;
      break;
    }
    case task::type::reduce: {
      for (std::uint64_t piece = 0; piece < spec.map_total; ++piece) {
        m.add_partial(spec.map_output(piece, t.bucket));
        keep_going();
      }
      std::vector<std::string> paths;
      if (spec.part_starts.empty()) {
        paths.push_back(spec.reduce_output(t.bucket));
        m.save_partial(paths, partials);
      } else {
        for (std::uint64_t p = 0; p < spec.part_starts.size(); ++p) {
          paths.push_back(spec.reduce_output(t.bucket, p));
        }
        m.save_partial_by_position(paths, spec.part_starts, partials);
      }
      result.written_bytes = total_size(paths);
      break;
    }
    case task::type::write: {
      for (std::uint32_t b = 0; b < spec.buckets; ++b) {
        m.add_partial(spec.reduce_output(b, t.part));
        keep_going();
      }
      output_part_sink out(spec.part_output(t.part));
      result.output_records = m.finish(out).output_records;
      result.written_bytes = total_size({spec.part_output(t.part)});
      break;
    }
    case task::type::collect: {
      // Rejects first, as on one machine: if they cannot be written, no output appears.
      if (!spec.rejects.empty()) collect_rejects(spec);
      if (spec.part_starts.empty()) {
        for (std::uint32_t b = 0; b < spec.buckets; ++b) {
          m.add_partial(spec.reduce_output(b));
          keep_going();
        }
        json_file_sink out(spec.output, spec.rules.format);
        result.output_records = m.finish(out).output_records;
      } else {
        result.output_records = join_parts(spec, keep_going);
      }
      result.written_bytes = total_size({spec.output});
      if (!spec.rejects.empty()) result.written_bytes += total_size({spec.rejects});
      break;
    }
  }
  return result;
}

void remove_partials(const job_spec& spec) {
  namespace fs = std::filesystem;
  // The job's files, and the temporary files of writers killed before they renamed theirs
  // (".map3.bucket0.tmp-Ab12Cd").
  static const std::regex partial_name(
      R"(\.?(map\d+\.(bucket\d+|rejects)|reduce\d+(\.part\d+)?|part\d+)(\.tmp-\w{6})?)");
  std::error_code failed;
  std::vector<fs::path> found;
  for (fs::directory_iterator it(spec.storage, failed); !failed && it != fs::directory_iterator();
       it.increment(failed)) {
    if (std::regex_match(it->path().filename().string(), partial_name)) found.push_back(it->path());
  }
  for (const fs::path& path : found) fs::remove(path, failed);
  fs::remove(spec.storage, failed);  // only when empty
}

}  // namespace mergepipe::cluster
