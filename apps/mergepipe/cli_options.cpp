#include "cli_options.h"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <charconv>
#include <cmath>
#include <optional>
#include <regex>

#include "option_names.h"

namespace mergepipe::cli {
namespace {

// Adds an option whose text `parse` turns into `value`. Text it refuses is a usage error in one
// sentence that says what the option takes, instead of CLI11's names for C++ types.
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

// The words of `names` joined: "s, ms, us or ns" in sentences, "s|ms|us|ns" in --help.
template <typename Enum, std::size_t N>
std::string joined(const value_names<Enum, N>& names, std::string_view between,
                   std::string_view before_last) {
  std::string text;
  for (std::size_t i = 0; i < N; ++i) {
    if (i > 0) text += i + 1 == N ? before_last : between;
    text += names[i].first;
  }
  return text;
}

// The one way to add an option that takes one of a few words: only the words are accepted.
template <typename Enum, std::size_t N>
CLI::Option* add_choice(CLI::App& app, const std::string& name, Enum& value,
                        const value_names<Enum, N>& names, const std::string& help) {
  auto parse = [&names](const std::string& text) { return value_named(names, text); };
  return add_parsed(app, name, value, parse, joined(names, ", ", " or "), help)
      ->type_name(joined(names, "|", "|"));
}

std::optional<unsigned> positive_count(const std::string& text) {
  unsigned n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n == 0) return std::nullopt;
  return n;
}

std::optional<double> positive_number(const std::string& text) {
  double x = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), x);
  if (ec != std::errc() || end != text.data() + text.size() || !(x > 0) || !std::isfinite(x)) {
    return std::nullopt;
  }
  return x;
}

std::optional<std::size_t> size_in_bytes(const std::string& text) {
  try {
    return parse_size(text);
  } catch (const error&) {
    return std::nullopt;
  }
}

// CLI11's own messages for what it still checks (unknown options, missing or repeated values,
// values given to flags, options that exclude each other, required ones) as one plain sentence.
// The patterns are CLI11 2.1.2's wording; any other message is shown as CLI11 words it.
std::string plain_sentence(const CLI::ParseError& e, const CLI::App& app) {
  if (dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr && app.remaining_size() > 0) {
    const std::string first = app.remaining().front();
    if (first.starts_with('-')) {
      return fmt::format("unknown option \"{}\"", first.substr(0, first.find('=')));
    }
    return fmt::format("unexpected argument \"{}\"", first);
  }
  const std::string what = e.what();
  std::smatch m;
  if (std::regex_match(what, m, std::regex(R"((\S+): \d+ required .* missing)"))) {
    return fmt::format("{} needs a value", m.str(1));
  }
  if (std::regex_match(what, m, std::regex(R"((\S+): At Most 1 required but received \d+)"))) {
    return fmt::format("{} may be given only once", m.str(1));
  }
  if (std::regex_match(what, m, std::regex(R"(Could not convert: (\S+) = (.*))"))) {
    return fmt::format("{} takes no value, not \"{}\"", m.str(1), m.str(2));
  }
  if (std::regex_match(what, m, std::regex(R"((\S+) excludes (\S+))"))) {
    return fmt::format("{} and {} cannot be given together", m.str(1), m.str(2));
  }
  if (std::regex_match(what, m, std::regex(R"((\w+) is required)"))) {
    // A positional's name is a variable's; the user knows it by its type name.
    if (const CLI::Option* positional = app.get_option_no_throw(m.str(1))) {
      return fmt::format("at least one {} is required", positional->get_type_name());
    }
  }
  return what;
}

}  // namespace

CLI::Option* add_count(CLI::App& app, const std::string& name, unsigned& value,
                       const std::string& help) {
  return add_parsed(app, name, value, positive_count, "a positive whole number", help)
      ->type_name("N");
}

CLI::Option* add_positive_number(CLI::App& app, const std::string& name, double& value,
                                 const std::string& type_name, const std::string& help) {
  return add_parsed(app, name, value, positive_number, "a positive number", help)
      ->type_name(type_name);
}

void report_usage_error(const std::string& message, const std::string& command) {
  fmt::print(stderr, "mergepipe: {} (see {} --help)\n", message, command);
}

void report_parse_error(const CLI::ParseError& e, const CLI::App& app, const std::string& command) {
  report_usage_error(plain_sentence(e, app), command);
}

void add_result_options(CLI::App& app, options& opts, output_format& format,
                        result_option_text& text) {
  add_choice(app, "--format", format, format_names, "Output format (default ndjson)");
  add_choice(app, "--order", opts.order, order_names,
             "Output order: input (position of the winner, the default) or key");
  app.add_option("--key", text.key,
                 "Key: a field name, a JSON Pointer /a/b, or a,b for a composite key (default id)")
      ->type_name("KEY");
  app.add_option("--ts", opts.timestamp_field,
                 "Timestamp field (default updated_at); \"\" for input order only")
      ->type_name("FIELD");
  add_choice(app, "--ts-unit", opts.ts_unit, unit_names, "Unit of numeric timestamps (default s)");
  app.add_option("--ts-format", opts.timestamp_format,
                 "strptime-style format for string timestamps, e.g. %m/%d/%Y")
      ->type_name("FMT");
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

  CLI::App app{"mergepipe: the latest record for every key, from JSON array or NDJSON files",
               "mergepipe"};
  app.set_version_flag("--version", version_string);
  app.footer(
      "Distributed mode over Redis: mergepipe submit|worker|status --help (docs/scaling-out.md)\n"
      "Behaviour, formats and exit codes: docs/contract.md");

  app.add_option("inputs", opts.inputs, "Input files, merged as one stream in order; - is stdin")
      ->type_name("FILE");
  app.add_option("-o,--output", cli.output, "Output file (default: standard output)")
      ->type_name("FILE");
  result_option_text text;
  add_result_options(app, opts, cli.format, text);
  add_choice(app, "--on-error", opts.on_error, policy_names,
             "Bad records: fail (stop, exit 1; the default) or skip");
  app.add_option("--rejects", cli.rejects,
                 "With --on-error skip: write bad records here as JSON lines")
      ->type_name("FILE");
  add_count(app, "--threads", opts.threads, "Worker threads (default: all cores)");
  add_parsed(app, "--chunk-size", opts.chunk_size, size_in_bytes,
             "a size such as 65536, 64K, 8M or 1G", "Target chunk size (default 1M)")
      ->type_name("SIZE");
  add_count(app, "--tokens", opts.tokens, "Chunks in flight (default: 4 per thread)");
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
