// Key encoding, once per record on the workers: numbers made canonical, strings tagged, the
// `--order key` comparison, and the hash the merge table computes on every offer.
//
//   key_encoding_bench --benchmark_filter=append_number

#include <absl/hash/hash.h>
#include <absl/strings/string_view.h>
#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "parse/key_encoding.h"

namespace {

using mergepipe::detail::append_number;
using mergepipe::detail::append_string;
using mergepipe::detail::compare_keys;

// Enough different values that the branch predictor cannot learn them, few enough to stay
// in cache: this measures the encoding, not memory.
constexpr std::size_t batch = 1024;

enum class kind {
  short_integer,  // 48213: the usual numeric id
  long_decimal,   // -12345678901234567890.123456789012345e-7: canonicalisation's worst case
  email,          // "jane.doe42@example.com": a string key past the small-string size
};

// std::mt19937_64's output is fixed by the standard and no std:: distribution is used, so the
// values are the same with every standard library.
std::vector<std::string> make_texts(kind what) {
  std::mt19937_64 random(7);
  const auto digits = [&](std::size_t count) {
    std::string out;
    for (std::size_t i = 0; i < count; ++i) out += static_cast<char>('0' + random() % 10);
    return out;
  };
  static const char* names[] = {"jane", "john", "chloe", "grace", "hina", "zoe", "miller"};
  static const char* domains[] = {"example.com", "corp.example", "mail.test", "users.invalid"};
  std::vector<std::string> texts;
  texts.reserve(batch);
  for (std::size_t i = 0; i < batch; ++i) {
    switch (what) {
      case kind::short_integer:
        texts.push_back(std::to_string(random() % 100'000));
        break;
      case kind::long_decimal: {
        // One draw per statement: the order of evaluation inside an expression is unspecified.
        std::string text = random() % 2 ? "-" : "";
        text += static_cast<char>('1' + random() % 9);
        text += digits(19);
        text += '.';
        text += digits(15);
        text += "e-";
        text += std::to_string(random() % 10);
        texts.push_back(std::move(text));
        break;
      }
      case kind::email: {
        std::string text = names[random() % 7];
        text += '.';
        text += names[random() % 7];
        text += std::to_string(random() % 100);
        text += '@';
        text += domains[random() % 4];
        texts.push_back(std::move(text));
        break;
      }
    }
  }
  return texts;
}

std::vector<std::string> make_keys(kind what) {
  std::vector<std::string> keys;
  keys.reserve(batch);
  for (const std::string& text : make_texts(what)) {
    std::string key;
    if (what == kind::email) {
      append_string(key, text);
    } else if (!append_number(key, text)) {
      return {};
    }
    keys.push_back(std::move(key));
  }
  return keys;
}

// The scanner's use: one scratch string, cleared and refilled per record, so once warm the
// encoding allocates nothing and only the encoding is timed.
void encode_number(benchmark::State& state, kind what) {
  const std::vector<std::string> texts = make_texts(what);
  std::string key;
  key.reserve(256);
  for (auto _ : state) {
    for (const std::string& text : texts) {
      key.clear();
      const bool ok = append_number(key, text);
      benchmark::DoNotOptimize(ok);
      benchmark::DoNotOptimize(key.data());
      benchmark::ClobberMemory();
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * texts.size()));
}
BENCHMARK_CAPTURE(encode_number, short_integer, kind::short_integer);
BENCHMARK_CAPTURE(encode_number, long_decimal, kind::long_decimal);

void encode_string(benchmark::State& state) {
  const std::vector<std::string> texts = make_texts(kind::email);
  std::string key;
  key.reserve(256);
  for (auto _ : state) {
    for (const std::string& text : texts) {
      key.clear();
      append_string(key, text);
      benchmark::DoNotOptimize(key.data());
      benchmark::ClobberMemory();
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * texts.size()));
}
BENCHMARK(encode_string);

// Neighbours in a batch of random keys, as a sort by key compares them.
void compare(benchmark::State& state, kind what) {
  const std::vector<std::string> owned = make_keys(what);
  if (owned.empty()) {
    state.SkipWithError("a generated number did not encode");
    return;
  }
  const std::vector<std::string_view> keys(owned.begin(), owned.end());
  for (auto _ : state) {
    int sum = 0;
    for (std::size_t i = 0; i < keys.size(); ++i) {
      sum += compare_keys(keys[i], keys[(i + 1) % keys.size()]) < 0;
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * keys.size()));
}
BENCHMARK_CAPTURE(compare, short_integer, kind::short_integer);
BENCHMARK_CAPTURE(compare, long_decimal, kind::long_decimal);
BENCHMARK_CAPTURE(compare, email, kind::email);

// The hash absl::flat_hash_map<std::string, ...> computes for a heterogeneous lookup with an
// absl::string_view (merge_table::offer).
void hash(benchmark::State& state, kind what) {
  const std::vector<std::string> owned = make_keys(what);
  if (owned.empty()) {
    state.SkipWithError("a generated number did not encode");
    return;
  }
  const std::vector<absl::string_view> keys(owned.begin(), owned.end());
  const absl::Hash<absl::string_view> hasher;
  for (auto _ : state) {
    std::size_t sum = 0;
    for (absl::string_view key : keys) sum += hasher(key);
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * keys.size()));
}
BENCHMARK_CAPTURE(hash, short_integer, kind::short_integer);
BENCHMARK_CAPTURE(hash, long_decimal, kind::long_decimal);
BENCHMARK_CAPTURE(hash, email, kind::email);

}  // namespace
