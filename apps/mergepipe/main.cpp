// mergepipe: command-line front end. Parses options, sets up logging and the output files,
// runs mergepipe::merge and maps its errors to exit codes: 1 bad input, 2 usage, 3 I/O.
// `mergepipe submit|worker|status|jobs|cancel` are the distributed mode (cluster/commands.h),
// built with MERGEPIPE_BUILD_CLUSTER.
#include <fmt/format.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <optional>

#include "cli_options.h"
#include "command_line.h"
#include "exit_codes.h"
#include "mergepipe/mergepipe.h"
#if MERGEPIPE_WITH_CLUSTER
#include "cluster/commands.h"
#endif

namespace {

using mergepipe::cli::cli_options;

using mergepipe::cli::exit_code_for;
using mergepipe::cli::exit_io;
using mergepipe::cli::exit_usage;

std::optional<std::pair<dev_t, ino_t>> file_identity(const std::string& path) {
  struct stat st {};
  int rc = path == "-" ? ::fstat(STDIN_FILENO, &st) : ::stat(path.c_str(), &st);
  if (rc != 0) return std::nullopt;
  return std::pair{st.st_dev, st.st_ino};
}

// Writing over an input would destroy it while it is read: refuse any spelling or link of it.
std::optional<std::string> output_that_is_an_input(const cli_options& cli) {
  std::vector<std::string> inputs =
      cli.merge.inputs.empty() ? std::vector<std::string>{"-"} : cli.merge.inputs;
  for (const std::string& output : {cli.output, cli.rejects, cli.stats_json}) {
    if (output.empty() || output == "-") continue;
    auto out_id = file_identity(output);
    if (!out_id) continue;
    for (const std::string& input : inputs) {
      if (file_identity(input) == out_id) return output;
    }
  }
  return std::nullopt;
}

std::shared_ptr<spdlog::logger> make_logger(int verbosity) {
  auto logger = std::make_shared<spdlog::logger>("mergepipe",
                                                 std::make_shared<spdlog::sinks::stderr_sink_mt>());
  logger->set_pattern("mergepipe: %v");
  logger->set_level(verbosity > 0 ? spdlog::level::debug
                                  : (verbosity < 0 ? spdlog::level::err : spdlog::level::info));
  return logger;
}

// A progress line on a terminal, once a run has taken more than a second.
void show_progress(const mergepipe::progress& p) {
  if (p.seconds < 1.0) return;
  double mb = static_cast<double>(p.bytes_done) / 1e6;
  if (p.bytes_total > 0) {
    fmt::print(stderr, "\rmergepipe: {:.0f} / {:.0f} MB ({:.0f}%), {:.0f} MB/s   ", mb,
               static_cast<double>(p.bytes_total) / 1e6,
               100.0 * static_cast<double>(p.bytes_done) / static_cast<double>(p.bytes_total),
               mb / p.seconds);
  } else {
    fmt::print(stderr, "\rmergepipe: {:.0f} MB, {:.0f} MB/s   ", mb, mb / p.seconds);
  }
}

int run(cli_options& cli) {
  if (auto clash = output_that_is_an_input(cli)) {
    fmt::print(stderr, "mergepipe: output file {} is also an input\n", *clash);
    return exit_usage;
  }
  auto logger = make_logger(cli.verbosity);
  cli.merge.run.logger = logger;
  bool progress_line = cli.verbosity >= 0 && ::isatty(STDERR_FILENO) == 1;
  if (progress_line) cli.merge.run.on_progress = show_progress;

  mergepipe::json_file_sink out(cli.output, cli.merge.rules.format);
  std::optional<mergepipe::rejects_file_sink> rejects;
  if (!cli.rejects.empty()) rejects.emplace(cli.rejects);

  mergepipe::report report = mergepipe::merge(cli.merge, out, rejects ? &*rejects : nullptr);
  if (progress_line && report.wall_seconds >= 1.0) fmt::print(stderr, "\r\033[K");
  if (report.bad_records > 0) {
    logger->warn("skipped {} bad record(s){}", report.bad_records,
                 rejects ? " (written to " + cli.rejects + ")" : std::string());
  }
  if (cli.stats) fmt::print(stderr, "{}", report.to_text());
  if (!cli.stats_json.empty()) {
    mergepipe::json_file_sink stats(cli.stats_json, mergepipe::output_format::ndjson);
    stats.write(report.to_json());
    stats.finish();
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && mergepipe::cli::is_distributed_command(argv[1])) {
#if MERGEPIPE_WITH_CLUSTER
    return mergepipe::cluster::run_command(argc - 1, argv + 1);
#else
    mergepipe::cli::report_usage_error(
        "this mergepipe was built without the distributed mode (MERGEPIPE_BUILD_CLUSTER=OFF); "
        "an input file of this name is written ./" +
        std::string(argv[1]));
    return exit_usage;
#endif
  }
  mergepipe::cli::parse_result parsed = mergepipe::cli::parse_command_line(argc, argv);
  if (parsed.exit_now) return parsed.exit_code;
  try {
    return run(parsed.options);
  } catch (const mergepipe::error& e) {
    fmt::print(stderr, "mergepipe: {}\n", e.what());
    return exit_code_for(e.code());
  } catch (const std::exception& e) {
    fmt::print(stderr, "mergepipe: internal error: {}\n", e.what());
    return exit_io;
  }
}
