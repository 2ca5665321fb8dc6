// The methods: exact int64 sums everywhere, and the double sums that must not move.

#include "methods/methods.h"

#include <gtest/gtest.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <atomic>
#include <bit>
#include <chrono>
#include <execution>
#include <mutex>
#include <numeric>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "generator.h"
#include "methods/tbb_threads.h"

namespace {

using namespace sumbench;

// Many tbb-det leaves (n / tbb_det_grain > 60) and an odd tail.
constexpr std::size_t test_n = (std::size_t{1} << 21) + 7;

template <class V>
const std::vector<V>& test_values() {
  static const std::vector<V> values = [] {
    std::vector<V> v(test_n);
    generate(std::span<V>(v), 2024, 2);
    return v;
  }();
  return values;
}

std::uint64_t bits(double x) { return std::bit_cast<std::uint64_t>(x); }

double sum_double(std::string_view method, int threads) {
  const auto& v = test_values<double>();
  return find_method(method)->make(threads)->sum(std::span<const double>(v));
}

// Every method at several thread counts, including counts above the 2 cores of the CI VM.
class method_sweep : public testing::TestWithParam<std::tuple<std::string_view, int>> {};

TEST_P(method_sweep, int64_sum_is_exact) {
  const auto [method, threads] = GetParam();
  const auto& v = test_values<std::int64_t>();
  std::int64_t expected = 0;
  for (const auto x : v) expected += x;
  const auto summer = find_method(method)->make(threads);
  EXPECT_EQ(summer->sum(std::span<const std::int64_t>(v)), expected);
  if (method == "std-par") {
    EXPECT_EQ(summer->threads_used(), 0);  // it cannot tell
  } else {
    EXPECT_GE(summer->threads_used(), 1);
    EXPECT_LE(summer->threads_used(), threads);
  }
  // An empty and a one-element input too.
  EXPECT_EQ(summer->sum(std::span<const std::int64_t>()), 0);
  EXPECT_EQ(summer->sum(std::span<const std::int64_t>(v.data(), 1)), v[0]);
}

TEST_P(method_sweep, double_sum_is_close_to_serial) {
  const auto [method, threads] = GetParam();
  // Each order of n additions is within (n-1)·eps·sum of the exact sum (Higham), so two
  // orders are within 2n·eps·sum ≈ 5e-10 relative here; seen: about 1e-13.
  const double serial = sum_double("serial", 1);
  EXPECT_NEAR(sum_double(method, threads), serial,
              2.0 * static_cast<double>(test_n) * 0x1p-53 * serial);
}

std::vector<std::string_view> method_names() {
  std::vector<std::string_view> names;
  for (const auto& m : all_methods) names.push_back(m.name);
  return names;
}

INSTANTIATE_TEST_SUITE_P(all, method_sweep,
                         testing::Combine(testing::ValuesIn(method_names()),
                                          testing::Values(1, 2, 3, 4, 8)),
                         [](const auto& info) {
                           std::string name(std::get<0>(info.param));
                           for (auto& c : name) c = c == '-' ? '_' : c;
                           return name + "_" + std::to_string(std::get<1>(info.param));
                         });

TEST(methods_test, names_are_found) {
  for (const auto& m : all_methods) EXPECT_EQ(find_method(m.name), &m);
  EXPECT_EQ(find_method("tbb_det"), nullptr);
  EXPECT_EQ(all_methods.front().name, "serial");
}

TEST(methods_test, serial_and_threads_report_the_threads_they_use) {
  const auto& v = test_values<double>();
  for (const int threads : {1, 3}) {
    const auto serial = find_method("serial")->make(threads);
    serial->sum(std::span<const double>(v));
    EXPECT_EQ(serial->threads_used(), 1);
    const auto parts = find_method("threads")->make(threads);
    parts->sum(std::span<const double>(v));
    EXPECT_EQ(parts->threads_used(), threads);
  }
}

TEST(methods_test, serial_is_std_accumulate) {
  const auto& v = test_values<double>();
  EXPECT_EQ(bits(sum_double("serial", 1)), bits(std::accumulate(v.begin(), v.end(), 0.0)));
  EXPECT_EQ(bits(sum_double("serial", 8)), bits(sum_double("serial", 1)));
}

TEST(methods_test, tbb_det_double_sum_is_bit_identical_for_1_2_4_8_threads) {
  const double one = sum_double("tbb-det", 1);
  for (const int threads : {1, 2, 4, 8}) {
    for (int run = 0; run < 3; ++run) {
      EXPECT_EQ(bits(sum_double("tbb-det", threads)), bits(one)) << threads << " threads";
    }
  }
}

TEST(methods_test, threads_double_sum_is_bit_identical_across_runs) {
  for (const int threads : {1, 2, 3, 4, 8}) {
    const auto& v = test_values<double>();
    const auto summer = find_method("threads")->make(threads);
    const double first = summer->sum(std::span<const double>(v));
    for (int run = 0; run < 5; ++run) {
      EXPECT_EQ(bits(summer->sum(std::span<const double>(v))), bits(first))
          << threads << " threads";
    }
    // A fresh summer too: nothing carries over between set-ups.
    EXPECT_EQ(bits(sum_double("threads", threads)), bits(first)) << threads << " threads";
  }
}

TEST(methods_test, threads_with_one_thread_equals_serial) {
  EXPECT_EQ(bits(sum_double("threads", 1)), bits(sum_double("serial", 1)));
}

// Records which threads call it, then adds. Each use gets a fresh epoch, so that a thread counts
// once per use without locking on every call.
struct thread_counting_plus {
  static inline std::atomic<int> epoch{0};
  static inline std::mutex mutex;
  static inline std::set<std::thread::id> seen;

