// The latest-per-key table: offer() of every good record on its worker, and absorb(), which
// combines the per-thread tables at the end. Sizes sweep from cache-resident (1e3 keys) to
// far beyond the last-level cache (1e6 keys), with 3 records per key as in a change log.
//
//   merge_table_bench --benchmark_filter=offer

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "merge/merge_table.h"
#include "parse/key_encoding.h"

namespace {

using mergepipe::detail::append_number;
using mergepipe::detail::append_string;
using mergepipe::detail::candidate;
using mergepipe::detail::merge_table;
using mergepipe::detail::timestamp;

constexpr std::size_t records_per_key = 3;

enum class key_kind {
  number,  // `"id":123456`: 8-byte encoding, kept inside std::string's small buffer
  email,   // `"email":"user123456@example.com"`: 26 bytes, a heap block per table entry
};

// N = 3K records over K keys: each key three times, in random order, with random timestamps
// (so about half the offers after the first replace the held candidate).
struct workload {
  std::vector<std::string> keys;
  std::vector<candidate> candidates;
};

workload make_workload(std::size_t distinct, key_kind kind) {
  std::vector<std::size_t> order;
  order.reserve(distinct * records_per_key);
  for (std::size_t k = 0; k < distinct; ++k) order.insert(order.end(), records_per_key, k);
  std::mt19937_64 random(11);
  std::shuffle(order.begin(), order.end(), random);  // fixed seed: the same order every run

  workload w;
  w.keys.reserve(order.size());
  w.candidates.reserve(order.size());
  for (std::size_t i = 0; i < order.size(); ++i) {
    std::string key;
    if (kind == key_kind::number) {
      (void)append_number(key, std::to_string(order[i] + 1));
    } else {
      append_string(key, "user" + std::to_string(100'000 + order[i]) + "@example.com");
    }
    candidate c;
    c.stamp.has_timestamp = true;
    c.stamp.ts = timestamp{1'700'000'000 + static_cast<std::int64_t>(random() % 10'000'000), 0};
    c.stamp.offset = i * 300;  // where a ~300-byte record would start
    w.keys.push_back(std::move(key));
    w.candidates.push_back(c);
  }
  return w;
}

// Generating 3e6 keys takes a while and Google Benchmark calls a benchmark several times.
const workload& cached_workload(std::size_t distinct, key_kind kind) {
  static std::map<std::pair<std::size_t, key_kind>, workload> cache;
  auto it = cache.find({distinct, kind});
  if (it == cache.end()) {
    it = cache.emplace(std::pair{distinct, kind}, make_workload(distinct, kind)).first;
  }
  return it->second;
}

void offer_all(merge_table& table, const workload& w, std::size_t begin, std::size_t end) {
  for (std::size_t i = begin; i < end; ++i) table.offer(w.keys[i], w.candidates[i]);
}

// A fresh table per iteration, as each worker starts with an empty one, so the rehashes
// while it grows are timed, and so is freeing it.
void offer(benchmark::State& state, key_kind kind) {
  const auto distinct = static_cast<std::size_t>(state.range(0));
  const workload& w = cached_workload(distinct, kind);
  for (auto _ : state) {
    merge_table table;
    offer_all(table, w, 0, w.keys.size());
    benchmark::DoNotOptimize(table);
    benchmark::ClobberMemory();
    if (table.size() != distinct) {
      state.SkipWithError("wrong number of keys in the table");
      break;
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * w.keys.size()));
  state.counters["keys"] = static_cast<double>(distinct);
}
BENCHMARK_CAPTURE(offer, number_key, key_kind::number)
    ->Arg(1'000)
    ->Arg(100'000)
    ->Arg(1'000'000)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(offer, email_key, key_kind::email)
    ->Arg(1'000)
    ->Arg(100'000)
    ->Arg(1'000'000)
    ->Unit(benchmark::kMillisecond);

// Two workers' tables, each fed one half of the N records (so most keys are in both), then
// combined. absorb() empties its argument, so both tables are refilled with the timer paused
// before each iteration; they are filled by offer(), not copied, so that their capacity (and
// whether absorbing must grow them) is what the workers leave. Items are the entries of the
// smaller table, the ones absorb() moves.
void absorb(benchmark::State& state) {
  const auto distinct = static_cast<std::size_t>(state.range(0));
  const workload& w = cached_workload(distinct, key_kind::number);
  const std::size_t half = w.keys.size() / 2;
  std::size_t moved = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto into = std::make_unique<merge_table>();
    auto other = std::make_unique<merge_table>();
    offer_all(*into, w, 0, half);
    offer_all(*other, w, half, w.keys.size());
    moved = std::min(into->size(), other->size());
    state.ResumeTiming();
    into->absorb(*other);
    benchmark::DoNotOptimize(*into);
    benchmark::ClobberMemory();
    state.PauseTiming();
    const bool complete = into->size() == distinct;
    into.reset();  // freed untimed: only the combining is measured
    other.reset();
    state.ResumeTiming();
    if (!complete) {
      state.SkipWithError("wrong number of keys after absorb");
      break;
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * moved));
  state.counters["keys"] = static_cast<double>(distinct);
}
BENCHMARK(absorb)->Arg(1'000)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

}  // namespace
