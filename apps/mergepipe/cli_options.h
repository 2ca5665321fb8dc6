#pragma once

#include <string>
#include <vector>

#include "mergepipe/mergepipe.h"

namespace CLI {
class App;
class Option;
class ParseError;
}  // namespace CLI

namespace mergepipe::cli {

/// Options that CLI11 reads as text and the library parses afterwards.
struct result_option_text {
  std::string key = "id";
  std::vector<std::string> deletes;
};

/// Adds the options that change the result (--key, --ts, --ts-unit, --ts-format,
/// --delete-when, --order, --format), shared by the plain command and `submit`.
void add_result_options(CLI::App& app, options& opts, output_format& format,
                        result_option_text& text);

/// Parses the key list and delete rules into `opts`; throws `mergepipe::error` (usage).
void apply_result_options(const result_option_text& text, options& opts);

/// Adds an option that takes a positive whole number, shown as N in --help.
CLI::Option* add_count(CLI::App& app, const std::string& name, unsigned& value,
                       const std::string& help);

/// Adds an option that takes a positive number, fractions allowed, shown as `type_name`.
CLI::Option* add_positive_number(CLI::App& app, const std::string& name, double& value,
                                 const std::string& type_name, const std::string& help);

/// Prints a usage error the way every subcommand does.
void report_usage_error(const std::string& message, const std::string& command = "mergepipe");

/// Prints a command-line parse error of `app` as one plain sentence, as report_usage_error does.
void report_parse_error(const CLI::ParseError& e, const CLI::App& app,
                        const std::string& command = "mergepipe");

/// Everything the command line decides: the library's options plus what only the CLI does.
struct cli_options {
  options merge;
  std::string output = "-";
  output_format format = output_format::ndjson;
  std::string rejects;
  bool stats = false;
  std::string stats_json;
  int verbosity = 0;  ///< -1 quiet, 0 normal, 1 verbose.
};

/// Outcome of parsing argv: run with `options`, or exit now with `exit_code`
/// (0 after --help or --version, 2 after a usage error, already reported on stderr).
struct parse_result {
  cli_options options;
  bool exit_now = false;
  int exit_code = 0;
};

parse_result parse_command_line(int argc, char** argv);

}  // namespace mergepipe::cli
