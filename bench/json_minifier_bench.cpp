// Minifying winners as the writer does, one record at a time: each kernel of the minifier
// (json_minifier.h) that this CPU runs, simdjson's last, on compact and on pretty records.
//
//   json_minifier_bench --benchmark_filter=pretty

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstddef>
#include <string>

#include "sample_records.h"
#include "write/json_minifier.h"

namespace {

using mergepipe::bench::corpus;
using mergepipe::bench::layout;
using mergepipe::bench::make_corpus;
using mergepipe::detail::minify_declined;
using mergepipe::detail::minify_kernel;
using mergepipe::detail::minify_kernels;

// A few MB: far larger than L2, like the winners of a real merge.
constexpr std::size_t corpus_bytes = std::size_t{4} << 20;

void minify_records(benchmark::State& state, const minify_kernel& kernel, layout how) {
  if (mergepipe::bench::sample_lines().empty()) {
    state.SkipWithError(mergepipe::bench::sample_error);
    return;
  }
  const corpus input = make_corpus(corpus_bytes, 10'000, how);
  std::size_t longest = 0;
  for (const auto& record : input.records) longest = std::max(longest, record.size);
  std::string out(longest + mergepipe::detail::minify_room, '\0');
  std::size_t declined = 0;
  for (auto _ : state) {
    for (const auto& record : input.records) {
      std::size_t length =
          kernel.minify(input.text.data() + record.offset, record.size, out.data());
      declined += length == minify_declined;
      benchmark::DoNotOptimize(length);
    }
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * input.text.size()));
  // A kernel that declines leaves the record to simdjson's: its speed there means little.
  state.counters["declined"] =
      benchmark::Counter(static_cast<double>(declined) / static_cast<double>(state.iterations()));
}

const bool registered = [] {
  for (const minify_kernel& kernel : minify_kernels()) {
    if (!kernel.runs_here) continue;
    benchmark::RegisterBenchmark((std::string("compact/") + kernel.name).c_str(), minify_records,
                                 kernel, layout::ndjson);
    benchmark::RegisterBenchmark((std::string("pretty/") + kernel.name).c_str(), minify_records,
                                 kernel, layout::array_pretty);
  }
  return true;
}();

}  // namespace
