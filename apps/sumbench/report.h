#pragma once
// Statistics and the report: one table per size, then plain-words findings.

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "args.h"
#include "bandwidth.h"

namespace sumbench {

/// A sum, as double or int64.
using sum_value = std::variant<double, std::int64_t>;

/// Shortest text that reads back as the same value: equal text means bit-identical sums.
inline std::string format_sum(const sum_value& s) {
  return std::visit([](auto v) { return fmt::format("{}", v); }, s);
}

/// One method at one thread count.
struct run_result {
  std::string_view method;
  int threads = 1;
  int used = 1;         ///< threads that ran part of a typical timed run (lower median); 0: unknown
  double median_s = 0;  ///< median of the timed runs
  double min_s = 0;
  double speedup = 0;      ///< serial median / this median
  double efficiency = 0;   ///< speedup / threads
  double gbps = 0;         ///< bytes summed / median, in GB/s (1e9 bytes)
  sum_value sum;           ///< sum of the first timed run
  bool runs_agree = true;  ///< every run, warm-up included, gave the bit-identical sum
};

/// All runs for one size.
struct size_result {
  std::uint64_t n = 0;
  value_type type = value_type::f64;
  double generate_s = 0;
  int generate_threads = 1;
  std::vector<run_result> rows;  ///< serial first
};

/// What the report knows about the machine.
struct machine_info {
  int cores = 1;                            ///< std::thread::hardware_concurrency
  std::optional<read_bandwidth> bandwidth;  ///< absent when the read test was switched off
  std::size_t l3_bytes = 0;                 ///< 0 when unknown
};

/// "1 thread", "4 threads".
inline std::string threads_text(int threads) {
  return fmt::format("{} thread{}", threads, threads == 1 ? "" : "s");
}

/// The used column: "-" when the method cannot tell.
inline std::string used_text(int used) { return used > 0 ? fmt::format("{}", used) : "-"; }

/// Median of `v` (mean of the two middle values for an even count); `v` must not be empty.
inline double median(std::vector<double> v) {
  const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
  std::nth_element(v.begin(), mid, v.end());
  if (v.size() % 2 == 1) return *mid;
  return (*mid + *std::max_element(v.begin(), mid)) / 2;
}

/// Fills speedup, efficiency and GB/s of every row; the serial row is the baseline.
inline void add_ratios(size_result& r) {
  double base = std::numeric_limits<double>::quiet_NaN();
  for (const auto& row : r.rows) {
    if (row.method == "serial") base = row.median_s;
  }
  for (auto& row : r.rows) {
    row.speedup = base / row.median_s;
    row.efficiency = row.speedup / row.threads;
    row.gbps = static_cast<double>(r.n * value_bytes) / row.median_s / 1e9;
  }
}

/// "800 MB", "8 MB", "80 kB" (decimal units, like GB/s).
inline std::string format_bytes(double bytes) {
  if (bytes >= 1e9) return fmt::format("{:.3g} GB", bytes / 1e9);
  if (bytes >= 1e6) return fmt::format("{:.3g} MB", bytes / 1e6);
  return fmt::format("{:.3g} kB", bytes / 1e3);
}

/// The heading and table of one size.
inline std::string format_table(const size_result& r) {
  std::string out =
      fmt::format("n = {} {} values ({}), generated in {:.3f} s on {}\n", format_size(r.n),
                  type_name(r.type), format_bytes(static_cast<double>(r.n * value_bytes)),
                  r.generate_s, threads_text(r.generate_threads));
  out +=
      fmt::format("{:<8} {:>7} {:>4} {:>10} {:>10} {:>8} {:>10} {:>7}  {}\n", "method", "threads",
                  "used", "median_s", "min_s", "speedup", "efficiency", "GB/s", "sum");
  for (const auto& row : r.rows) {
    out += fmt::format("{:<8} {:>7} {:>4} {:>10.6f} {:>10.6f} {:>8.2f} {:>10.2f} {:>7.1f}  {}{}\n",
                       row.method, row.threads, used_text(row.used), row.median_s, row.min_s,
                       row.speedup, row.efficiency, row.gbps, format_sum(row.sum),
                       row.runs_agree ? "" : " *");
  }
  return out;
}

/// For int64, a message naming the first disagreement between sums, if any: they are exact, so
/// any difference is a bug.
inline std::optional<std::string> int64_mismatch(const size_result& r) {
  if (r.type != value_type::i64 || r.rows.empty()) return std::nullopt;
  const run_result& ref = r.rows.front();
  for (const auto& row : r.rows) {
    if (!row.runs_agree) {
      return fmt::format("int64 sums differ between runs of {} at {} (n = {})", row.method,
                         threads_text(row.threads), format_size(r.n));
    }
    if (row.sum != ref.sum) {
      return fmt::format("int64 sums disagree (n = {}): {} at {} gave {}, {} at {} gave {}",
                         format_size(r.n), ref.method, threads_text(ref.threads),
                         format_sum(ref.sum), row.method, threads_text(row.threads),
                         format_sum(row.sum));
    }
  }
  return std::nullopt;
}

namespace detail {

inline double as_double(const sum_value& s) {
  return std::visit([](auto v) { return static_cast<double>(v); }, s);
}

/// Lines on how far the sums are apart.
inline void sum_findings(const size_result& r, std::vector<std::string>& lines) {
  if (r.type == value_type::i64) {
    if (!int64_mismatch(r)) {
      lines.push_back(fmt::format("int64: all {} sums agree exactly, runs and repeats included.",
                                  r.rows.size()));
    }
    return;
  }
  const auto by_sum = [](const run_result& a, const run_result& b) {
    return as_double(a.sum) < as_double(b.sum);
  };
  const auto [lo, hi] = std::minmax_element(r.rows.begin(), r.rows.end(), by_sum);
  const double ref = std::abs(as_double(r.rows.front().sum));
  const double diff = as_double(hi->sum) - as_double(lo->sum);
  if (diff == 0) {
    lines.push_back("double: every method gave the bit-identical sum.");
  } else {
    lines.push_back(fmt::format(
        "double: the largest relative difference between methods is {:.2g} ({} at {} vs {} at "
        "{}): the methods add in different orders, and double addition rounds.",
        ref > 0 ? diff / ref : diff, hi->method, threads_text(hi->threads), lo->method,
        threads_text(lo->threads)));
  }
  // "tbb (T = 2, 4), std-par (T = 8)"
  std::string varied;
  std::string_view last;  // method of the last entry in `varied`
  for (const auto& row : r.rows) {
    if (row.runs_agree) continue;
    varied += row.method == last
                  ? fmt::format(", {}", row.threads)
                  : fmt::format("{}{} (T = {}", last.empty() ? "" : "), ", row.method, row.threads);
    last = row.method;
  }
  if (!varied.empty()) {
    varied += ")";
    lines.push_back(fmt::format(
        "double: sums changed from run to run (marked *) for {}: how they split the work "
        "depends on scheduling; serial, threads and tbb-det always add in the same order.",
        varied));
  }
}

/// Lines on methods that beat serial on one thread: that is different code, not parallelism.
inline void single_thread_findings(const size_result& r, std::vector<std::string>& lines) {
  for (const auto& row : r.rows) {
    if (row.method == "serial" || row.threads != 1 || !(row.speedup > 1.3)) continue;
    lines.push_back(fmt::format(
        "{}: on 1 thread it ran {:.2f}x as fast as serial, so part of its speedup is not from "
        "threads{}.",
        row.method, row.speedup,
        row.method == "std-par" && r.type == value_type::f64
            ? ": libstdc++'s std::reduce adds four numbers at a time, (a+b)+(c+d), so fewer "
              "double adds wait on the one before"
            : ""));
  }
}

/// Lines on runs that had fewer threads than they asked for, and the cores could give.
inline void short_handed_findings(const size_result& r, int cores,
                                  std::vector<std::string>& lines) {
  for (const auto& row : r.rows) {
    if (row.used == 0 || row.used >= std::min(row.threads, cores)) continue;
    lines.push_back(fmt::format(
        "{} at {}: in a typical run only {} took part: the sum ({:.3g} ms) was over before "
        "another got to it (a oneTBB worker must wake up, find a free core and join the arena).",
        row.method, threads_text(row.threads), threads_text(row.used), row.median_s * 1e3));
  }
}

/// Lines on thread counts beyond the core count, one per parallel method that ran there.
inline void core_findings(const size_result& r, int cores, std::vector<std::string>& lines) {
  std::vector<std::string_view> methods;
  for (const auto& row : r.rows) {
    if (row.method != "serial" &&
        std::find(methods.begin(), methods.end(), row.method) == methods.end()) {
      methods.push_back(row.method);
    }
  }
  for (const auto method : methods) {
    const run_result* in = nullptr;   // fastest at <= cores threads
    const run_result* out = nullptr;  // fastest beyond the cores
    for (const auto& row : r.rows) {
      if (row.method != method) continue;
      auto& best = row.threads <= cores ? in : out;
      if (best == nullptr || row.median_s < best->median_s) best = &row;
    }
    if (in == nullptr || out == nullptr) continue;
    // 10%: medians of the same run moved that much between sweeps on this shared 2-core VM.
    if (out->median_s < 0.9 * in->median_s) {
      lines.push_back(fmt::format(
          "{}: {} ran {:.0f}% faster than its best at up to {} cores ({:.4g} s vs {:.4g} s at "
          "{}).",
          method, threads_text(out->threads), (in->median_s / out->median_s - 1) * 100, cores,
          out->median_s, in->median_s, threads_text(in->threads)));
    } else {
      lines.push_back(fmt::format(
          "{}: threads beyond the {} cores gained nothing (best {:.4g} s at {}; beyond the "
          "cores, at best {:.4g} s at {}).",
          method, cores, in->median_s, threads_text(in->threads), out->median_s,
          threads_text(out->threads)));
    }
  }
}

/// Lines comparing the read rates with the memory read test.
inline void bandwidth_findings(const size_result& r, const machine_info& m,
                               std::vector<std::string>& lines) {
  if (!m.bandwidth) return;
  const read_bandwidth& bw = *m.bandwidth;
  const double bytes = static_cast<double>(r.n * value_bytes);
  const bool fits_cache = m.l3_bytes != 0 && bytes <= static_cast<double>(m.l3_bytes);
  bool reached = false;
  const run_result* fastest = nullptr;
  // One thread against the one-thread test, several threads against the all-cores test.
  for (const bool single : {true, false}) {
    const run_result* best = nullptr;
    for (const auto& row : r.rows) {
      if ((row.threads == 1) == single && (best == nullptr || row.gbps > best->gbps)) best = &row;
    }
    if (best == nullptr) continue;
    if (fastest == nullptr || best->gbps > fastest->gbps) fastest = best;
    const double ref = single ? bw.one_gbps : bw.all_gbps;
    const std::string test =
        fmt::format("the {} read test's {:.1f} GB/s", single ? "one-thread" : "all-cores", ref);
    if (best->gbps > 1.1 * ref && fits_cache) {
      reached = true;
      lines.push_back(fmt::format(
          "memory: {} at {} read {:.1f} GB/s, faster than {}: the {} of data fit in the {} L3 "
          "cache, so this size shows cache speed, not memory speed.",
          best->method, threads_text(best->threads), best->gbps, test, format_bytes(bytes),
          format_bytes(static_cast<double>(m.l3_bytes))));
    } else if (best->gbps >= 0.8 * ref) {
      reached = true;
      lines.push_back(fmt::format(
          "memory: {} at {} read {:.1f} GB/s, {:.0f}% of {}: it reached the memory bandwidth, "
          "so {}.",
          best->method, threads_text(best->threads), best->gbps, 100 * best->gbps / ref, test,
          single ? "one thread cannot go faster; only more cores can"
                 : "more threads cannot make this size faster"));
    }
  }
  if (!reached && fastest != nullptr) {
    lines.push_back(fmt::format(
        "memory: no run reached the memory bandwidth; the fastest, {} at {}, read {:.1f} GB/s "
        "({:.1f} GB/s in the read test): something other than the reads (the "
        "chain of adds, or starting and joining threads) sets the pace.",
        fastest->method, threads_text(fastest->threads), fastest->gbps,
        fastest->threads == 1 ? bw.one_gbps : bw.all_gbps));
  }
}

}  // namespace detail

/// Plain-words lines for one size: how the sums compare, what threads beyond the cores gained,
/// and whether a run reached the memory bandwidth.
inline std::vector<std::string> findings(const size_result& r, const machine_info& m) {
  std::vector<std::string> lines;
  if (r.rows.empty()) return lines;
  detail::sum_findings(r, lines);
  detail::single_thread_findings(r, lines);
  detail::short_handed_findings(r, m.cores, lines);
  detail::core_findings(r, m.cores, lines);
  detail::bandwidth_findings(r, m, lines);
  return lines;
}

}  // namespace sumbench
