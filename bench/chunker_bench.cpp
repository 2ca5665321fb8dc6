// Cutting input into chunks: the exact array splitter, which reads every byte of an array
// file on the single reader thread (so it bounds the whole pipeline on array input), and the
// NDJSON cut, which only looks for the next newline after each chunk target.
//
//   chunker_bench --benchmark_filter=split_array

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "read/chunker.h"
#include "sample_records.h"

namespace {

using mergepipe::bench::corpus;
using mergepipe::bench::layout;
using mergepipe::bench::make_corpus;
using mergepipe::detail::array_item;
using mergepipe::detail::array_splitter;
using mergepipe::detail::ndjson_cut;

// A few MB: far larger than L2, like a real input, yet quick to generate.
constexpr std::size_t corpus_bytes = std::size_t{4} << 20;
constexpr std::size_t distinct_keys = 10'000;

const corpus& corpus_for(layout how) {
  static const corpus ndjson = make_corpus(corpus_bytes, distinct_keys, layout::ndjson);
  static const corpus compact = make_corpus(corpus_bytes, distinct_keys, layout::array_compact);
  static const corpus pretty = make_corpus(corpus_bytes, distinct_keys, layout::array_pretty);
  switch (how) {
    case layout::ndjson:
      return ndjson;
    case layout::array_compact:
      return compact;
    case layout::array_pretty:
      break;
  }
  return pretty;
}

// The reader's loop: split the whole array, one chunk target after another (state.range(0)
// bytes apart), each chunk with its own item list as in the pipeline.
void split_array(benchmark::State& state, layout how) {
  if (mergepipe::bench::sample_lines().empty()) {
    state.SkipWithError(mergepipe::bench::sample_error);
    return;
  }
  const corpus& input = corpus_for(how);
  const char* data = input.text.data();
  const std::size_t size = input.text.size();
  const auto chunk_size = static_cast<std::size_t>(state.range(0));
  std::vector<array_item> items;
  items.reserve(2 * chunk_size / 256 + 16);  // no reallocation inside the timed loop
  std::size_t elements = 0;
  for (auto _ : state) {
    array_splitter splitter(1);  // every corpus starts with `[`
    elements = 0;
    while (!splitter.done() && !splitter.fatal()) {
      items.clear();
      if (!splitter.split(data, size, splitter.position() + chunk_size, true, items)) break;
      elements += items.size();
      benchmark::DoNotOptimize(items.data());
      benchmark::ClobberMemory();
    }
    if (!splitter.done()) {
      state.SkipWithError("the splitter did not reach the end of the array");
      break;
    }
  }
  if (elements != input.records.size()) {
    state.SkipWithError("the splitter found a different number of elements");
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * size));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * input.records.size()));
  state.counters["MB"] = static_cast<double>(size) / 1e6;
}
BENCHMARK_CAPTURE(split_array, compact, layout::array_compact)
    ->Arg(64 << 10)
    ->Arg(1 << 20)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(split_array, pretty, layout::array_pretty)
    ->Arg(64 << 10)
    ->Arg(1 << 20)
    ->Unit(benchmark::kMicrosecond);

// All the NDJSON cuts of one file, chunk targets state.range(0) bytes apart. A cut reads only
// from its target to the next newline, so bytes_per_second counts bytes delimited, not read:
// the reader's cost per byte of input, to set against split_array, which reads every byte.
// A target of 1 cuts after every line, so memchr then does read every byte.
void cut_ndjson(benchmark::State& state) {
  if (mergepipe::bench::sample_lines().empty()) {
    state.SkipWithError(mergepipe::bench::sample_error);
    return;
  }
  const corpus& input = corpus_for(layout::ndjson);
  const char* data = input.text.data();
  const std::size_t size = input.text.size();
  const auto chunk_size = static_cast<std::size_t>(state.range(0));
  std::size_t cuts = 0;
  for (auto _ : state) {
    cuts = 0;
    for (std::size_t position = 0; position < size; ++cuts) {
      const std::optional<std::size_t> cut = ndjson_cut(data, size, position + chunk_size, true);
      benchmark::DoNotOptimize(cut);
      position = *cut;
    }
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * size));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * cuts));
  state.counters["chunks"] = static_cast<double>(cuts);
}
BENCHMARK(cut_ndjson)->Arg(1)->Arg(64 << 10)->Arg(1 << 20)->Unit(benchmark::kMicrosecond);

}  // namespace
