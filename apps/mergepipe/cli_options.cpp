#include "cli_options.h"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <map>

namespace mergepipe::cli {
namespace {

template <typename Enum>
CLI::CheckedTransformer choices(const std::map<std::string, Enum>& names) {
  return CLI::CheckedTransformer(names, CLI::ignore_case);
}

}  // namespace

void report_usage_error(const std::string& message, const std::string& command) {
  fmt::print(stderr, "mergepipe: {} (see {} --help)\n", message, command);
}

void add_result_options(CLI::App& app, options& opts, output_format& format,
                        result_option_text& text) {
  app.add_option("--format", format, "Output format: ndjson or array")
      ->transform(choices<output_format>(
          {{"ndjson", output_format::ndjson}, {"array", output_format::array}}))
      ->default_str("ndjson");
  app.add_option("--order", opts.order, "Output order: input (position of the winner) or key")
      ->transform(
          choices<output_order>({{"input", output_order::input}, {"key", output_order::key}}))
      ->default_str("input");
  app.add_option("--key", text.key,
                 "Key field(s): name, JSON Pointer (/a/b), or a,b for a composite key")
      ->default_str("id");
  app.add_option("--ts", opts.timestamp_field, "Timestamp field; \"\" for input order only")
      ->default_str("updated_at");
  app.add_option("--ts-unit", opts.ts_unit, "Unit of numeric timestamps: s, ms, us, ns")
      ->transform(choices<timestamp_unit>({{"s", timestamp_unit::s},
                                           {"ms", timestamp_unit::ms},
                                           {"us", timestamp_unit::us},
                                           {"ns", timestamp_unit::ns}}))
      ->default_str("s");
  app.add_option("--ts-format", opts.timestamp_format,
                 "strptime-style format for string timestamps, e.g. %m/%d/%Y");
  app.add_option("--delete-when", text.deletes, "FIELD=VALUE marking delete records (repeatable)")
      ->type_name("FIELD=VALUE")
      ->allow_extra_args(false);  // one value per use: a following word is an input file
}

void apply_result_options(const result_option_text& text, options& opts) {
  opts.key = parse_key_list(text.key);
  for (const std::string& rule : text.deletes) opts.delete_rules.push_back(parse_delete_rule(rule));
}

parse_result parse_command_line(int argc, char** argv) {
  parse_result result;
  cli_options& cli = result.options;
  options& opts = cli.merge;

  CLI::App app{"mergepipe: the latest record for every key, from JSON array or NDJSON files"};
  app.set_version_flag("--version", version_string);
  app.footer(
      "Distributed mode over Redis: mergepipe submit|worker|status --help (docs/scaling-out.md)");

  app.add_option("inputs", opts.inputs, "Input files, merged as one stream in order; - is stdin")
      ->type_name("FILE...");
  app.add_option("-o,--output", cli.output, "Output file (default: standard output)")
      ->type_name("FILE");
  result_option_text text;
  add_result_options(app, opts, cli.format, text);
  app.add_option("--on-error", opts.on_error, "Bad records: fail (stop, exit 1) or skip")
      ->transform(
          choices<error_policy>({{"fail", error_policy::fail}, {"skip", error_policy::skip}}))
      ->default_str("fail");
  app.add_option("--rejects", cli.rejects,
                 "With --on-error skip: write bad records here as JSON lines")
      ->type_name("FILE");
  app.add_option("--threads", opts.threads, "Worker threads (default: all cores)")
      ->check(CLI::PositiveNumber);
  std::string chunk_size;
  app.add_option("--chunk-size", chunk_size, "Target chunk size, e.g. 64K, 8M (default 1M)");
  app.add_option("--tokens", opts.tokens, "Chunks in flight (default: 4 per thread)")
      ->check(CLI::PositiveNumber);
  std::string layout;
  app.add_option("--pipeline", layout,
                 "Steps grouped into filters: read cut parse stamp order merge in order, | "
                 "between filters, + joining steps (default read+cut|parse+stamp|order|merge)")
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
    apply_result_options(text, opts);
    if (!chunk_size.empty()) opts.chunk_size = parse_size(chunk_size);
    if (!layout.empty()) opts.layout = pipeline_layout::parse(layout);
    if (!cli.rejects.empty() && opts.on_error != error_policy::skip) {
      throw error(errc::usage, "--rejects needs --on-error skip");
    }
  } catch (const CLI::CallForHelp&) {
    fmt::print("{}", app.help());
    result.exit_now = true;
    return result;
  } catch (const CLI::CallForVersion&) {
    fmt::print("mergepipe {}\n", version_string);
    result.exit_now = true;
    return result;
  } catch (const CLI::ParseError& e) {
    report_usage_error(e.what());
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
