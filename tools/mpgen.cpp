// mpgen: Mockaroo-like JSON test records for mergepipe, fast enough to make gigabytes.
//
//   mpgen --size 1G --format array --ts-style mixed --seed 7 -o users.json

#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <map>
#include <string>

#include "mpgen/generate.h"
#include "mpgen/output_file.h"

namespace {

constexpr int exit_failure = 1;
constexpr int exit_usage = 2;

template <typename Enum>
CLI::CheckedTransformer choice(const std::map<std::string, Enum>& names) {
  return CLI::CheckedTransformer(names, CLI::ignore_case);
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
  using mpgen::array_style;
  using mpgen::output_format;
  using mpgen::ts_style;

  mpgen::options opts;
  std::uint64_t size_bytes = 0;
  std::uint64_t records = 0;
  std::string output_path = "-";

  CLI::App app{"Generates Mockaroo-like JSON user records: keys updated many times with skew, "
               "out-of-order and tied timestamps, and strings that stress JSON splitters."};
  app.name("mpgen");
  auto* size_option = app.add_option("--size", size_bytes, "Approximate output size (100M, 1G; K = 1024)")
                          ->transform(CLI::AsSizeValue(false));
  auto* records_option = app.add_option("--records", records, "Exact number of records");
  size_option->excludes(records_option);
  app.add_option("--format", opts.format, "ndjson (a record per line) or array (one JSON array)")
      ->transform(choice<output_format>({{"ndjson", output_format::ndjson},
                                         {"array", output_format::array}}))
      ->default_str("ndjson");
  app.add_option("--array-style", opts.style, "Array layout: compact, lines or pretty")
      ->transform(choice<array_style>({{"compact", array_style::compact},
                                       {"lines", array_style::lines},
                                       {"pretty", array_style::pretty}}))
      ->default_str("lines");
  app.add_option("--distinct-ratio", opts.distinct_ratio, "Distinct keys per record")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  app.add_option("--ts-style", opts.timestamps,
                 "updated_at spelling: iso, iso-offset, space, epoch, epoch-ms, mockaroo "
                 "(%m/%d/%Y) or mixed (ISO variants)")
      ->transform(choice<ts_style>({{"iso", ts_style::iso},
                                    {"iso-offset", ts_style::iso_offset},
                                    {"space", ts_style::space},
                                    {"epoch", ts_style::epoch},
                                    {"epoch-ms", ts_style::epoch_ms},
                                    {"mockaroo", ts_style::mockaroo},
                                    {"mixed", ts_style::mixed}}))
      ->default_str("iso");
  app.add_option("--seed", opts.seed, "Same options and seed, same bytes")->capture_default_str();
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
