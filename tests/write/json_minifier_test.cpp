// The minifier's kernels (each this CPU runs, and the one chosen at run time) against
// simdjson's minify, on JSON built to hit every carry between 64-byte blocks: whitespace,
// quotes and backslash runs at block edges, strings full of spaces, records of every length.

#include "write/json_minifier.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <random>
#include <string>
#include <vector>

namespace {

using mergepipe::detail::minify_declined;
using mergepipe::detail::minify_json;
using mergepipe::detail::minify_kernel;
using mergepipe::detail::minify_kernels;

std::string reference(const std::string& json) {
  std::string out(json.size() + simdjson::SIMDJSON_PADDING, '\0');
  std::size_t length = 0;
  EXPECT_EQ(simdjson::minify(json.data(), json.size(), out.data(), length), simdjson::SUCCESS);
  out.resize(length);
  return out;
}

// Minifies `json` from a buffer exactly its size (AddressSanitizer catches a read past it),
// into one with the room it asks for.
std::string minified(std::size_t (*minify)(const char*, std::size_t, char*),
                     const std::string& json) {
  std::vector<char> in(json.begin(), json.end());
  std::string out(json.size() + mergepipe::detail::minify_room, '#');
  const std::size_t length = minify(in.data(), in.size(), out.data());
  if (length == minify_declined) return "declined";
  out.resize(length);
  return out;
}

// A random JSON value with whitespace anywhere the grammar allows it.
class json_builder {
 public:
  explicit json_builder(std::uint64_t seed, bool pretty) : rng_(seed), pretty_(pretty) {}

  std::string value(int depth = 0) {
    std::string out;
    append_value(out, depth);
    return out;
  }

 private:
  std::size_t pick(std::size_t n) { return static_cast<std::size_t>(rng_() % n); }

  void space(std::string& out) {
    static const char* spaces[] = {" ", "\n", "\r\n", "\t", "  \n    "};
    if (pretty_ ? pick(2) == 0 : pick(6) != 0) return;
    out += pick(8) == 0 ? std::string(pick(80), ' ') : spaces[pick(5)];
  }

  void append_string(std::string& out) {
    static const char* pieces[] = {"a",        " ",      "  ",  "\\\"",    "\\\\",
                                   "\\\\\\\"", "\\n",    "\\t", "\\u0020", "\\/",
                                   "\u00e9",   "\u6771", "{",   "}",       ","};
    out += '"';
    for (std::size_t n = pick(pick(4) == 0 ? 120 : 12); n > 0; --n) {
      out += pieces[pick(std::size(pieces))];
    }
    out += '"';
  }

  void append_value(std::string& out, int depth) {
    switch (depth > 4 ? pick(4) : pick(6)) {
      case 0:
        append_string(out);
        break;
      case 1:
        out += std::to_string(static_cast<long long>(rng_() % 2000000) - 1000000);
        if (pick(2)) out += ".25e-3";
        break;
      case 2:
        out += pick(2) ? "true" : "null";
        break;
      case 3:
        out += "false";
        break;
      case 4: {
        out += '{';
        for (std::size_t n = pick(6), i = 0; i < n; ++i) {
          if (i) out += ',';
          space(out);
          append_string(out);
          space(out);
          out += ':';
          space(out);
          append_value(out, depth + 1);
          space(out);
        }
        out += '}';
        break;
      }
      default: {
        out += '[';
        for (std::size_t n = pick(6), i = 0; i < n; ++i) {
          if (i) out += ',';
          space(out);
          append_value(out, depth + 1);
          space(out);
        }
        out += ']';
      }
    }
  }

  std::mt19937_64 rng_;
  bool pretty_;
};

TEST(json_minifier_test, simdjson_is_last_and_runs_everywhere) {
  ASSERT_FALSE(minify_kernels().empty());
  EXPECT_STREQ(minify_kernels().back().name, "simdjson");
  EXPECT_TRUE(minify_kernels().back().runs_here);
}

TEST(json_minifier_test, drops_whitespace_outside_strings_only) {
  const std::string json = "{ \"a b\" :\t[1 ,\n\"\\\"  \\\\\" ]\r\n, \"c\":\"  \"}";
  EXPECT_EQ(minified(minify_json, json), R"({"a b":[1,"\"  \\"],"c":"  "})");
}

TEST(json_minifier_test, every_kernel_agrees_with_simdjson) {
  std::size_t records = 0;
  std::size_t declined = 0;
  for (bool pretty : {false, true}) {
    json_builder build(pretty ? 11 : 7, pretty);
    for (int i = 0; i < 3000; ++i) {
      const std::string json = build.value();
      const std::string expected = reference(json);
      ++records;
      ASSERT_EQ(minified(minify_json, json), expected) << json;
      for (const minify_kernel& kernel : minify_kernels()) {
        if (!kernel.runs_here) continue;
        const std::string got = minified(kernel.minify, json);
        // A kernel may leave a record to the next one, never get it wrong.
        if (got == "declined") {
          ++declined;
          continue;
        }
        ASSERT_EQ(got, expected) << kernel.name << " on " << json;
      }
    }
  }
  EXPECT_LT(declined, records);  // the fast kernels took most
}

// A backslash run or a quote or a space on each side of every 64-byte edge.
TEST(json_minifier_test, carries_strings_and_escapes_across_blocks) {
  for (std::size_t lead = 0; lead < 140; ++lead) {
    for (const char* middle : {"\\\\", "\\\"", "\\\\\\\"", " ", "\\\\\\\\"}) {
      const std::string json = "[\"" + std::string(lead, 'x') + middle + "  \" , \"" +
                               std::string(lead % 67, ' ') + "\" ,  1 ]";
      const std::string expected = reference(json);
      for (const minify_kernel& kernel : minify_kernels()) {
        if (!kernel.runs_here) continue;
        const std::string got = minified(kernel.minify, json);
        if (got != "declined") {
          EXPECT_EQ(got, expected) << kernel.name << " on " << json;
        }
      }
      EXPECT_EQ(minified(minify_json, json), expected) << json;
    }
  }
}

TEST(json_minifier_test, a_minified_record_comes_back_as_it_is_at_every_length) {
  for (std::size_t spaces = 0; spaces < 300; ++spaces) {
    const std::string json = '"' + std::string(spaces, ' ') + '"';
    for (const minify_kernel& kernel : minify_kernels()) {
      if (kernel.runs_here) {
        EXPECT_EQ(minified(kernel.minify, json), json) << kernel.name;
      }
    }
  }
  EXPECT_EQ(minified(minify_json, ""), "");
}

}  // namespace
