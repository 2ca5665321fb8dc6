#include "command_line.h"

#include <charconv>
#include <cmath>
#include <filesystem>
#include <regex>

#include "mergepipe/error.h"

namespace mergepipe::cli {
namespace {

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

std::optional<std::uint64_t> positive_size(const std::string& text) {
  std::optional<std::size_t> size = size_in_bytes(text);
  if (!size || *size == 0) return std::nullopt;
  return *size;
}

std::optional<error_policy> error_policy_named(const std::string& text) {
  if (text == "fail") return error_policy::fail;
  if (text == "skip") return error_policy::skip;
  return std::nullopt;
}

std::optional<std::string> existing_directory(const std::string& text) {
  std::error_code failed;
  if (!std::filesystem::is_directory(text, failed)) return std::nullopt;
  return text;
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

std::optional<std::size_t> size_in_bytes(const std::string& text) {
  try {
    return parse_size(text);
  } catch (const error&) {
    return std::nullopt;
  }
}

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

void add_memory_options(CLI::App& app, run_settings& run) {
  add_parsed(app, "--memory-limit", run.memory_limit, positive_size,
             "a positive size such as 512M or 4G",
             "Memory for the table of keys and the records of pipes and compressed inputs, "
             "past which the records spill to --temp-dir (default: half of the physical memory)")
      ->type_name("SIZE");
  add_parsed(app, "--temp-dir", run.temp_dir, existing_directory, "an existing directory",
             "Where spilled records go, in a file nothing can leave behind (default: $TMPDIR, "
             "else /tmp)")
      ->type_name("DIR");
}

void add_bad_record_options(CLI::App& app, error_policy& on_error, std::string& rejects) {
  add_parsed(app, "--on-error", on_error, error_policy_named, "fail or skip",
             "Bad records: fail (stop, exit 1; the default) or skip")
      ->type_name("fail|skip");
  app.add_option("--rejects", rejects, "With --on-error skip: write bad records here as JSON lines")
      ->type_name("FILE");
}

void check_bad_record_options(error_policy on_error, const std::string& rejects) {
  if (!rejects.empty() && on_error != error_policy::skip) {
    throw error(errc::usage, "--rejects needs --on-error skip");
  }
}

void add_result_options(CLI::App& app, result_rules& rules) {
  for (const rule_option& rule : rule_options()) {
    auto set = [&rules, name = rule.name](const std::string& text) {
      try {
        rules.set(name, text);
      } catch (const error& e) {
        throw CLI::ValidationError(e.reason());
      }
    };
    std::string flag = "--" + rule.name;
    if (rule.flag) {
      app.add_flag_callback(
          flag, [set] { set("true"); }, rule.help);
      continue;
    }
    CLI::Option* option =
        rule.repeatable
            ? app.add_option_function<std::vector<std::string>>(
                     flag,
                     [set](const std::vector<std::string>& all) {
                       for (const std::string& text : all) set(text);
                     },
                     rule.help)
                  ->allow_extra_args(false)  // one value per use: a following word is an input
            : app.add_option_function<std::string>(flag, set, rule.help);
    option->type_name(rule.value_name);
  }
}

void report_usage_error(const std::string& message, const std::string& command) {
  fmt::print(stderr, "mergepipe: {} (see {} --help)\n", message, command);
}

void report_parse_error(const CLI::ParseError& e, const CLI::App& app, const std::string& command) {
  report_usage_error(plain_sentence(e, app), command);
}

bool is_distributed_command(std::string_view word) {
  return word == "submit" || word == "worker" || word == "status" || word == "jobs" ||
         word == "cancel";
}

}  // namespace mergepipe::cli
