#pragma once

// What the plain command line and the distributed commands share: options whose values are
// checked and refused in the user's words, the options that change the result, usage errors
// in one plain sentence, and the words that start the distributed mode.

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "mergepipe/options.h"
#include "mergepipe/result_rules.h"

namespace mergepipe::cli {

/// Adds an option whose text `parse` turns into `value` (a `std::optional`). Text it refuses is
/// a usage error in one sentence that says what the option takes ("--threads must be
/// `must_be`, not ..."), instead of CLI11's names for C++ types.
template <typename T, typename Parse>
CLI::Option* add_parsed(CLI::App& app, const std::string& name, T& value, Parse parse,
                        const std::string& must_be, const std::string& help) {
  return app.add_option_function<std::string>(
      name,
      [&value, parse, name, must_be](const std::string& text) {
        std::optional<T> parsed = parse(text);
        if (!parsed) {
          throw CLI::ValidationError(fmt::format("{} must be {}, not \"{}\"", name, must_be, text));
        }
        value = *parsed;
      },
      help);
}

/// Adds an option that takes a positive whole number, shown as N in --help.
CLI::Option* add_count(CLI::App& app, const std::string& name, unsigned& value,
                       const std::string& help);

/// A size such as `65536`, `64K`, `8M` or `1G` in bytes, or nothing when `text` is none.
std::optional<std::size_t> size_in_bytes(const std::string& text);

/// Adds --memory-limit and --temp-dir: where records of inputs read once spill.
void add_memory_options(CLI::App& app, run_settings& run);

/// Adds --on-error and --rejects: what a bad record does, and the file bad records go to.
void add_bad_record_options(CLI::App& app, error_policy& on_error, std::string& rejects);

/// Throws `mergepipe::error` (usage) for --rejects without --on-error skip.
void check_bad_record_options(error_policy on_error, const std::string& rejects);

/// Adds an option that takes a positive number, fractions allowed, shown as `type_name`.
CLI::Option* add_positive_number(CLI::App& app, const std::string& name, double& value,
                                 const std::string& type_name, const std::string& help);

/// Adds an option for each rule that changes the result (`mergepipe::rule_options`), read
/// into `rules` by the library's own `result_rules::set`.
void add_result_options(CLI::App& app, result_rules& rules);

/// Prints a usage error the way every command does.
void report_usage_error(const std::string& message, const std::string& command = "mergepipe");

/// Prints a command-line parse error of `app` as one plain sentence, as report_usage_error does.
void report_parse_error(const CLI::ParseError& e, const CLI::App& app,
                        const std::string& command = "mergepipe");

/// Whether `word`, as the first argument, starts the distributed mode (submit, worker, status,
/// jobs, cancel).
bool is_distributed_command(std::string_view word);

}  // namespace mergepipe::cli
