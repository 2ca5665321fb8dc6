// Command-line values, statistics, the findings, the CSV and the gnuplot script.

#include "report.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "args.h"
#include "csv.h"
#include "plot.h"

namespace {

using namespace sumbench;

bool contains(const std::vector<std::string>& lines, std::string_view part) {
  for (const auto& line : lines) {
    if (line.find(part) != std::string::npos) return true;
  }
  return false;
}

TEST(args_test, sizes_in_every_spelling) {
  EXPECT_EQ(parse_size("1"), 1u);
  EXPECT_EQ(parse_size("1000000"), 1'000'000u);
  EXPECT_EQ(parse_size("1e6"), 1'000'000u);
  EXPECT_EQ(parse_size("1E8"), 100'000'000u);
  EXPECT_EQ(parse_size("2.5e6"), 2'500'000u);
  EXPECT_EQ(parse_size("1.50e1"), 15u);
  EXPECT_EQ(parse_size("10k"), 10'000u);
  EXPECT_EQ(parse_size("4M"), 4'000'000u);
  EXPECT_EQ(parse_size("1G"), 1'000'000'000u);
  EXPECT_EQ(parse_size("1e9"), 1'000'000'000u);
}

TEST(args_test, bad_sizes_are_usage_errors) {
  for (const char* bad : {"0", "0e6", "", "-1", "1.5", "1e", "e6", "1e-3", "abc", "1x", "1e6k",
                          "1e100", "1e1000", "99999999999999999999999", "1,000"}) {
    EXPECT_THROW(parse_size(bad), usage_error) << "'" << bad << "'";
  }
  try {
    parse_size("0");
    FAIL();
  } catch (const usage_error& e) {
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("--n"), std::string::npos);
  }
}

TEST(args_test, sizes_read_back) {
  EXPECT_EQ(format_size(1'000'000), "1e6");
  EXPECT_EQ(format_size(25'000), "25e3");
  EXPECT_EQ(format_size(1234), "1234");
  EXPECT_EQ(format_size(100), "100");
  for (const std::uint64_t n : {1ull, 100ull, 25'000ull, 100'000'000ull, 123'456'789ull}) {
    EXPECT_EQ(parse_size(format_size(n)), n);
  }
}

TEST(args_test, size_list_is_sorted_and_int64_sizes_are_bounded) {
  EXPECT_EQ(parse_sizes({"1e7", "1e6", "1000000"}, value_type::f64),
            (std::vector<std::uint64_t>{1'000'000, 10'000'000}));
  EXPECT_NO_THROW(parse_sizes({"4294967296"}, value_type::i64));
  EXPECT_THROW(parse_sizes({"4294967297"}, value_type::i64), usage_error);
  EXPECT_NO_THROW(parse_sizes({"4294967297"}, value_type::f64));
  EXPECT_THROW(parse_sizes({}, value_type::f64), usage_error);
}

TEST(args_test, threads_are_checked_sorted_and_unique) {
  EXPECT_EQ(check_threads({8, 1, 2, 8}), (std::vector<int>{1, 2, 8}));
  EXPECT_THROW(check_threads({1, 0}), usage_error);
  EXPECT_THROW(check_threads({-2}), usage_error);
  EXPECT_THROW(check_threads({max_threads + 1}), usage_error);
  EXPECT_THROW(check_threads({}), usage_error);
}

TEST(args_test, methods_keep_serial_first) {
  const auto all = parse_methods({"all"});
  ASSERT_EQ(all.size(), all_methods.size());
  EXPECT_EQ(all.front()->name, "serial");
  const auto some = parse_methods({"std-par", "tbb-det", "std-par"});
  ASSERT_EQ(some.size(), 3u);
  EXPECT_EQ(some[0]->name, "serial");
  EXPECT_EQ(some[1]->name, "tbb-det");
  EXPECT_EQ(some[2]->name, "std-par");
  EXPECT_THROW(parse_methods({"tbb", "fast"}), usage_error);
}

TEST(args_test, types_and_plot_paths) {
  EXPECT_EQ(parse_type("double"), value_type::f64);
  EXPECT_EQ(parse_type("int64"), value_type::i64);
  EXPECT_THROW(parse_type("float"), usage_error);
  EXPECT_NO_THROW(check_plot_path("a.svg"));
  EXPECT_NO_THROW(check_plot_path("dir/a.png"));
  EXPECT_THROW(check_plot_path("a.pdf"), usage_error);
  EXPECT_THROW(check_plot_path(".svg"), usage_error);
}

TEST(stats_test, median_of_odd_and_even_counts) {
  EXPECT_EQ(median({3.0}), 3.0);
  EXPECT_EQ(median({5.0, 1.0, 3.0}), 3.0);
  EXPECT_EQ(median({4.0, 1.0, 3.0, 2.0}), 2.5);
  EXPECT_EQ(median({9.0, 1.0, 2.0, 3.0, 100.0}), 3.0);
}

run_result row(std::string_view method, int threads, double median_s, sum_value sum = 1.0) {
  run_result r;
  r.method = method;
  r.threads = threads;
  r.used = threads;
  r.median_s = median_s;
  r.min_s = median_s;
  r.sum = sum;
  return r;
}

size_result sample(value_type type = value_type::f64) {
  size_result r;
  r.n = 100'000'000;
  r.type = type;
  r.rows = {row("serial", 1, 0.08), row("tbb", 1, 0.08),     row("tbb", 2, 0.04),
            row("tbb", 8, 0.041),   row("threads", 1, 0.08), row("threads", 2, 0.05),
            row("threads", 8, 0.03)};
  add_ratios(r);
  return r;
}

TEST(report_test, speedup_efficiency_and_gbps) {
  const auto r = sample();
  EXPECT_DOUBLE_EQ(r.rows[0].speedup, 1.0);
  EXPECT_DOUBLE_EQ(r.rows[2].speedup, 2.0);
  EXPECT_DOUBLE_EQ(r.rows[2].efficiency, 1.0);
  EXPECT_DOUBLE_EQ(r.rows[3].efficiency, 0.08 / 0.041 / 8);
  EXPECT_DOUBLE_EQ(r.rows[2].gbps, 8e8 / 0.04 / 1e9);
}

TEST(report_test, table_has_every_column_and_row) {
  const std::string table = format_table(sample());
  for (const char* column :
       {"method", "threads", "median_s", "min_s", "speedup", "efficiency", "GB/s", "sum"}) {
    EXPECT_NE(table.find(column), std::string::npos) << column;
  }
  EXPECT_EQ(std::count(table.begin(), table.end(), '\n'), 2 + 7);
}

TEST(report_test, threads_beyond_the_cores) {
  const auto lines = findings(sample(), machine_info{2, std::nullopt, 0});
  // tbb: 8 threads no better than 2.
  EXPECT_TRUE(contains(lines, "tbb: threads beyond the 2 cores gained nothing"));
  // threads: 8 threads clearly faster than 2; the report says so rather than hide it.
  EXPECT_TRUE(contains(lines, "threads: 8 threads ran 67% faster"));
  // Nothing to say when no run went past the cores.
  EXPECT_FALSE(contains(findings(sample(), machine_info{8, std::nullopt, 0}), "beyond"));
}

TEST(report_test, runs_that_got_fewer_threads_than_they_could) {
  auto r = sample();
  EXPECT_FALSE(contains(findings(r, machine_info{2, std::nullopt, 0}), "in a typical run only"));
  r.rows[2].used = 1;  // tbb at 2 threads ran alone
  EXPECT_TRUE(contains(findings(r, machine_info{2, std::nullopt, 0}),
                       "tbb at 2 threads: in a typical run only 1 thread took part"));
  r.rows[2].used = 2;
  r.rows[3].used = 2;  // tbb at 8 threads on 2 cores: as many as the cores, nothing to say
  EXPECT_FALSE(contains(findings(r, machine_info{2, std::nullopt, 0}), "in a typical run only"));
  EXPECT_NE(format_table(r).find("tbb            8    2 "), std::string::npos) << format_table(r);
  r.rows[2].used = 0;  // unknown: shown as "-", never a finding
  EXPECT_NE(format_table(r).find("tbb            2    - "), std::string::npos) << format_table(r);
  EXPECT_FALSE(contains(findings(r, machine_info{2, std::nullopt, 0}), "in a typical run only"));
}

TEST(report_test, memory_bandwidth_reached_or_not) {
  // Fastest runs: 10 GB/s on one thread, 26.7 GB/s (threads at 8) on several.
  machine_info m{2, read_bandwidth{1 << 28, 2, 15.0, 40.0}, 0};
  auto lines = findings(sample(), m);  // 67% and 67%
  EXPECT_TRUE(contains(lines,
                       "memory: no run reached the memory bandwidth; the fastest, "
                       "threads at 8 threads, read 26.7 GB/s"));
  m.bandwidth->all_gbps = 28.0;  // 95%: reached
  lines = findings(sample(), m);
  EXPECT_TRUE(contains(lines,
                       "memory: threads at 8 threads read 26.7 GB/s, 95% of the "
                       "all-cores read test's 28.0 GB/s: it reached the memory bandwidth"));
  EXPECT_TRUE(contains(lines, "more threads cannot make this size faster"));
  EXPECT_FALSE(contains(lines, "no run reached"));
  m.bandwidth->one_gbps = 11.0;  // serial at 10 GB/s: one thread reached its own limit
  EXPECT_TRUE(contains(findings(sample(), m), "one thread cannot go faster"));
  // Far beyond the read test while the data fits in cache: cache, not memory.
  m.bandwidth->all_gbps = 10.0;
  m.l3_bytes = std::size_t{1} << 30;
  EXPECT_TRUE(contains(findings(sample(), m), "fit in the"));
}

TEST(report_test, double_spread_and_int64_agreement) {
  auto r = sample();
  r.rows[2].sum = 1.0 + 1e-15;
  auto lines = findings(r, machine_info{});
  EXPECT_TRUE(contains(
      lines, "largest relative difference between methods is 1.1e-15 (tbb at 2 threads vs serial"));

  auto q = sample(value_type::i64);
  for (auto& x : q.rows) x.sum = std::int64_t{123};
  EXPECT_FALSE(int64_mismatch(q));
  EXPECT_TRUE(contains(findings(q, machine_info{}), "int64: all 7 sums agree"));
  q.rows[3].sum = std::int64_t{124};
  ASSERT_TRUE(int64_mismatch(q));
  EXPECT_NE(int64_mismatch(q)->find("tbb at 8 threads gave 124"), std::string::npos);
  q.rows[3].sum = std::int64_t{123};
  q.rows[5].runs_agree = false;
  EXPECT_TRUE(int64_mismatch(q));
}

TEST(report_test, names_the_runs_whose_double_sum_moved) {
  auto r = sample();
  r.rows[1].runs_agree = false;  // tbb 1
  r.rows[3].runs_agree = false;  // tbb 8
  r.rows[6].runs_agree = false;  // threads 8
  EXPECT_TRUE(
      contains(findings(r, machine_info{}),
               "sums changed from run to run (marked *) for tbb (T = 1, 8), threads (T = 8)"));
  EXPECT_NE(format_table(r).find("1 *\n"), std::string::npos);
}

TEST(report_test, sums_print_exactly) {
  EXPECT_EQ(format_sum(0.1), "0.1");
  EXPECT_EQ(format_sum(std::int64_t{-4294967296}), "-4294967296");
  const double x = 50001234.123456789;
  EXPECT_EQ(std::stod(format_sum(x)), x);
}

TEST(csv_test, header_and_one_row_per_run) {
  std::ostringstream out;
  write_csv(out, {sample(), sample(value_type::i64)}, 5, 42, 2);
  std::istringstream in(out.str());
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line.rfind("n,type,method,threads,median_s,min_s,speedup,efficiency,gbps,sum", 0), 0u);
  int rows = 0;
  while (std::getline(in, line)) {
    ++rows;
    EXPECT_EQ(std::count(line.begin(), line.end(), ','), 14) << line;
  }
  EXPECT_EQ(rows, 14);
  EXPECT_NE(out.str().find("100000000,double,tbb,2,0.04,0.04,2,1,20,1,2,1,5,42,2"),
            std::string::npos)
      << out.str();
}

TEST(plot_test, script_has_a_panel_pair_per_size_and_quotes_the_path) {
  auto big = sample();
  auto small = sample();
  small.n = 1000;
  const std::string s = gnuplot_script({small, big}, 2, 5, "it's.svg");
  EXPECT_NE(s.find("set terminal svg"), std::string::npos);
  EXPECT_NE(s.find("set output 'it''s.svg'"), std::string::npos);
  EXPECT_NE(s.find("set multiplot layout 2,2"), std::string::npos);
  EXPECT_NE(s.find("n = 1e8 (800 MB): time"), std::string::npos);
  EXPECT_NE(s.find("n = 1e3 (8 kB): speedup"), std::string::npos);
  EXPECT_NE(s.find("ideal (speedup = T)"), std::string::npos);
  EXPECT_NE(s.find("set arrow 1 from 2, graph 0 to 2, graph 1"), std::string::npos);
  EXPECT_NE(gnuplot_script({big}, 2, 5, "x.png").find("set terminal pngcairo"), std::string::npos);
}

}  // namespace
