// sumbench: the parallel-reduce scaling experiment. For each size it generates n random numbers
// once, sums them with every method at every thread count, and reports time, speedup,
// efficiency, GB/s and the sums, with plain-words findings; --csv and --plot keep the numbers.
// Exit codes: 0 success, 1 int64 sums disagree, 2 usage error, 3 cannot write a file, gnuplot
// missing or failing, or out of memory. See docs/sumbench.md.
//
//   sumbench --n 1e6,1e7,1e8 --csv sums.csv --plot scaling.svg

#include <fmt/format.h>
#include <tbb/global_control.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <bit>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <new>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "args.h"
#include "bandwidth.h"
#include "csv.h"
#include "errors.h"
#include "generator.h"
#include "methods/methods.h"
#include "plot.h"
#include "report.h"

namespace {

using namespace sumbench;

/// Everything the command line decides.
struct config {
  std::vector<std::uint64_t> sizes;
  std::vector<int> threads;
  std::vector<const method_info*> methods;
  value_type type = value_type::f64;
  int repeat = 5;
  std::uint64_t seed = 42;
  std::string csv_path;
  std::string plot_path;
  int read_test_mb = 256;
};

/// Parses the command line; returns an exit code instead when --help was asked for.
std::variant<config, int> parse_command_line(int argc, char** argv) {
  CLI::App app{
      "sumbench: sums n random numbers with several methods and thread counts, times "
      "each and reports speedup, efficiency and GB/s."};
  app.footer("Example: sumbench --n 1e6,1e7,1e8 --csv sums.csv --plot scaling.svg");
  std::vector<std::string> sizes{"1e6"};
  std::vector<int> threads{1, 2, 4, 8, 16, 24};
  std::vector<std::string> methods{"all"};
  std::string type = "double";
  config c;
  app.add_option("-n,--n", sizes, "Sizes: 1000000, 1e6, 2.5e6, 10M; a comma-separated list")
      ->delimiter(',')
      ->capture_default_str();
  app.add_option("-t,--threads", threads, "Thread counts, a comma-separated list")
      ->delimiter(',')
      ->capture_default_str();
  app.add_option("-r,--repeat", c.repeat,
                 "Timed runs per method and thread count, after one "
                 "warm-up; the report shows their median and minimum")
      ->capture_default_str();
  app.add_option("--type", type, "double (in [0,1)) or int64 (in [-2^31, 2^31), exact sums)")
      ->capture_default_str();
  app.add_option("--seed", c.seed, "Seed of the Philox stream")->capture_default_str();
  app.add_option("-m,--method", methods,
                 "Methods: serial, threads, tbb, tbb-det, std-par or all; a comma-separated list "
                 "(serial always runs: it is the speedup baseline)")
      ->delimiter(',')
      ->capture_default_str();
  app.add_option("--csv", c.csv_path, "Write one CSV row per size, method and thread count");
  app.add_option("--plot", c.plot_path,
                 "Draw time and speedup against threads with gnuplot "
                 "(.svg or .png)");
  app.add_option("--read-test-mb", c.read_test_mb,
                 "Buffer of the memory read test at start, "
                 "in MB (0: skip it and the bandwidth findings)")
      ->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) return app.exit(e);
    std::string what = e.what();
    std::replace(what.begin(), what.end(), '\n', ' ');
    throw usage_error(what);
  }
  c.type = parse_type(type);
  c.sizes = parse_sizes(sizes, c.type);
  c.threads = check_threads(threads);
  c.methods = parse_methods(methods);
  if (c.repeat < 1) {
    throw usage_error(fmt::format("--repeat: must be at least 1, got {}", c.repeat));
  }
  if (c.read_test_mb < 0 || c.read_test_mb > 65536) {
    throw usage_error(
        fmt::format("--read-test-mb: must be from 0 to 65536, got {}", c.read_test_mb));
  }
  if (!c.plot_path.empty()) {
    check_plot_path(c.plot_path);
    if (!on_path("gnuplot")) {
      throw io_error("--plot: gnuplot is not on PATH (apt install gnuplot-nox)");
    }
  }
  return c;
}

