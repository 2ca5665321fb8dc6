#pragma once
// --plot: a gnuplot script with one row of panels per size, time and speedup against threads,
// one line per method, the ideal speedup and a mark at the core count. gnuplot draws it.

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "errors.h"
#include "report.h"

namespace sumbench {

/// Whether `program` is an executable file in a directory of $PATH.
inline bool on_path(std::string_view program) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return false;
  std::string_view dirs = path;
  while (!dirs.empty()) {
    const auto colon = dirs.find(':');
    const std::string_view dir = dirs.substr(0, colon);
    const std::string file = fmt::format("{}/{}", dir.empty() ? "." : dir, program);
    if (::access(file.c_str(), X_OK) == 0) return true;
    dirs = colon == std::string_view::npos ? std::string_view{} : dirs.substr(colon + 1);
  }
  return false;
}

namespace detail {

/// A gnuplot single-quoted string: only ' itself needs escaping, as ''.
inline std::string gp_quote(std::string_view s) {
  std::string out = "'";
  for (const char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

/// Tics for a log time axis: 1, 2 and 5 times the powers of ten around the times of `r`.
inline std::string log_tics(const size_result& r) {
  double lo = 1e300, hi = 0;
  for (const auto& row : r.rows) {
    lo = std::min(lo, row.median_s);
    hi = std::max(hi, row.median_s);
  }
  std::string tics;
  if (!(lo > 0) || !(hi >= lo)) return "1";
  for (int e = static_cast<int>(std::floor(std::log10(lo))) - 1;
       e <= static_cast<int>(std::ceil(std::log10(hi))); ++e) {
    for (const double m : {1.0, 2.0, 5.0}) {
      const double v = m * std::pow(10.0, e);
      if (v < lo / 1.5 || v > hi * 1.5) continue;
      tics += fmt::format("{}\"{:g}\" {:g}", tics.empty() ? "" : ", ", v, v);
    }
  }
  return tics.empty() ? fmt::format("\"{:g}\" {:g}", lo, lo) : tics;
}

}  // namespace detail

/// The gnuplot script that draws `results` into `path` (.svg or .png).
inline std::string gnuplot_script(const std::vector<size_result>& results, int cores, int repeat,
                                  std::string_view path) {
  const bool png = path.size() >= 4 && path.substr(path.size() - 4) == ".png";
  const int height = 330 * static_cast<int>(results.size()) + 50;
  const int width = 1200;
  std::string s;
  s += png ? fmt::format("set terminal pngcairo size {},{} font 'sans,10'\n", width, height)
           : fmt::format(
                 "set terminal svg size {},{} dynamic font 'sans,11' background "
                 "'white'\n",
                 width, height);
  s += fmt::format("set output {}\n", detail::gp_quote(path));

  // The data, as named blocks: one per size and parallel method (threads, time, speedup).
  std::vector<int> all_threads;
  for (std::size_t k = 0; k < results.size(); ++k) {
    for (const auto& m : all_methods) {
      std::string block;
      for (const auto& row : results[k].rows) {
        if (row.method != m.name || m.name == "serial") continue;
        block += fmt::format("{} {:.9g} {:.9g}\n", row.threads, row.median_s, row.speedup);
        all_threads.push_back(row.threads);
      }
      if (!block.empty()) {
        s += fmt::format("$d{}_{} << EOD\n{}EOD\n", k, &m - all_methods.data(), block);
      }
    }
  }
  all_threads.push_back(cores);
  std::sort(all_threads.begin(), all_threads.end());
  all_threads.erase(std::unique(all_threads.begin(), all_threads.end()), all_threads.end());
  std::string xtics;
  for (const int t : all_threads) {
    xtics += fmt::format("{}\"{}\" {}", xtics.empty() ? "" : ", ", t, t);
  }

  s += fmt::format(
      "set multiplot layout {},2 title 'sumbench: sum of n random {} values, median of {} runs; "
      "{} cores' font ',13'\n",
      results.size(), results.empty() ? "double" : type_name(results.front().type), repeat, cores);
  s += "set logscale x 2\nset grid\nset xlabel 'threads'\nset key noenhanced\n";
  s += fmt::format("set xtics ({})\nset xrange [{}:{}]\n", xtics, all_threads.front() / 1.25,
                   all_threads.back() * 1.25);
  // The core count: the dashed vertical line; past it threads only share the same cores.
  s += fmt::format(
      "set arrow 1 from {0}, graph 0 to {0}, graph 1 nohead dt 2 lw 1.5 lc rgb 'gray40'\n"
      "set label 1 '{0} cores' at {0}, graph 0.06 offset 0.6,0 tc rgb 'gray40'\n",
      cores);
  for (int lt = 0; lt < static_cast<int>(all_methods.size()); ++lt) {
    static constexpr std::string_view colours[] = {"#444444", "#1b9e77", "#d95f02", "#7570b3",
                                                   "#e7298a"};
    s += fmt::format("set linetype {} lc rgb '{}' lw 2 pt {}\n", lt + 1, colours[lt], lt + 4);
  }

  for (std::size_t k = 0; k < results.size(); ++k) {
    const auto& r = results[k];
    const std::string heading = fmt::format("n = {} ({})", format_size(r.n),
                                            format_bytes(static_cast<double>(r.n * value_bytes)));
    double serial_s = 0;
    double top = cores;
    std::string time_plot, speedup_plot;
    for (std::size_t lt = 0; lt < all_methods.size(); ++lt) {
      const auto& m = all_methods[lt];
      bool present = false;
      for (const auto& row : r.rows) {
        if (row.method != m.name) continue;
        present = true;
        if (m.name == "serial") serial_s = row.median_s;
        top = std::max(top, row.speedup);
      }
      if (!present || m.name == "serial") continue;
      time_plot += fmt::format("$d{}_{} using 1:2 with linespoints lt {} title '{}', ", k, lt,
                               lt + 1, m.name);
      speedup_plot += fmt::format("$d{}_{} using 1:3 with linespoints lt {} title '{}', ", k, lt,
                                  lt + 1, m.name);
    }
    s += fmt::format("set title '{}: time' noenhanced\nset ylabel 'median time (s)'\n", heading);
    // One key per row, outside the speedup panel, so that it never hides a line.
    // Tight on the data (plus 10%), not out to the next power of ten, with tics at 1, 2 and 5
    // times a power of ten: a log axis that spans less than a decade has no labels otherwise.
    s += fmt::format(
        "set logscale y\nset ytics ({})\nset yrange [*:*]\nset autoscale yfix\n"
        "set offsets 0, 0, graph 0.1, graph 0.1\nunset key\n",
        detail::log_tics(r));
    s += fmt::format("plot {}{:.9g} with lines lt 1 dt 3 title 'serial (1 thread)'\n", time_plot,
                     serial_s);
    s += fmt::format("set title '{}: speedup over serial' noenhanced\nset ylabel 'speedup'\n",
                     heading);
    // The ideal line keeps rising with T; the y range stops a little above what this machine
    // can reach, so the measured lines stay readable.
    s += fmt::format(
        "unset logscale y\nset ytics autofreq\nset offsets 0, 0, 0, 0\nset yrange [0:{:.3g}]\nset "
        "key outside "
        "right top noenhanced\n",
        top * 1.3);
    s += fmt::format(
        "plot {}x with lines lt 1 dt 2 lw 1 title 'ideal (speedup = T)', NaN with lines lt 1 dt 3 "
        "title 'serial (1 thread)'\n",
        speedup_plot);
  }
  s += "unset multiplot\nset output\n";
  return s;
}

/// Draws the plot with gnuplot; throws io_error when gnuplot fails or writes nothing.
inline void draw_plot(const std::vector<size_result>& results, int cores, int repeat,
                      const std::string& path) {
  const std::string script = gnuplot_script(results, cores, repeat, path);
  std::signal(SIGPIPE, SIG_IGN);  // a gnuplot that dies early must not take us with it
  std::FILE* gp = ::popen("gnuplot", "w");
  if (gp == nullptr) throw io_error("--plot: cannot start gnuplot");
  std::fwrite(script.data(), 1, script.size(), gp);
  const int status = ::pclose(gp);
  std::error_code ec;
  if (status != 0 || std::filesystem::file_size(path, ec) == 0 || ec) {
    throw io_error(fmt::format("--plot: gnuplot could not draw '{}' (status {})", path, status));
  }
}

}  // namespace sumbench