  double operator()(double a, double b) const {
    thread_local int my_epoch = -1;
    if (my_epoch != epoch.load(std::memory_order_relaxed)) {
      my_epoch = epoch.load(std::memory_order_relaxed);
      const std::lock_guard lock(mutex);
      seen.insert(std::this_thread::get_id());
    }
    return a + b;
  }
  static std::size_t start() {
    const std::lock_guard lock(mutex);
    seen.clear();
    return static_cast<std::size_t>(++epoch);
  }
  static std::size_t threads_seen() {
    const std::lock_guard lock(mutex);
    return seen.size();
  }
};

// The claim std-par rests on: libstdc++'s std::execution::par runs on oneTBB and stays inside the
// arena it is called from, so an arena of T bounds it to T threads.
TEST(std_par_test, libstdcxx_par_stays_inside_the_task_arena) {
  const auto& v = test_values<double>();
  for (const int threads : {1, 2, 3}) {
    thread_counting_plus::start();
    detail::tbb_threads arena(threads);
    const double sum = arena.execute([&] {
      double s = 0;
      for (int run = 0; run < 5; ++run) {
        s = std::reduce(std::execution::par, v.begin(), v.end(), 0.0, thread_counting_plus{});
      }
      return s;
    });
    EXPECT_GE(thread_counting_plus::threads_seen(), 1u);
    EXPECT_LE(thread_counting_plus::threads_seen(), static_cast<std::size_t>(threads))
        << "arena of " << threads;
    EXPECT_NEAR(sum, sum_double("serial", 1), 1e-9 * sum);
  }
}

// Without the global_control in tbb_threads, oneTBB keeps cores-1 workers and an arena larger
// than the machine would never fill: the sweep past the core count would measure nothing.
TEST(tbb_threads_test, arena_larger_than_the_machine_gets_its_threads) {
  const int threads = static_cast<int>(std::thread::hardware_concurrency()) + 2;
  detail::tbb_threads arena(threads);
  std::mutex mutex;
  std::set<std::thread::id> seen;
  arena.execute([&] {
    // Tasks that sleep leave the cores free, so every slot of the arena can join in.
    tbb::parallel_for(0, threads * 8, [&](int) {
      arena.tally().mark();
      {
        const std::lock_guard lock(mutex);
        seen.insert(std::this_thread::get_id());
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    });
  });
  EXPECT_GT(seen.size(), std::thread::hardware_concurrency());
  EXPECT_LE(seen.size(), static_cast<std::size_t>(threads));
  // The tally behind the report's "used" column counted the same threads.
  EXPECT_EQ(arena.used(), static_cast<int>(seen.size()));
}

}  // namespace
