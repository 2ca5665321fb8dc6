// mpgen: Mockaroo-like JSON test records for mergepipe, fast enough to make gigabytes.
//
//   mpgen --size 1G --format array --ts-style mixed --seed 7 -o users.json

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdio>
#include <exception>
#include <map>
#include <string>

#include "mpgen/generate.h"
#include "mpgen/output_file.h"

namespace {

constexpr int exit_failure = 1;
constexpr int exit_usage = 2;

const std::map<std::string, mpgen::output_format> format_names{
    {"ndjson", mpgen::output_format::ndjson}, {"array", mpgen::output_format::array}};

const std::map<std::string, mpgen::array_style> array_style_names{
    {"compact", mpgen::array_style::compact},
    {"lines", mpgen::array_style::lines},
    {"pretty", mpgen::array_style::pretty}};

const std::map<std::string, mpgen::ts_style> ts_style_names{
    {"iso", mpgen::ts_style::iso},           {"iso-offset", mpgen::ts_style::iso_offset},
    {"space", mpgen::ts_style::space},       {"epoch", mpgen::ts_style::epoch},
    {"epoch-ms", mpgen::ts_style::epoch_ms}, {"mockaroo", mpgen::ts_style::mockaroo},
    {"mixed", mpgen::ts_style::mixed}};

// CLI11 reads unsigned numbers with strtoull, so "-3" would wrap around and "010" be octal:
// accept decimal digits, optionally followed by a unit, and drop leading zeros.
std::string decimal(std::string& text) {
  const std::size_t unit = std::min(text.find_first_not_of("0123456789"), text.size());
  const bool unit_is_letters =
      std::all_of(text.begin() + static_cast<std::ptrdiff_t>(unit), text.end(),
                  [](unsigned char c) { return std::isalpha(c); });
  if (unit == 0 || !unit_is_letters) return "expected a non-negative decimal number: " + text;
  text.erase(0, std::min(text.find_first_not_of('0'), unit - 1));
  return {};
}

// One line on standard error; CLI11's messages may span several.
int usage_error(std::string message) {
  for (char& c : message) {
    if (c == '\n') c = ' ';
  }
  std::fprintf(stderr, "mpgen: %s\n", message.c_str());
  return exit_usage;
}

}  // namespace

int main(int argc, char** argv) {
  mpgen::options opts;
  std::uint64_t size_bytes = 0;
  std::uint64_t records = 0;
  std::string format = "ndjson";
  std::string array_style = "lines";
  std::string ts_style = "iso";
  std::string output_path = "-";
  const CLI::Validator decimal_number(decimal, "");

  CLI::App app{
      "Generates Mockaroo-like JSON user records: keys updated many times with skew, "
      "out-of-order and tied timestamps, and strings that stress JSON splitters."};
  app.name("mpgen");
  auto* size_option =
      app.add_option("--size", size_bytes, "Approximate output size (100M, 1G; K = 1024)")
          ->transform(CLI::AsSizeValue(false))
          ->transform(decimal_number);  // transforms run last-added first
  auto* records_option =
      app.add_option("--records", records, "Exact number of records")->transform(decimal_number);
  size_option->excludes(records_option);
  app.add_option("--format", format, "A record per line, or one JSON array")
      ->check(CLI::IsMember(format_names))
      ->capture_default_str();
  app.add_option("--array-style", array_style,
                 "Array layout: all on one line, a record per line, or indented records")
      ->check(CLI::IsMember(array_style_names))
      ->capture_default_str();
  app.add_option("--distinct-ratio", opts.distinct_ratio, "Distinct keys per record")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  app.add_option("--ts-style", ts_style,
                 "updated_at spelling; mockaroo is %m/%d/%Y, mixed mixes ISO variants")
      ->check(CLI::IsMember(ts_style_names))
      ->capture_default_str();
  app.add_option("--seed", opts.seed, "Same options and seed, same bytes")
      ->transform(decimal_number)
      ->capture_default_str();
  app.add_option("--delete-ratio", opts.delete_ratio,
                 "Share of delete markers (\"op\":\"d\"; others \"op\":\"u\")")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  app.add_option("--null-ts-ratio", opts.null_ts_ratio,
                 "Share of records whose updated_at is null or absent")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  app.add_option("-o,--output", output_path, "Output file; - is standard output")
      ->capture_default_str();

  try {
    app.parse(argc, argv);
    if (size_option->count() == 0 && records_option->count() == 0) {
      throw CLI::RequiredError("--size or --records");
    }
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) return app.exit(e);
    return usage_error(e.what());
  }
  opts.format = format_names.at(format);
  opts.style = array_style_names.at(array_style);
  opts.timestamps = ts_style_names.at(ts_style);
  if (size_option->count() > 0) opts.size_bytes = size_bytes;
  if (records_option->count() > 0) opts.records = records;

  try {
    mpgen::output_file out(output_path);
    mpgen::generate(opts, out);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mpgen: %s\n", e.what());
    return exit_failure;
  }
  return 0;
}
