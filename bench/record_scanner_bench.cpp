// The per-record work of a pipeline worker: full validation with simdjson On-Demand, key
// encoding, timestamp parsing and the delete check, on records shaped like data/users.ndjson
// (about 300 bytes compact). Rules come from the default options, as a bare `mergepipe FILE`
// uses them: key `id`, timestamp `updated_at`, no delete rules. `walk` runs every record
// through the On-Demand walk, which takes only the records the tape declines: its kernel is
// fixed at compile time (portable, unless built with -DMERGEPIPE_NATIVE=ON).
//
//   record_scanner_bench --benchmark_filter=scan

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "mergepipe/options.h"
#include "parse/record_rules.h"
#include "parse/record_scanner.h"
#include "sample_records.h"

namespace {

using mergepipe::bench::corpus;
using mergepipe::bench::layout;
using mergepipe::bench::make_corpus;
using mergepipe::bench::record_span;
using mergepipe::detail::record_fields;
using mergepipe::detail::record_rules;
using mergepipe::detail::record_scanner;

// About one chunk at the default --chunk-size (1 MiB): what a worker scans per task.
constexpr std::size_t corpus_bytes = std::size_t{1} << 20;
constexpr std::size_t distinct_keys = 1'000;

// Scans every record of a corpus with one scanner, as one worker does with a chunk. The
// records lie back to back in one padded buffer, so each has the 64 readable bytes after it
// that the scanner requires.
void scan(benchmark::State& state, layout how, bool use_tape) {
  if (mergepipe::bench::sample_lines().empty()) {
    state.SkipWithError(mergepipe::bench::sample_error);
    return;
  }
  const corpus input = make_corpus(corpus_bytes, distinct_keys, how);
  const record_rules rules = record_rules::compile(mergepipe::result_rules{});
  record_scanner scanner(rules, use_tape);
  std::string key;
  record_fields fields;
  std::size_t bytes = 0;
  for (const record_span& r : input.records) {
    bytes += r.size;
    if (!scanner.scan(input.text.data() + r.offset, r.size, key, fields)) {
      state.SkipWithError(("a generated record does not scan: " + scanner.reason()).c_str());
      return;
    }
  }
  for (auto _ : state) {
    for (const record_span& r : input.records) {
      const bool ok = scanner.scan(input.text.data() + r.offset, r.size, key, fields);
      benchmark::DoNotOptimize(ok);
      benchmark::DoNotOptimize(key.data());
      benchmark::DoNotOptimize(fields);
      benchmark::ClobberMemory();
    }
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * input.records.size()));
  state.counters["record_bytes"] =
      static_cast<double>(bytes) / static_cast<double>(input.records.size());
}
BENCHMARK_CAPTURE(scan, compact, layout::ndjson, true)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(scan, pretty, layout::array_pretty, true)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(scan, compact_walk, layout::ndjson, false)->Unit(benchmark::kMicrosecond);

}  // namespace
