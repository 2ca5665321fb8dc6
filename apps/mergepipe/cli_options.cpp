#include "cli_options.h"

#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "command_line.h"

namespace mergepipe::cli {
parse_result parse_command_line(int argc, char** argv) {
  parse_result result;
  cli_options& cli = result.options;
  options& opts = cli.merge;

  CLI::App app{"mergepipe: the latest record for every key, from JSON array or NDJSON files",
               "mergepipe"};
  app.set_version_flag("--version", version_string);
  app.footer(
      "Distributed mode over Redis: mergepipe submit|worker|status|jobs|cancel --help "
      "(docs/scaling-out.md)\n"
      "Behaviour, formats and exit codes: docs/contract.md");

  app.add_option("inputs", opts.inputs, "Input files, merged as one stream in order; - is stdin")
      ->type_name("FILE");
  app.add_option("-o,--output", cli.output, "Output file (default: standard output)")
      ->type_name("FILE");
  add_result_options(app, opts.rules);
  add_bad_record_options(app, opts.on_error, cli.rejects);
  run_settings& run = opts.run;
  add_count(app, "--threads", run.threads, "Worker threads (default: all cores)");
  add_parsed(app, "--chunk-size", run.chunk_size, size_in_bytes,
             "a size such as 65536, 64K, 8M or 1G", "Target chunk size (default 1M)")
      ->type_name("SIZE");
  add_count(app, "--tokens", run.tokens, "Chunks in flight (default: 4 per thread)");
  add_memory_options(app, run);
  app.add_option_function<std::string>(
         "--pipeline",
         [&run](const std::string& text) { run.layout = pipeline_layout::parse(text); },
         "Steps grouped into filters: read cut parse stamp order merge in order, | between "
         "filters, + joining steps (default read+cut|parse+stamp|order|merge)")
      ->type_name("LAYOUT");
  app.add_flag("--stats", cli.stats, "Print a summary on standard error");
  app.add_option("--stats-json", cli.stats_json, "Write the summary as JSON to FILE")
      ->type_name("FILE");
  bool verbose = false;
  bool quiet = false;
  app.add_flag("-v,--verbose", verbose, "Log more on standard error")
      ->excludes(app.add_flag("-q,--quiet", quiet, "Log only errors"));

  try {
    app.parse(argc, argv);
    check_bad_record_options(opts.on_error, cli.rejects);
    opts.rules.validate();  // rules that each parse but do not go together
  } catch (const CLI::CallForHelp&) {
    fmt::print("{}", app.help());
    result.exit_now = true;
    return result;
  } catch (const CLI::CallForVersion&) {
    fmt::print("mergepipe {}\nSIMD: {}\n", version_string, simd_kernels());
    result.exit_now = true;
    return result;
  } catch (const CLI::ParseError& e) {
    report_parse_error(e, app);
    result.exit_now = true;
    result.exit_code = 2;
    return result;
  } catch (const error& e) {
    report_usage_error(e.what());
    result.exit_now = true;
    result.exit_code = 2;
    return result;
  }
  cli.verbosity = verbose ? 1 : (quiet ? -1 : 0);
  return result;
}

}  // namespace mergepipe::cli
