// Inputs at the edges of what is valid: huge keys, numbers beyond a double's range, zero with
// a sign. Each gives the right result or a bad record with a clear reason.
// (Nesting of 1024 and 1025 levels and 1e400 as a key or value are in tests/cli.)
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cli_runner.h"

namespace {

using mergepipe::cli_testing::cli_result;
using mergepipe::cli_testing::run_mergepipe;
using mergepipe::cli_testing::temp_dir;

std::string describe(const cli_result& r) {
  return "exit code " + std::to_string(r.exit_code) + "\n--- stdout ---\n" + r.out.substr(0, 500) +
         "\n--- stderr ---\n" + r.err.substr(0, 500);
}

std::string join_lines(const std::vector<std::string>& records) {
  std::string out;
  for (const std::string& r : records) out += r + "\n";
  return out;
}

class limits_test : public ::testing::Test {
 protected:
  cli_result run(const std::vector<std::string>& args) {
    return run_mergepipe(args, std::nullopt, dir_.path().string());
  }
  void write(const std::string& name, const std::string& content) { dir_.write(name, content); }

  temp_dir dir_;
};

TEST_F(limits_test, keys_of_a_megabyte_compare_exactly) {
  const std::string body(1 << 20, 'a');
  // The same key three times (once with an escape), and keys that differ in the last byte.
  const std::vector<std::string> records = {
      R"({"id":")" + body + R"(x","updated_at":2,"v":1})",
      R"({"id":")" + body + R"(y","updated_at":1,"v":2})",
      R"({"id":"\u0061)" + body.substr(1) + R"(x","updated_at":1,"v":3})",
      R"({"id":")" + body + R"(x","updated_at":3,"v":4})",
      R"({"id":")" + body + R"(","v":5})",
  };
  write("in.ndjson", join_lines(records));
  cli_result r = run({"in.ndjson"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_TRUE(r.out == join_lines({records[1], records[3], records[4]})) << describe(r);
  r = run({"--order", "key", "in.ndjson"});
  EXPECT_TRUE(r.out == join_lines({records[4], records[3], records[1]})) << describe(r);
}

TEST_F(limits_test, timestamps_beyond_range_are_bad_records_with_a_reason) {
  write("in.ndjson", join_lines({R"({"id":1,"updated_at":1e400})", R"({"id":2,"updated_at":1e300})",
                                 R"({"id":3,"updated_at":-1e20})", R"({"id":4,"updated_at":1})"}));
  cli_result r = run({"in.ndjson"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "mergepipe: in.ndjson:1:1 (byte 0): invalid JSON: malformed number or number out of "
            "range\n");
  r = run({"--on-error", "skip", "--rejects", "rejects.jsonl", "in.ndjson"});
  EXPECT_EQ(r.out, "{\"id\":4,\"updated_at\":1}\n") << describe(r);
  const std::string rejects = mergepipe::cli_testing::read_file(dir_.file("rejects.jsonl"));
  EXPECT_NE(rejects.find(R"("error":"invalid timestamp 1e300 in field \"updated_at\"")"),
            std::string::npos)
      << rejects;
  EXPECT_NE(rejects.find(R"("error":"invalid timestamp -1e20 in field \"updated_at\"")"),
            std::string::npos)
      << rejects;
}

TEST_F(limits_test, tiny_numbers_are_exact_as_keys_and_floored_as_timestamps) {
  // 1e-400 is not zero as a key; as a timestamp it floors to 0 ns, a tie with 0, and -1e-400
  // floors to -1 ns, before it.
  const std::vector<std::string> records = {
      R"({"id":0,"updated_at":1e-400,"v":1})", R"({"id":1e-400,"updated_at":0,"v":2})",
      R"({"id":0,"updated_at":0,"v":3})", R"({"id":0,"updated_at":-1e-400,"v":4})"};
  write("in.ndjson", join_lines(records));
  cli_result r = run({"in.ndjson"});
  EXPECT_TRUE(r.out == join_lines({records[1], records[2]})) << describe(r);
}

TEST_F(limits_test, minus_zero_and_zero_are_one_key) {
  const std::vector<std::string> records = {R"({"id":0,"v":1})", R"({"id":-0,"v":2})",
                                            R"({"id":-0.0e5,"v":3})", R"({"id":"-0","v":4})"};
  write("in.ndjson", join_lines(records));
  cli_result r = run({"--ts", "", "in.ndjson"});
  EXPECT_TRUE(r.out == join_lines({records[2], records[3]})) << describe(r);
  r = run({"--ts", "", "--delete-when", "id=-0", "in.ndjson"});
  EXPECT_TRUE(r.out == join_lines({records[3]})) << describe(r);
}

}  // namespace
