// The block-at-a-time element scanners (each SIMD kernel this CPU runs, and the one chosen at
// run time) against the byte-at-a-time one, on inputs built to hit every carry between 64-byte
// blocks: backslash runs, quotes and brackets at block edges.

#include "read/element_scanner.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace {

using mergepipe::detail::element_scan_kernel;
using mergepipe::detail::element_scan_kernels;
using mergepipe::detail::scan_element;
using mergepipe::detail::scan_element_scalar;
using mergepipe::detail::scan_status;

struct scan_result {
  scan_status status;
  std::size_t pos;
  friend bool operator==(const scan_result&, const scan_result&) = default;
};

// Scans `text` from `start` with 64 bytes of hostile padding after it, which must be ignored.
template <typename Scan>
scan_result scan(Scan scanner, const std::string& text, std::size_t start) {
  std::string buffer = text + std::string(64, '"');
  std::size_t pos = start;
  scan_status status = scanner(buffer.data(), pos, text.size());
  return {status, pos};
}

scan_result fast(const std::string& text, std::size_t start = 0) {
  return scan(scan_element, text, start);
}
scan_result reference(const std::string& text, std::size_t start = 0) {
  return scan(scan_element_scalar, text, start);
}

TEST(element_scanner_test, stops_at_the_comma_after_a_nested_element) {
  std::string text = R"({"a":[1,{"b":"},{"}],"c":"\"]"},{"next":1})";
  EXPECT_EQ(fast(text), (scan_result{scan_status::delimited, text.find("},{\"next") + 1}));
  EXPECT_EQ(reference(text), fast(text));
}

TEST(element_scanner_test, stops_at_the_closing_bracket_of_the_array) {
  std::string text = R"({"a":"]"}  ])";
  EXPECT_EQ(fast(text), (scan_result{scan_status::delimited, text.size() - 1}));
}

TEST(element_scanner_test, reports_an_unterminated_string) {
  std::string text = R"({"a":"never closed \" ,])";
  EXPECT_EQ(fast(text).status, scan_status::open_string);
  EXPECT_EQ(reference(text).status, scan_status::open_string);
}

TEST(element_scanner_test, reports_an_unclosed_bracket) {
  std::string text = R"({"a":[1,2,3})";
  EXPECT_EQ(fast(text), (scan_result{scan_status::open_bracket, text.size()}));
  EXPECT_EQ(reference(text), fast(text));
}

// The kernels this CPU runs, the scalar one among them.
std::vector<element_scan_kernel> kernels_here() {
  std::vector<element_scan_kernel> here;
  for (const element_scan_kernel& kernel : element_scan_kernels()) {
    if (kernel.runs_here) here.push_back(kernel);
  }
  return here;
}

TEST(element_scanner_test, the_scalar_kernel_is_last_and_runs_everywhere) {
  ASSERT_FALSE(element_scan_kernels().empty());
  EXPECT_STREQ(element_scan_kernels().back().name, "scalar");
  EXPECT_TRUE(element_scan_kernels().back().runs_here);
}

TEST(element_scanner_test, backslash_runs_across_block_edges) {
  for (const element_scan_kernel& kernel : kernels_here()) {
    for (std::size_t prefix = 50; prefix < 140; ++prefix) {
      for (std::size_t run = 0; run < 6; ++run) {
        std::string text =
            "{\"s\":\"" + std::string(prefix, 'x') + std::string(run, '\\') + "\",\"t\":1},{}";
        EXPECT_EQ(scan(kernel.scan, text, 0), reference(text))
            << kernel.name << ", prefix " << prefix << " run " << run;
      }
    }
  }
}

TEST(element_scanner_test, matches_the_byte_at_a_time_scanner_on_random_input) {
  const std::vector<element_scan_kernel> kernels = kernels_here();
  std::mt19937_64 rng(2024);
  const char alphabet[] = {'"', '\\', '{', '}', '[', ']', ',', 'a', ' ', ':', 'n'};
  for (int round = 0; round < 20000; ++round) {
    std::string text(rng() % 300, ' ');
    for (char& c : text) c = alphabet[rng() % sizeof alphabet];
    std::size_t start = text.empty() ? 0 : rng() % text.size();
    // Scanning starts outside a string, as it does at an element boundary.
    if (start < text.size() && text[start] == '"') text[start] = 'a';
    if (start > 0 && text[start - 1] == '\\') text[start - 1] = 'a';
    ASSERT_EQ(fast(text, start), reference(text, start)) << text << " from " << start;
    for (const element_scan_kernel& kernel : kernels) {
      ASSERT_EQ(scan(kernel.scan, text, start), reference(text, start))
          << kernel.name << ": " << text << " from " << start;
    }
  }
}

}  // namespace