/// Bit-for-bit equality: 0.0 and -0.0 differ, as they would in a checksum.
template <class V>
bool same_bits(V a, V b) {
  return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

/// Times one method at one thread count: a warm-up, then `repeat` timed runs.
template <class V>
run_result time_method(const method_info& m, int threads, std::span<const V> values, int repeat) {
  const auto summer = m.make(threads);  // threads and arenas are made here, untimed
  run_result row;
  row.method = m.name;
  row.threads = threads;
  const V warm = summer->sum(values);  // wakes the workers and warms the caches
  std::vector<double> times;
  std::vector<int> used;
  for (int k = 0; k < repeat; ++k) {
    const auto start = std::chrono::steady_clock::now();
    const V sum = summer->sum(values);
    times.push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    used.push_back(summer->threads_used());
    if (k == 0) row.sum = sum;
    row.runs_agree = row.runs_agree && same_bits(sum, warm);
  }
  std::nth_element(used.begin(), used.begin() + (repeat - 1) / 2, used.end());
  row.used = used[static_cast<std::size_t>(repeat - 1) / 2];
  row.median_s = median(times);
  row.min_s = *std::min_element(times.begin(), times.end());
  return row;
}

/// Generates one size and runs every method on it.
template <class V>
size_result run_size(std::uint64_t n, const config& c, int cores) {
  size_result r;
  r.n = n;
  r.type = c.type;
  r.generate_threads = cores;
  const auto start = std::chrono::steady_clock::now();
  // Made once and reused by every method and thread count: the first-touch page faults are paid
  // here, in parallel, and never inside a timed run.
  const auto values = make_values<V>(n, c.seed, cores);
  r.generate_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const std::span<const V> data(values.get(), n);
  for (const method_info* m : c.methods) {
    if (m->name == "serial") {
      r.rows.push_back(time_method(*m, 1, data, c.repeat));
      continue;
    }
    for (const int t : c.threads) r.rows.push_back(time_method(*m, t, data, c.repeat));
  }
  add_ratios(r);
  return r;
}

std::string join_threads(const std::vector<int>& threads) {
  std::string out;
  for (const int t : threads) out += fmt::format("{}{}", out.empty() ? "" : ",", t);
  return out;
}

int run(const config& c) {
  std::ofstream csv;
  if (!c.csv_path.empty()) {
    csv.open(c.csv_path);  // opened now so that a bad path fails before the long part
    if (!csv) throw io_error(fmt::format("--csv: cannot write '{}'", c.csv_path));
  }
  machine_info machine;
  machine.cores = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  if (const long l3 = ::sysconf(_SC_LEVEL3_CACHE_SIZE); l3 > 0) {
    machine.l3_bytes = static_cast<std::size_t>(l3);
  }

  fmt::print(
      "sumbench: sums of n random {} values (Philox4x32-10, seed {}); {} timed runs "
      "after 1 warm-up, median and min\n",
      type_name(c.type), c.seed, c.repeat);
  std::string methods;
  for (const auto* m : c.methods) {
    methods += fmt::format("{}{}", methods.empty() ? "" : ", ", m->name);
  }
  fmt::print(
      "methods: {} at threads {} (serial on 1 thread: the speedup baseline); std-par "
      "runs in a task_arena of T, which libstdc++'s oneTBB backend keeps to\n",
      methods, join_threads(c.threads));
  fmt::print("cores: {} (std::thread::hardware_concurrency){}\n", machine.cores,
             machine.l3_bytes
                 ? fmt::format("; L3 cache {}", format_bytes(static_cast<double>(machine.l3_bytes)))
                 : "");
  if (c.read_test_mb > 0) {
    machine.bandwidth =
        measure_read_bandwidth(static_cast<std::size_t>(c.read_test_mb) * 1'000'000, machine.cores);
    const auto& bw = *machine.bandwidth;
    fmt::print("memory read test ({} buffer): {:.1f} GB/s on 1 thread, {:.1f} GB/s on {} threads\n",
               format_bytes(static_cast<double>(bw.bytes)), bw.one_gbps, bw.all_gbps, bw.threads);
    if (bw.all_gbps < bw.one_gbps) {
      fmt::print(
          "note: all cores read slower than one thread: something else is probably busy on "
          "this machine, and the timings below will be noisy\n");
    }
  }
  std::fflush(stdout);

  // Let oneTBB have as many workers as the largest arena needs, once, for the whole sweep. Each
  // arena could raise the limit itself (methods/tbb_threads.h), but with a limit that went up and
  // down between arenas, large arenas here ran short of workers (16 slots, 11 threads).
  const tbb::global_control worker_limit(
      tbb::global_control::max_allowed_parallelism,
      static_cast<std::size_t>(std::max(c.threads.back(), machine.cores)));

  std::vector<size_result> results;
  for (const std::uint64_t n : c.sizes) {
    results.push_back(c.type == value_type::f64 ? run_size<double>(n, c, machine.cores)
                                                : run_size<std::int64_t>(n, c, machine.cores));
    fmt::print("\n{}", format_table(results.back()));
    for (const auto& line : findings(results.back(), machine)) fmt::print("{}\n", line);
    std::fflush(stdout);
    if (const auto bad = int64_mismatch(results.back())) {
      fmt::print(stderr, "sumbench: {}\n", *bad);
      return 1;
    }
  }

  if (csv.is_open()) {
    write_csv(csv, results, c.repeat, c.seed, machine.cores);
    csv.close();
    if (!csv) throw io_error(fmt::format("--csv: cannot write '{}'", c.csv_path));
    fmt::print("\nwrote {}\n", c.csv_path);
  }
  if (!c.plot_path.empty()) {
    draw_plot(results, machine.cores, c.repeat, c.plot_path);
    fmt::print("{}wrote {}\n", csv.is_open() || c.csv_path.empty() ? "\n" : "", c.plot_path);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const auto parsed = parse_command_line(argc, argv);
    if (const int* code = std::get_if<int>(&parsed)) return *code;
    return run(std::get<config>(parsed));
  } catch (const usage_error& e) {
    fmt::print(stderr, "sumbench: {}\n", e.what());
    return 2;
  } catch (const io_error& e) {
    fmt::print(stderr, "sumbench: {}\n", e.what());
    return 3;
  } catch (const std::bad_alloc&) {
    fmt::print(stderr, "sumbench: out of memory: try smaller --n\n");
    return 3;
  }
}
