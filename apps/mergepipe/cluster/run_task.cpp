#include "run_task.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>

#include "mergepipe/mergepipe.h"
#include "output_part.h"

namespace mergepipe::cluster {
namespace {

namespace fs = std::filesystem;

// Partial files refer to the records in the job's inputs, which stay in place until the job
// ends, and are not synced: a torn one fails its checksum, and the job can be run again.
constexpr partial_format partials{.refer_to_inputs = true, .durable = false};

std::uint64_t total_size(const std::vector<std::string>& paths) {
  std::uint64_t total = 0;
  for (const std::string& path : paths) {
    std::error_code failed;
    std::uintmax_t size = fs::file_size(path, failed);
    if (failed) throw error(errc::io, fmt::format("{}: {}", path, failed.message()));
    total += size;
  }
  return total;
}

// Reads a file of task `producer` with `read`; one that is torn asks for its producer to run
// again.
template <typename Read>
auto read_intermediate(Read read, const std::string& producer) {
  try {
    return read();
  } catch (const error& e) {
    if (e.code() != errc::bad_input) throw;
    throw producer_needed{producer, e.what()};
  }
}

// Merges the partial file at `path`, which task `producer` wrote; one that is torn or damaged
// (bad input, as the library calls it) asks for its producer to run again.
void add_intermediate(merger& m, const std::string& path, const std::string& producer) {
  read_intermediate([&] { m.add_partial(path); }, producer);
}

// Replaces `output` (whose status is `status`) by the file at `in_progress`, cut to `size`
// and synced, with the mode an existing output had.
void place_output(const std::string& in_progress, const std::string& output, std::uint64_t size,
                  const fs::file_status& status) {
  const int fd = ::open(in_progress.c_str(), O_WRONLY | O_CLOEXEC);
  auto fail = [&](const char* what) {
    const int err = errno;
    if (fd >= 0) ::close(fd);
    throw error(errc::io, fmt::format("{}: {}: {}", output, what, std::strerror(err)));
  };
  if (fd < 0) fail("cannot open the output in progress");
  if (::ftruncate(fd, static_cast<off_t>(size)) != 0) fail("cannot cut the output to its size");
  if (status.type() == fs::file_type::regular &&
      ::fchmod(fd, static_cast<mode_t>(status.permissions())) != 0) {
    fail("cannot give the output its mode");
  }
  if (::fsync(fd) != 0) fail("cannot sync output file");
  if (::close(fd) != 0) fail("cannot close output file");
  if (::rename(in_progress.c_str(), output.c_str()) != 0) {
    throw error(errc::io, fmt::format("{}: cannot rename output into place: {}", output,
                                      std::strerror(errno)));
  }
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

task_result run_map(const task& t, const job_spec& spec, const options& opts,
                    const std::function<void()>& keep_going) {
  // The piece's bad records are kept for the collect task.
  std::optional<rejects_file_sink> piece_rejects;
  if (!spec.rejects.empty()) piece_rejects.emplace(spec.map_rejects(t.piece));
  merger m(opts, piece_rejects ? &*piece_rejects : nullptr);
  m.add(source::file_range(t.path, t.begin, t.end), {.input = t.input});
  keep_going();
  std::vector<std::string> written;
  for (std::uint32_t b = 0; b < spec.buckets; ++b) written.push_back(spec.map_output(t.piece, b));
  m.save_partial(written, partials);
  if (piece_rejects) {
    piece_rejects->finish();
    written.push_back(spec.map_rejects(t.piece));
  }
  report counts = m.progress_report();
  return {.bytes = t.end - t.begin,
          .records = counts.records,
          .bad_records = counts.bad_records,
          .written_bytes = total_size(written)};
}

task_result run_reduce(const task& t, const job_spec& spec, const options& opts,
                       const std::function<void()>& keep_going) {
  merger m(opts);
  for (std::uint64_t piece = 0; piece < spec.map_total; ++piece) {
    add_intermediate(m, spec.map_output(piece, t.bucket), fmt::format("map:{}", piece));
    keep_going();
  }
  std::vector<std::string> written;
  if (spec.part_starts.empty()) {
    written.push_back(spec.reduce_output(t.bucket));
    m.save_partial(written, partials);
  } else {
    for (std::uint64_t p = 0; p < spec.part_starts.size(); ++p) {
      written.push_back(spec.reduce_output(t.bucket, p));
    }
    save_ranges(spec.reduce_sizes(t.bucket),
                m.save_partial_by_position(written, spec.part_starts, partials));
    written.push_back(spec.reduce_sizes(t.bucket));
  }
  return {.written_bytes = total_size(written)};
}

// Where every part goes in the output in progress, from what the reduce tasks measured.
part_slots slots_of(const job_spec& spec) {
  std::vector<std::vector<saved_range>> by_bucket;
  for (std::uint32_t b = 0; b < spec.buckets; ++b) {
    by_bucket.push_back(read_intermediate(
        [&] { return load_ranges(spec.reduce_sizes(b), spec.part_starts.size()); },
        fmt::format("reduce:{}", b)));
  }
  return lay_out_parts(by_bucket, spec.rules.keep_deletes);
}

task_result run_write(const task& t, const job_spec& spec, const options& opts,
                      const std::function<void()>& keep_going) {
  merger m(opts);
  for (std::uint32_t b = 0; b < spec.buckets; ++b) {
    add_intermediate(m, spec.reduce_output(b, t.part), fmt::format("reduce:{}", b));
    keep_going();
  }
  const part_slots slots = slots_of(spec);
  part_slot_sink out(spec.output_in_progress(), slots.start[t.part], slots.size[t.part],
                     spec.part_size(t.part));
  const std::uint64_t records = m.finish(out).output_records;
  return {.output_records = records, .written_bytes = out.written().bytes};
}

// Renames the output in progress into place when its parts lie end to end (records that were
// already minified, delete markers written or absent) and the output is a plain file; joins
// them into the output otherwise. Returns the bytes written.
std::uint64_t finish_output(const job_spec& spec, const part_slots& slots,
                            const std::vector<written_part>& parts) {
  const std::string in_progress = spec.output_in_progress();
  std::uint64_t total = 0;
  bool end_to_end = spec.rules.format == output_format::ndjson;
  for (std::size_t p = 0; p < parts.size(); ++p) {
    end_to_end = end_to_end && parts[p].bytes == slots.size[p];
    total += parts[p].bytes;
  }
  std::error_code failed;
  const fs::file_status output = fs::symlink_status(spec.output, failed);
  if (end_to_end &&
      (output.type() == fs::file_type::not_found || output.type() == fs::file_type::regular)) {
    place_output(in_progress, spec.output, total, output);
    return 0;
  }
  json_file_sink out(spec.output, spec.rules.format);
  join_parts(in_progress, slots, parts, out, spec.rules.format);
  out.finish();
  fs::remove(in_progress, failed);
  return total;
}

task_result run_collect(const job_spec& spec, const options& opts,
                        const std::function<void()>& keep_going) {
  // Rejects first, as on one machine: if they cannot be written, no output appears.
  std::vector<std::string> written;
  if (!spec.rejects.empty()) {
    collect_rejects(spec);
    written.push_back(spec.rejects);
  }
  if (spec.part_starts.empty()) {  // key order: the buckets merged into the output
    merger m(opts);
    for (std::uint32_t b = 0; b < spec.buckets; ++b) {
      add_intermediate(m, spec.reduce_output(b), fmt::format("reduce:{}", b));
      keep_going();
    }
    json_file_sink out(spec.output, spec.rules.format);
    const std::uint64_t records = m.finish(out).output_records;
    written.push_back(spec.output);
    return {.output_records = records, .written_bytes = total_size(written)};
  }
  // Input order: the parts the write tasks wrote in place.
  const part_slots slots = slots_of(spec);
  std::vector<written_part> parts;
  std::uint64_t records = 0;
  for (std::uint64_t p = 0; p < spec.part_starts.size(); ++p) {
    parts.push_back(read_intermediate([&] { return load_written_part(spec.part_size(p)); },
                                      fmt::format("write:{}", p)));
    records += parts.back().records;
  }
  keep_going();
  const std::uint64_t joined = finish_output(spec, slots, parts);
  return {.output_records = records, .written_bytes = total_size(written) + joined};
}

}  // namespace

task_result run_task(const task& t, const job_spec& spec, const run_settings& run,
                     const std::function<void()>& keep_going) {
  options opts;
  opts.rules = spec.rules;
  opts.on_error = spec.on_error;
  opts.run = run;
  opts.run.on_progress = [&](const progress&) { keep_going(); };
  switch (t.kind) {
    case task::type::map:
      return run_map(t, spec, opts, keep_going);
    case task::type::reduce:
      return run_reduce(t, spec, opts, keep_going);
    case task::type::write:
      return run_write(t, spec, opts, keep_going);
    case task::type::collect:
      break;
  }
  return run_collect(spec, opts, keep_going);
}

void warm_up(const run_settings& run) {
  options opts;
  opts.run = run;
  merger m(opts);
  m.add(source::buffer(R"({"id":1})"), {});
  callback_sink dropped([](std::string_view) {});
  m.finish(dropped);
}

void remove_partials(const job_spec& spec) {
  // The job's files, and the temporary files of writers killed before they renamed theirs
  // (".map3.bucket0.tmp-Ab12Cd").
  static const std::regex partial_name(
      R"(\.?(map\d+\.(bucket\d+|rejects)|reduce\d+(\.part\d+|\.sizes)?|part\d+\.size)(\.tmp-\w{6})?)");
  std::error_code failed;
  // An output in progress left by a job that did not end well (a done job renamed it).
  if (!spec.part_starts.empty()) fs::remove(spec.output_in_progress(), failed);
  std::vector<fs::path> found;
  for (fs::directory_iterator it(spec.storage, failed); !failed && it != fs::directory_iterator();
       it.increment(failed)) {
    if (std::regex_match(it->path().filename().string(), partial_name)) found.push_back(it->path());
  }
  for (const fs::path& path : found) fs::remove(path, failed);
  fs::remove(spec.storage, failed);  // only when empty
}

}  // namespace mergepipe::cluster
