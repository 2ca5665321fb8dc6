#include "submit.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <random>

#include "duration.h"
#include "job_sizing.h"
#include "job_spec.h"
#include "job_status.h"
#include "job_wait.h"
#include "keys.h"
#include "mergepipe/error.h"
#include "mergepipe/pieces.h"
#include "redis_client.h"
#include "scripts.h"

namespace mergepipe::cluster {
namespace {

namespace fs = std::filesystem;

std::string absolute_input(const std::string& path) {
  if (path == "-") throw error(errc::usage, "distributed jobs cannot read standard input");
  std::error_code ec;
  fs::path canonical = fs::canonical(path, ec);
  if (ec) throw error(errc::io, fmt::format("{}: {}", path, ec.message()));
  return canonical.string();
}

bool same_file(const std::string& a, const std::string& b) {
  struct stat sa {
  }, sb{};
  return ::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev &&
         sa.st_ino == sb.st_ino;
}

// A file the job writes, as an absolute path: not an input, in a directory that exists.
std::string absolute_output(const std::string& path, const std::vector<std::string>& inputs) {
  std::string absolute = fs::absolute(path).lexically_normal().string();
  for (const std::string& input : inputs) {
    if (same_file(input, absolute)) {
      throw error(errc::usage, fmt::format("output file {} is also an input", path));
    }
  }
  if (!fs::is_directory(fs::path(absolute).parent_path())) {
    throw error(errc::io, fmt::format("{}: its directory does not exist", path));
  }
  return absolute;
}

std::string random_id() {
  std::random_device device;
  return fmt::format("{:016x}{:08x}", (std::uint64_t{device()} << 32) | device(), device());
}

}  // namespace

int submit_job(const submit_args& args) {
  check_job_name(args.job);
  redis_endpoint where = parse_redis_url(args.redis_url);
  if (args.inputs.empty()) throw error(errc::usage, "submit needs at least one input file");
  if (args.pieces_mb < 0) throw error(errc::usage, "--pieces-mb must be positive");
  if (args.max_attempts == 0) throw error(errc::usage, "--max-attempts must be at least 1");
  std::uint64_t retain_seconds = parse_duration_seconds(args.retain, "--retain");

  job_spec spec;
  spec.name = args.job;
  spec.submit_id = random_id();
  for (const std::string& input : args.inputs) spec.inputs.push_back(absolute_input(input));
  spec.rules = args.rules;
  spec.output = absolute_output(args.output, spec.inputs);
  spec.on_error = args.on_error;
  if (!args.rejects.empty()) {
    spec.rejects = absolute_output(args.rejects, spec.inputs);
    if (spec.rejects == spec.output) {
      throw error(errc::usage, "--rejects names the output file");
    }
  }
  spec.storage = (fs::absolute(args.storage).lexically_normal() / args.job).string();
  std::error_code ec;
  fs::create_directories(spec.storage, ec);
  if (ec) throw error(errc::io, fmt::format("{}: {}", spec.storage, ec.message()));
  spec.max_attempts = args.max_attempts;
  spec.retain_seconds = retain_seconds;

  job_keys keys(args.job);
  connection redis(where, std::chrono::milliseconds(0));  // unreachable now: say so at once
  // A reply lost with the connection is sent again: the submit id makes that harmless.
  redis.keep_trying_for(std::chrono::seconds(10));
  const std::uint64_t live = live_workers(redis).size();
  std::uint64_t input_bytes = 0;
  for (const std::string& input : spec.inputs) {
    input_bytes += fs::file_size(input, ec);
    if (ec) throw error(errc::io, fmt::format("{}: {}", input, ec.message()));
  }
  const job_size size = size_job(input_bytes, live, args.pieces_mb, args.buckets);
  spec.buckets = size.buckets;
  std::vector<piece> pieces = cut_into_pieces(spec.inputs, size.piece_bytes);
  spec.map_total = pieces.size();
  for (const piece& p : pieces) spec.bytes_total += p.end - p.begin;
  // In input order the output is written in parts side by side, a part per few pieces.
  if (spec.rules.order == output_order::input) {
    constexpr std::size_t max_parts = 256;
    const std::size_t step = (pieces.size() + max_parts - 1) / max_parts;
    for (std::size_t i = 0; i < pieces.size(); i += step) {
      position start{pieces[i].input, pieces[i].begin};
      if (spec.part_starts.empty() || spec.part_starts.back() < start) {
        spec.part_starts.push_back(start);
      }
    }
  }

  std::vector<std::string> fields = spec.to_fields();
  std::vector<std::string> argv = {args.job, spec.submit_id, std::to_string(unix_time_ms()),
                                   std::to_string(fields.size() / 2)};
  argv.insert(argv.end(), fields.begin(), fields.end());
  for (const piece& p : pieces) {
    argv.insert(argv.end(), {std::to_string(p.input), spec.inputs[p.input], std::to_string(p.begin),
                             std::to_string(p.end)});
  }
  if (redis
          .eval(scripts::create_job,
                {keys.spec, keys.tasks, running_jobs, keys.dead, keys.failures, keys.done, events},
                argv)
          .as_integer() < 0) {
    throw error(errc::usage, fmt::format("job {} already exists on redis://{}: pick another name",
                                         args.job, where.display()));
  }
  const bool sized = args.pieces_mb == 0 || args.buckets == 0;
  fmt::print(stderr,
             "mergepipe: job {} submitted: {} map task(s) over {:.1f} MB, {} bucket(s){}; stream "
             "{}, group {}\n",
             args.job, spec.map_total, static_cast<double>(spec.bytes_total) / 1e6, spec.buckets,
             sized ? fmt::format(" (sized for {} live worker(s))", live) : "", keys.tasks, group);
  if (!args.wait) return 0;
  redis.keep_trying_for(std::chrono::seconds(60));  // a Redis restart while waiting
  return wait_for_job(redis, args.job);
}

}  // namespace mergepipe::cluster
