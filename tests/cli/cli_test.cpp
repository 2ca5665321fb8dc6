// Runs the real mergepipe binary against docs/contract.md sections 1 to 3: exit codes, the exact
// bytes on standard output, the messages on standard error and the files left behind.
#include <gtest/gtest.h>
#include <simdjson.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <map>
#include <random>
#include <regex>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "cli_runner.h"
#include "compressed_data.h"
#include "unprivileged.h"

namespace {

using mergepipe::cli_testing::cli_result;
using mergepipe::cli_testing::lines_of;
using mergepipe::cli_testing::read_file;
using mergepipe::cli_testing::run_mergepipe;
using mergepipe::cli_testing::run_program;
using mergepipe::cli_testing::temp_dir;
using mergepipe::testing::can_become_unprivileged;
using mergepipe::testing::give_to_unprivileged_user;
using mergepipe::testing::running_as_root;
using mergepipe::testing::unprivileged_gid;
using mergepipe::testing::unprivileged_uid;

std::string describe(const cli_result& r) {
  return "exit code " + std::to_string(r.exit_code) + "\n--- stdout ---\n" + r.out.substr(0, 2000) +
         "\n--- stderr ---\n" + r.err.substr(0, 2000);
}

// Exit 0 and exactly `expected` on standard output.
::testing::AssertionResult succeeds_with(const cli_result& r, const std::string& expected) {
  if (r.exit_code != 0)
    return ::testing::AssertionFailure() << "expected exit 0, got " << describe(r);
  if (r.out != expected) {
    return ::testing::AssertionFailure() << "stdout differs\n--- expected ---\n"
                                         << expected << "\n--- actual ---\n"
                                         << describe(r);
  }
  return ::testing::AssertionSuccess();
}

// Exit `code`, nothing on standard output, one line on standard error that contains `needle`.
::testing::AssertionResult fails_with(const cli_result& r, int code, const std::string& needle) {
  if (r.exit_code != code) {
    return ::testing::AssertionFailure() << "expected exit " << code << ", got " << describe(r);
  }
  if (!r.out.empty())
    return ::testing::AssertionFailure() << "expected empty stdout, got " << describe(r);
  if (lines_of(r.err).size() != 1 || r.err.back() != '\n') {
    return ::testing::AssertionFailure() << "expected one line on stderr, got " << describe(r);
  }
  if (r.err.find(needle) == std::string::npos) {
    return ::testing::AssertionFailure() << "stderr lacks \"" << needle << "\": " << describe(r);
  }
  return ::testing::AssertionSuccess();
}

// `file:line:column (byte offset)` of the byte `needle` starts at in `content`.
std::string location_of(const std::string& file, const std::string& content,
                        const std::string& needle) {
  std::size_t offset = content.find(needle);
  if (offset == std::string::npos) return "<needle not found>";
  std::size_t line = 1;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < offset; ++i) {
    if (content[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return file + ":" + std::to_string(line) + ":" + std::to_string(offset - line_start + 1) +
         " (byte " + std::to_string(offset) + ")";
}

std::string join_lines(const std::vector<std::string>& records) {
  std::string out;
  for (const std::string& r : records) out += r + "\n";
  return out;
}

std::string compact_array(const std::vector<std::string>& records) {
  std::string out = "[";
  for (std::size_t i = 0; i < records.size(); ++i) out += (i ? "," : "") + records[i];
  return out + "]";
}

class cli_test : public ::testing::Test {
 protected:
  /// Writes `name` in the test's directory; names are relative to it in every run.
  void write(const std::string& name, const std::string& content) { dir_.write(name, content); }
  [[nodiscard]] std::string read(const std::string& name) const {
    return read_file(dir_.file(name));
  }
  [[nodiscard]] bool exists(const std::string& name) const {
    return std::filesystem::exists(std::filesystem::symlink_status(dir_.file(name)));
  }
  cli_result run(const std::vector<std::string>& args,
                 const std::optional<std::string>& input = std::nullopt) {
    return run_mergepipe(args, input, dir_.path().string());
  }
  /// As root, runs mergepipe through setpriv as the unprivileged user, who is given the test's
  /// directory, so that file modes bind; otherwise runs it as run() does.
  cli_result run_unprivileged(const std::vector<std::string>& args) {
    if (!running_as_root()) return run(args);
    give_to_unprivileged_user(dir_.path().string());
    // A copy the unprivileged user can reach: the build tree may be closed to others.
    const std::string binary = dir_.file("mergepipe");
    std::filesystem::copy_file(MERGEPIPE_CLI_PATH, binary);
    std::vector<std::string> argv = {
        "/usr/bin/setpriv", "--reuid=" + std::to_string(unprivileged_uid),
        "--regid=" + std::to_string(unprivileged_gid), "--clear-groups", binary};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_program(std::move(argv), std::nullopt, dir_.path().string());
  }

  temp_dir dir_;
};

// Three keys, updates out of order: the winners are b (id 2), c (id 1) and d (id 3).
const std::vector<std::string> basic_records = {
    R"({"id":1,"updated_at":"2024-01-01T00:00:00Z","v":"a"})",
    R"({"id":2,"updated_at":"2024-01-01T00:00:00Z","v":"b"})",
    R"({"id":1,"updated_at":"2024-01-02T00:00:00Z","v":"c"})",
    R"({"id":3,"updated_at":"2024-01-05T00:00:00Z","v":"d"})",
    R"({"id":3,"updated_at":"2024-01-04T00:00:00Z","v":"e"})",
};
const std::string basic_expected =
    join_lines({basic_records[1], basic_records[2], basic_records[3]});

const std::string basic_pretty_array =
    "\xEF\xBB\xBF  [\r\n"
    "  {\r\n"
    "    \"id\": 1,\r\n"
    "    \"updated_at\": \"2024-01-01T00:00:00Z\",\r\n"
    "    \"v\": \"a\"\r\n"
    "  },\r\n"
    "  {\"id\" : 2, \"updated_at\" : \"2024-01-01T00:00:00Z\", \"v\" : \"b\"},\n"
    "\t{\n\t\t\"id\":1,\n\t\t\"updated_at\":\"2024-01-02T00:00:00Z\",\n\t\t\"v\":\"c\"\n\t}\n"
    ",{\"id\":3,\"updated_at\":\"2024-01-05T00:00:00Z\",\"v\":\"d\"}  ,\n"
    "  {\n"
    "    \"id\": 3, \"updated_at\": \"2024-01-04T00:00:00Z\", \"v\": \"e\"\n"
    "  }\n"
    "]\n\n";

// ---------------------------------------------------------------------------------------------
// Output: formats, layout, minified records.

TEST_F(cli_test, ndjson_input_gives_latest_record_per_key) {
  write("in.ndjson", join_lines(basic_records));
  EXPECT_TRUE(succeeds_with(run({"in.ndjson"}), basic_expected));
}

TEST_F(cli_test, array_input_compact_and_pretty_give_same_output_as_ndjson) {
  write("compact.json", compact_array(basic_records));
  write("pretty.json", basic_pretty_array);
  EXPECT_TRUE(succeeds_with(run({"compact.json"}), basic_expected));
  EXPECT_TRUE(succeeds_with(run({"pretty.json"}), basic_expected));
}

TEST_F(cli_test, format_array_layout) {
  write("in.ndjson", join_lines(basic_records));
  EXPECT_TRUE(succeeds_with(
      run({"--format", "array", "in.ndjson"}),
      "[\n" + basic_records[1] + ",\n" + basic_records[2] + ",\n" + basic_records[3] + "\n]\n"));
  write("one.ndjson", R"({"id":1})"
                      "\n");
  EXPECT_TRUE(succeeds_with(run({"--format", "array", "one.ndjson"}), "[\n{\"id\":1}\n]\n"));
}

TEST_F(cli_test, no_records_gives_empty_ndjson_and_empty_array) {
  write("empty.ndjson", "");
  write("blank.ndjson", " \n\r\n\t\n");
  write("empty.json", " [ \n ] \n");
  write("bom.json", "\xEF\xBB\xBF[]");
  for (const char* file : {"empty.ndjson", "blank.ndjson", "empty.json", "bom.json"}) {
    SCOPED_TRACE(file);
    EXPECT_TRUE(succeeds_with(run({file}), ""));
    EXPECT_TRUE(succeeds_with(run({"--format", "array", file}), "[]\n"));
  }
}

TEST_F(cli_test, blank_lines_and_crlf_in_ndjson_are_whitespace) {
  write("in.ndjson",
        "\xEF\xBB\xBF\n"
        R"({"id":1,"v":1})"
        "\r\n\r\n  \n"
        R"({"id":2,"v":2})"
        "\r\n");
  EXPECT_TRUE(succeeds_with(run({"in.ndjson"}), "{\"id\":1,\"v\":1}\n{\"id\":2,\"v\":2}\n"));
}

TEST_F(cli_test, output_records_are_minified_keeping_numbers_and_escapes) {
  const std::string spaced =
      R"({ "id" : 1 ,	"s" : "a  b\u0041\n\"} ,{" , "n" : 1.50E+2 , "m" : -0.0 ,)"
      R"( "big" : 123456789012345678901234567890 ,)"
      R"( "arr" : [ 1 , { } , [ ] , true , null ] , "o" : { "k" : "v" } })";
  const std::string minified = R"({"id":1,"s":"a  b\u0041\n\"} ,{","n":1.50E+2,"m":-0.0,)"
                               R"("big":123456789012345678901234567890,)"
                               R"("arr":[1,{},[],true,null],"o":{"k":"v"}})";
  write("in.ndjson", spaced + "\n");
  EXPECT_TRUE(succeeds_with(run({"in.ndjson"}), minified + "\n"));
  write("in.json", "[\n  " + spaced + "\n]\n");
  EXPECT_TRUE(succeeds_with(run({"in.json"}), minified + "\n"));
  // The first of duplicate names counts for the key; the record keeps both.
  write("dup.ndjson", R"({"id":1,"id":2,"v":1})"
                      "\n"
                      R"({"id":1,"v":2})"
                      "\n");
  EXPECT_TRUE(succeeds_with(run({"dup.ndjson"}), R"({"id":1,"v":2})"
                                                 "\n"));
}

// ---------------------------------------------------------------------------------------------
// Order of the output.

TEST_F(cli_test, default_order_is_position_of_the_winner) {
  write("in.ndjson", join_lines({
                         R"({"id":"a","updated_at":5,"v":1})",
                         R"({"id":"b","updated_at":1,"v":2})",
                         R"({"id":"a","updated_at":1,"v":3})",
                         R"({"id":"c","updated_at":1,"v":4})",
                         R"({"id":"b","updated_at":2,"v":5})",
                     }));
  EXPECT_TRUE(succeeds_with(run({"in.ndjson"}), join_lines({
                                                    R"({"id":"a","updated_at":5,"v":1})",
                                                    R"({"id":"c","updated_at":1,"v":4})",
                                                    R"({"id":"b","updated_at":2,"v":5})",
                                                })));
  EXPECT_TRUE(succeeds_with(run({"--order", "input", "in.ndjson"}), run({"in.ndjson"}).out));
}

TEST_F(cli_test, order_key_sorts_booleans_numbers_strings) {
  write("in.ndjson", join_lines({
                         R"({"id":"b"})",
                         R"({"id":10})",
                         R"({"id":"\u00e9"})",
                         R"({"id":"a"})",
                         R"({"id":2})",
                         R"({"id":true})",
                         R"({"id":1e2})",
                         R"({"id":"B"})",
                         R"({"id":"\u0041"})",
                         R"({"id":"ab"})",
                         R"({"id":-1.5})",
                         R"({"id":"z"})",
                         R"({"id":12345678901234567891})",
                         R"({"id":12345678901234567890})",
                     }));
  EXPECT_TRUE(
      succeeds_with(run({"--order", "key", "in.ndjson"}), join_lines({
                                                              R"({"id":true})",
                                                              R"({"id":-1.5})",
                                                              R"({"id":2})",
                                                              R"({"id":10})",
                                                              R"({"id":1e2})",
                                                              R"({"id":12345678901234567890})",
                                                              R"({"id":12345678901234567891})",
                                                              R"({"id":"\u0041"})",
                                                              R"({"id":"B"})",
                                                              R"({"id":"a"})",
                                                              R"({"id":"ab"})",
                                                              R"({"id":"b"})",
                                                              R"({"id":"z"})",
                                                              R"({"id":"\u00e9"})",
                                                          })));
}

TEST_F(cli_test, order_key_compares_composite_keys_field_by_field) {
  write("in.ndjson", join_lines({
                         R"({"a":1,"b":"x"})",
                         R"({"a":0,"b":"z"})",
                         R"({"a":1,"b":2})",
                         R"({"a":1,"b":"w"})",
                     }));
  EXPECT_TRUE(
      succeeds_with(run({"--key", "a,b", "--order", "key", "in.ndjson"}), join_lines({
                                                                              R"({"a":0,"b":"z"})",
                                                                              R"({"a":1,"b":2})",
                                                                              R"({"a":1,"b":"w"})",
                                                                              R"({"a":1,"b":"x"})",
                                                                          })));
}

// ---------------------------------------------------------------------------------------------
// Keys.

TEST_F(cli_test, composite_key) {
  write("in.ndjson", join_lines({
                         R"({"a":1,"b":1,"v":1})",
                         R"({"a":1,"b":2,"v":2})",
                         R"({"a":2,"b":1,"v":3})",
                         R"({"b":1,"a":1,"v":4})",
                     }));
  EXPECT_TRUE(succeeds_with(run({"--key", "a,b", "in.ndjson"}), join_lines({
                                                                    R"({"a":1,"b":2,"v":2})",
                                                                    R"({"a":2,"b":1,"v":3})",
                                                                    R"({"b":1,"a":1,"v":4})",
                                                                })));
}

TEST_F(cli_test, json_pointer_key) {
  write("in.ndjson", join_lines({
                         R"({"a":{"b":1},"v":1})",
                         R"({"a":{"b":2},"v":2})",
                         R"({"a":{"c":0,"b":1},"v":3})",
                     }));
  EXPECT_TRUE(succeeds_with(run({"--key", "/a/b", "in.ndjson"}), join_lines({
                                                                     R"({"a":{"b":2},"v":2})",
                                                                     R"({"a":{"c":0,"b":1},"v":3})",
                                                                 })));
  // Pointers may be parts of a composite key.
  write("two.ndjson", join_lines({
                          R"({"a":{"b":1},"c":1,"v":1})",
                          R"({"a":{"b":1},"c":2,"v":2})",
                          R"({"a":{"b":1},"c":1,"v":3})",
                      }));
  EXPECT_TRUE(
      succeeds_with(run({"--key", "/a/b,c", "two.ndjson"}), join_lines({
                                                                R"({"a":{"b":1},"c":2,"v":2})",
                                                                R"({"a":{"b":1},"c":1,"v":3})",
                                                            })));
}

TEST_F(cli_test, number_and_string_keys_are_different) {
  write("in.ndjson", join_lines({R"({"id":1,"v":"num"})", R"({"id":"1","v":"str"})"}));
  EXPECT_TRUE(succeeds_with(run({"in.ndjson"}),
                            join_lines({R"({"id":1,"v":"num"})", R"({"id":"1","v":"str"})"})));
}

TEST_F(cli_test, numbers_with_the_same_value_are_the_same_key) {
  write("in.ndjson", join_lines({R"({"id":1,"v":1})", R"({"id":1.0,"v":2})", R"({"id":1e0,"v":3})",
                                 R"({"id":10E-1,"v":4})", R"({"id":2,"v":5})"}));
  EXPECT_TRUE(succeeds_with(run({"in.ndjson"}),
                            join_lines({R"({"id":10E-1,"v":4})", R"({"id":2,"v":5})"})));
}

TEST_F(cli_test, big_integer_keys_compare_exactly) {
  write("in.ndjson",
        join_lines({R"({"id":12345678901234567890,"v":1})", R"({"id":12345678901234567891,"v":2})",
                    R"({"id":123456789012345678901234567890,"v":3})",
                    R"({"id":123456789012345678901234567891,"v":4})"}));
  EXPECT_TRUE(succeeds_with(run({"in.ndjson"}), read("in.ndjson")));
}

TEST_F(cli_test, string_keys_compare_after_unescaping) {
  write("in.ndjson", join_lines({R"({"id":"\u0041","v":1})", R"({"id":"A","v":2})",
                                 R"({"id":"\/","v":3})", R"({"id":"/","v":4})"}));
  EXPECT_TRUE(succeeds_with(run({"in.ndjson"}),
                            join_lines({R"({"id":"A","v":2})", R"({"id":"/","v":4})"})));
}

TEST_F(cli_test, key_field_names_match_after_unescaping) {
  write("in.ndjson", join_lines({R"({"\u0069d":1,"v":1})", R"({"id":1,"v":2})"}));
  EXPECT_TRUE(succeeds_with(run({"in.ndjson"}), join_lines({R"({"id":1,"v":2})"})));
}

TEST_F(cli_test, boolean_keys) {
  write("in.ndjson",
        join_lines({R"({"id":true,"v":1})", R"({"id":false,"v":2})", R"({"id":true,"v":3})"}));
  EXPECT_TRUE(succeeds_with(run({"in.ndjson"}),
                            join_lines({R"({"id":false,"v":2})", R"({"id":true,"v":3})"})));
}

// ---------------------------------------------------------------------------------------------
// Timestamps.

TEST_F(cli_test, iso_timestamps_with_offsets_compare_as_instants) {
  // 12:00+02:00 is 10:00Z, before 11:00Z, whichever comes first in the input.
  const std::string early = R"({"id":1,"updated_at":"2024-03-05T12:00:00+02:00","v":"early"})";
  const std::string late = R"({"id":1,"updated_at":"2024-03-05T11:00:00Z","v":"late"})";
  write("a.ndjson", join_lines({early, late}));
  write("b.ndjson", join_lines({late, early}));
  EXPECT_TRUE(succeeds_with(run({"a.ndjson"}), late + "\n"));
  EXPECT_TRUE(succeeds_with(run({"b.ndjson"}), late + "\n"));
  // Other spellings of instants.
  write("c.ndjson", join_lines({
                        R"({"id":2,"updated_at":"2024-03-05 12:00:00.5","v":1})",
                        R"({"id":2,"updated_at":"2024-03-05t12:00:00.25z","v":2})",
                        R"({"id":3,"updated_at":"2024-03-06","v":3})",
                        R"({"id":3,"updated_at":"2024-03-05T23:59:59-0001","v":4})",
                        R"({"id":4,"updated_at":1709640000,"v":5})",
                        R"({"id":4,"updated_at":"2024-03-05T11:59:59.999999999Z","v":6})",
                    }));
  EXPECT_TRUE(succeeds_with(run({"c.ndjson"}),
                            join_lines({
                                R"({"id":2,"updated_at":"2024-03-05 12:00:00.5","v":1})",
                                R"({"id":3,"updated_at":"2024-03-05T23:59:59-0001","v":4})",
                                R"({"id":4,"updated_at":1709640000,"v":5})",
                            })));
}

TEST_F(cli_test, equal_timestamps_are_broken_by_later_position) {
  write("in.ndjson", join_lines({
                         R"({"id":1,"updated_at":"2024-03-05T12:00:00Z","v":1})",
                         R"({"id":1,"updated_at":"2024-03-05T14:00:00+02:00","v":2})",
                         R"({"id":1,"updated_at":1709640000,"v":3})",
                         R"({"id":1,"updated_at":"2024-03-05T11:00:00Z","v":4})",
                     }));
  EXPECT_TRUE(succeeds_with(run({"in.ndjson"}), R"({"id":1,"updated_at":1709640000,"v":3})"
                                                "\n"));
}

TEST_F(cli_test, equal_timestamps_across_files_follow_command_line_order) {
  const std::string x = R"({"id":1,"updated_at":"2024-01-01","v":"x"})";
  const std::string y = R"({"id":1,"updated_at":"2024-01-01","v":"y"})";
  // Byte offsets favour x (later in its file), the file index must favour the second file.
  write("x.ndjson", "\n\n\n\n\n\n\n\n\n\n" + x + "\n");
  write("y.ndjson", y + "\n");
  EXPECT_TRUE(succeeds_with(run({"x.ndjson", "y.ndjson"}), y + "\n"));
  EXPECT_TRUE(succeeds_with(run({"y.ndjson", "x.ndjson"}), x + "\n"));
  // The same file named twice counts twice.
  EXPECT_TRUE(succeeds_with(run({"x.ndjson", "y.ndjson", "x.ndjson"}), x + "\n"));
}

TEST_F(cli_test, null_or_absent_timestamp_is_older_than_any) {
  write("in.ndjson", join_lines({
                         R"({"id":1,"updated_at":"1900-01-01","v":1})",
                         R"({"id":1,"updated_at":null,"v":2})",
                         R"({"id":1,"v":3})",
                         R"({"id":2,"updated_at":-5000000000,"v":4})",
                         R"({"id":2,"v":5})",
                         R"({"id":3,"updated_at":null,"v":6})",
                         R"({"id":3,"v":7})",
                     }));
  EXPECT_TRUE(succeeds_with(run({"in.ndjson"}), join_lines({
                                                    R"({"id":1,"updated_at":"1900-01-01","v":1})",
                                                    R"({"id":2,"updated_at":-5000000000,"v":4})",
                                                    R"({"id":3,"v":7})",
                                                })));
}

TEST_F(cli_test, empty_ts_means_last_in_input_order_wins) {
  write("in.ndjson", join_lines({
                         R"({"id":1,"updated_at":"2030-01-01","v":1})",
                         R"({"id":1,"updated_at":"2020-01-01","v":2})",
                         R"({"id":1,"updated_at":"not a time","v":3})",
                     }));
  EXPECT_TRUE(succeeds_with(run({"--ts", "", "in.ndjson"}),
                            R"({"id":1,"updated_at":"not a time","v":3})"
                            "\n"));
}

TEST_F(cli_test, timestamp_edge_spellings) {
  // Digits past the ninth are truncated; second 60 is the first instant of the next minute.
  write("tie.ndjson", join_lines({
                          R"({"id":1,"updated_at":"2024-03-05T12:00:00.0000000001Z","v":1})",
                          R"({"id":1,"updated_at":"2024-03-05T11:59:60Z","v":2})",
                          R"({"id":1,"updated_at":"2024-03-05T12:00:00Z","v":3})",
                          R"({"id":1,"updated_at":"2024-03-05T11:59:59.9999999999Z","v":4})",
                      }));
  EXPECT_TRUE(succeeds_with(run({"tie.ndjson"}),
                            R"({"id":1,"updated_at":"2024-03-05T12:00:00Z","v":3})"
                            "\n"));
  // Fractional epoch seconds against a fraction in a string; the ends of the year range.
  write("in.ndjson", join_lines({
                         R"({"id":1,"updated_at":1709640000.5,"v":1})",
                         R"({"id":1,"updated_at":"2024-03-05T12:00:00.4Z","v":2})",
                         R"({"id":2,"updated_at":"9999-12-31T23:59:59Z","v":3})",
                         R"({"id":2,"updated_at":"0000-01-01","v":4})",
                         R"({"id":3,"t":1})",
                     }));
  EXPECT_TRUE(
      succeeds_with(run({"in.ndjson"}), join_lines({
                                            R"({"id":1,"updated_at":1709640000.5,"v":1})",
                                            R"({"id":2,"updated_at":"9999-12-31T23:59:59Z","v":3})",
                                            R"({"id":3,"t":1})",
                                        })));
  // Nanoseconds: one past the instant of the string.
  write("ns.ndjson", join_lines({R"({"id":1,"t":1709640000000000001,"v":1})",
                                 R"({"id":1,"t":"2024-03-05T12:00:00Z","v":2})"}));
  EXPECT_TRUE(succeeds_with(run({"--ts", "t", "--ts-unit", "ns", "ns.ndjson"}),
                            R"({"id":1,"t":1709640000000000001,"v":1})"
                            "\n"));
}

TEST_F(cli_test, ts_format_with_fraction_and_offset) {
  // 10:30:00.5+01:30 is 09:00:00.5Z, after 09:00:00.4Z.
  write("in.ndjson", join_lines({R"({"id":1,"t":"2024-03-05 10:30:00.5 +0130","v":1})",
                                 R"({"id":1,"t":"2024-03-05 09:00:00.4 Z","v":2})",
                                 R"({"id":1,"t":"2024-03-05 09:00:00.45 +00:00","v":3})"}));
  EXPECT_TRUE(
      succeeds_with(run({"--ts", "t", "--ts-format", "%Y-%m-%d %H:%M:%S.%f %z", "in.ndjson"}),
                    R"({"id":1,"t":"2024-03-05 10:30:00.5 +0130","v":1})"
                    "\n"));
}

TEST_F(cli_test, ts_names_another_field) {
  write("in.ndjson", join_lines({R"({"id":1,"t":2,"updated_at":1,"v":1})",
                                 R"({"id":1,"t":1,"updated_at":2,"v":2})"}));
  EXPECT_TRUE(succeeds_with(run({"--ts", "t", "in.ndjson"}),
                            R"({"id":1,"t":2,"updated_at":1,"v":1})"
                            "\n"));
}

TEST_F(cli_test, ts_unit_scales_numbers_against_iso_strings) {
  // 1500 ms is before one minute past the epoch; 1500 s is after it.
  const std::string number = R"({"id":1,"t":1500,"v":"number"})";
  const std::string iso = R"({"id":1,"t":"1970-01-01T00:01:00Z","v":"iso"})";
  write("in.ndjson", join_lines({number, iso}));
  write("rev.ndjson", join_lines({iso, number}));
  EXPECT_TRUE(succeeds_with(run({"--ts", "t", "--ts-unit", "ms", "in.ndjson"}), iso + "\n"));
  EXPECT_TRUE(succeeds_with(run({"--ts", "t", "--ts-unit", "ms", "rev.ndjson"}), iso + "\n"));
  EXPECT_TRUE(succeeds_with(run({"--ts", "t", "in.ndjson"}), number + "\n"));
  EXPECT_TRUE(succeeds_with(run({"--ts", "t", "rev.ndjson"}), number + "\n"));
  EXPECT_TRUE(succeeds_with(run({"--ts", "t", "--ts-unit", "s", "rev.ndjson"}), number + "\n"));
}

TEST_F(cli_test, ts_format_parses_month_day_year) {
  write("in.ndjson", join_lines({
                         R"({"id":1,"t":"12/31/2023","v":1})",
                         R"({"id":1,"t":"01/02/2024","v":2})",
                         R"({"id":1,"t":"06/15/2023","v":3})",
                     }));
  EXPECT_TRUE(succeeds_with(run({"--ts", "t", "--ts-format", "%m/%d/%Y", "in.ndjson"}),
                            R"({"id":1,"t":"01/02/2024","v":2})"
                            "\n"));
  // Without the format these strings are not timestamps: bad records.
  EXPECT_TRUE(fails_with(run({"--ts", "t", "in.ndjson"}), 1, "in.ndjson:1:1 (byte 0)"));
}

TEST_F(cli_test, bad_timestamps_are_bad_records) {
  for (const char* ts :
       {R"("2024-02-30")", R"("2024-13-01")", "true", "{}", "[1]", R"("yesterday")"}) {
    SCOPED_TRACE(ts);
    write("in.ndjson",
          join_lines({R"({"id":1})", std::string(R"({"id":2,"updated_at":)") + ts + "}"}));
    EXPECT_TRUE(fails_with(run({"in.ndjson"}), 1, "in.ndjson:2:1 (byte 9)"));
  }
}

// ---------------------------------------------------------------------------------------------
// Deletes.

TEST_F(cli_test, delete_marker_that_wins_removes_the_key) {
  write("in.ndjson", join_lines({
                         R"({"id":1,"v":1})",
                         R"({"id":2,"v":1})",
                         R"({"id":1,"op":"d"})",
                         R"({"id":3,"op":"u"})",
                         R"({"id":4,"updated_at":5,"v":1})",
                         R"({"id":4,"updated_at":3,"op":"d"})",
                     }));
  EXPECT_TRUE(succeeds_with(run({"in.ndjson", "--delete-when", "op=d"}),
                            join_lines({
                                R"({"id":2,"v":1})",
                                R"({"id":3,"op":"u"})",
                                R"({"id":4,"updated_at":5,"v":1})",
                            })));
  EXPECT_TRUE(succeeds_with(run({"in.ndjson", "--delete-when", R"(op="d")"}),
                            run({"in.ndjson", "--delete-when=op=d"}).out));
}

TEST_F(cli_test, later_update_revives_a_deleted_key) {
  write("in.ndjson",
        join_lines({R"({"id":1,"v":1})", R"({"id":1,"op":"d"})", R"({"id":1,"v":2})"}));
  EXPECT_TRUE(succeeds_with(run({"in.ndjson", "--delete-when", "op=d"}), R"({"id":1,"v":2})"
                                                                         "\n"));
}

TEST_F(cli_test, delete_rules_match_type_and_value_and_may_repeat) {
  write("in.ndjson", join_lines({
                         R"({"id":1,"_deleted":true})",
                         R"({"id":2,"_deleted":"true"})",
                         R"({"id":3,"meta":{"op":"d"}})",
                         R"({"id":4,"op":"d"})",
                         R"({"id":5,"op":"D"})",
                     }));
  EXPECT_TRUE(succeeds_with(
      run({"in.ndjson", "--delete-when", "_deleted=true", "--delete-when", "/meta/op=d"}),
      join_lines(
          {R"({"id":2,"_deleted":"true"})", R"({"id":4,"op":"d"})", R"({"id":5,"op":"D"})"})));
}

TEST_F(cli_test, delete_when_takes_one_value_and_leaves_inputs_alone) {
  // An option with one value per occurrence: the file after it is an input, not a second rule.
  write("in.ndjson",
        join_lines({R"({"id":1,"v":1})", R"({"id":2,"v":1})", R"({"id":1,"op":"d"})"}));
  EXPECT_TRUE(succeeds_with(run({"--delete-when", "op=d", "in.ndjson"}), R"({"id":2,"v":1})"
                                                                         "\n"));
  EXPECT_TRUE(succeeds_with(run({"--delete-when", "op=d", "--delete-when", "x=1", "in.ndjson"}),
                            R"({"id":2,"v":1})"
                            "\n"));
}

TEST_F(cli_test, keep_first_keeps_the_earliest_record_of_each_key) {
  write("in.ndjson", join_lines(basic_records));
  EXPECT_TRUE(succeeds_with(run({"in.ndjson", "--keep", "first"}),
                            join_lines({basic_records[0], basic_records[1], basic_records[4]})));
  EXPECT_TRUE(succeeds_with(run({"in.ndjson", "--keep", "last"}), basic_expected));
}

TEST_F(cli_test, keep_deletes_writes_winning_delete_markers) {
  write("in.ndjson", join_lines({
                         R"({"id":1,"v":1})",
                         R"({ "id" : 1, "op" : "d" })",
                         R"({"id":2,"v":1})",
                         R"({"id":3,"op":"d"})",
                         R"({"id":3,"v":2})",
                     }));
  EXPECT_TRUE(succeeds_with(
      run({"in.ndjson", "--delete-when", "op=d", "--keep-deletes"}),
      join_lines({R"({"id":1,"op":"d"})", R"({"id":2,"v":1})", R"({"id":3,"v":2})"})));
  EXPECT_TRUE(succeeds_with(
      run({"in.ndjson", "--delete-when", "op=d", "--keep-deletes", "--keep", "first"}),
      join_lines({R"({"id":1,"v":1})", R"({"id":2,"v":1})", R"({"id":3,"op":"d"})"})));
}

TEST_F(cli_test, several_ts_fields_are_compared_in_turn) {
  write("in.ndjson", join_lines({
                         R"({"id":1,"updated_at":"2024-01-02","version":7,"v":"a"})",
                         R"({"id":1,"updated_at":"2024-01-02","version":9,"v":"b"})",
                         R"({"id":1,"updated_at":"2024-01-02","version":8,"v":"c"})",
                         R"({"id":1,"updated_at":"2024-01-01","version":99,"v":"d"})",
                         R"({"id":2,"updated_at":"2024-01-02","v":"e"})",
                         R"({"id":2,"updated_at":"2024-01-02","version":null,"v":"f"})",
                         R"({"id":2,"updated_at":"2024-01-02","version":0,"v":"g"})",
                         R"({"id":2,"updated_at":"2024-01-02","v":"h"})",
                     }));
  EXPECT_TRUE(
      succeeds_with(run({"in.ndjson", "--ts", "updated_at,version"}),
                    join_lines({R"({"id":1,"updated_at":"2024-01-02","version":9,"v":"b"})",
                                R"({"id":2,"updated_at":"2024-01-02","version":0,"v":"g"})"})));
  EXPECT_TRUE(
      succeeds_with(run({"in.ndjson", "--ts", "version,updated_at"}),
                    join_lines({R"({"id":1,"updated_at":"2024-01-01","version":99,"v":"d"})",
                                R"({"id":2,"updated_at":"2024-01-02","version":0,"v":"g"})"})));
  // One field is exactly today's rule: the last of the equal timestamps wins.
  EXPECT_TRUE(succeeds_with(run({"in.ndjson", "--ts", "updated_at"}),
                            join_lines({R"({"id":1,"updated_at":"2024-01-02","version":8,"v":"c"})",
                                        R"({"id":2,"updated_at":"2024-01-02","v":"h"})"})));
}

TEST_F(cli_test, merge_fields_merges_partial_updates) {
  write("in.ndjson", join_lines({
                         R"({"id":1,"name":"Ada","email":"a@x","updated_at":1})",
                         R"({"id":1,"email":"ada@x","updated_at":3})",
                         R"({"id":1, "phone" : [1, 2], "updated_at":2})",
                         R"({"id":2,"name":"Bob","updated_at":1})",
                         R"({"id":2,"op":"d","updated_at":2})",
                     }));
  EXPECT_TRUE(succeeds_with(
      run({"in.ndjson", "--merge-fields", "--delete-when", "op=d"}),
      join_lines({R"({"id":1,"name":"Ada","email":"ada@x","updated_at":3,"phone":[1,2]})"})));
  EXPECT_TRUE(succeeds_with(run({"in.ndjson", "--merge-fields", "--delete-when", "op=d",
                                 "--keep-deletes", "--format", "array", "--order", "key"}),
                            "[\n"
                            R"({"id":1,"name":"Ada","email":"ada@x","updated_at":3,"phone":[1,2]})"
                            ",\n"
                            R"({"id":2,"op":"d","updated_at":2})"
                            "\n]\n"));
}

// The change stream of the README, byte for byte.
TEST_F(cli_test, compacting_a_change_stream_as_the_readme_shows) {
  write("orders-cdc.ndjson",
        join_lines({
            R"({"id":10,"status":"new","total":25,"src":{"ts_ms":1000,"lsn":1}})",
            R"({"id":11,"status":"new","total":8,"src":{"ts_ms":1000,"lsn":2}})",
            R"({"id":10,"status":"paid","src":{"ts_ms":2000,"lsn":4}})",
            R"({"id":10,"total":27,"src":{"ts_ms":2000,"lsn":3}})",
            R"({"id":11,"op":"d","src":{"ts_ms":3000,"lsn":5}})",
        }));
  EXPECT_TRUE(succeeds_with(
      run({"--ts", "/src/ts_ms,/src/lsn", "--ts-unit", "ms", "--delete-when", "op=d",
           "--merge-fields", "--keep-deletes", "orders-cdc.ndjson"}),
      join_lines({R"({"id":10,"status":"paid","total":27,"src":{"ts_ms":2000,"lsn":4}})",
                  R"({"id":11,"op":"d","src":{"ts_ms":3000,"lsn":5}})"})));
}

TEST_F(cli_test, delete_rule_without_equals_is_usage_error) {
  write("in.ndjson", R"({"id":1})"
                     "\n");
  EXPECT_TRUE(fails_with(run({"--delete-when", "op", "in.ndjson"}), 2, "op"));
}

// ---------------------------------------------------------------------------------------------
// Bad input.

TEST_F(cli_test, bad_record_fails_with_location_and_reason) {
  const std::string content = R"({"id":1,"updated_at":null})"
                              "\n"
                              R"({"id":2})"
                              "\n  "
                              R"({"x":1})"
                              "\n"
                              R"({"y":2})"
                              "\n";
  write("bad.ndjson", content);
  cli_result r = run({"bad.ndjson"});
  EXPECT_TRUE(fails_with(
      r, 1, location_of("bad.ndjson", content, R"({"x":1})") + R"(: missing key field "id")"));
  EXPECT_EQ(location_of("bad.ndjson", content, R"({"x":1})"), "bad.ndjson:3:3 (byte 38)");
  EXPECT_TRUE(fails_with(run({"--on-error", "fail", "bad.ndjson"}), 1, "bad.ndjson:3:3 (byte 38)"));
}

TEST_F(cli_test, bad_record_in_array_is_located) {
  const std::string content = "[\n  {\"id\":1},\n  {\"id\":null}\n]\n";
  write("bad.json", content);
  EXPECT_EQ(location_of("bad.json", content, "{\"id\":null}"), "bad.json:3:3 (byte 16)");
  EXPECT_TRUE(fails_with(run({"bad.json"}), 1, "bad.json:3:3 (byte 16)"));
}

TEST_F(cli_test, key_that_is_null_object_or_array_is_bad) {
  for (const char* key : {"null", "{}", "[1]", R"({"a":1})"}) {
    SCOPED_TRACE(key);
    write("in.ndjson", std::string(R"({"id":)") + key + "}\n");
    EXPECT_TRUE(fails_with(run({"in.ndjson"}), 1, "in.ndjson:1:1 (byte 0)"));
  }
}

// A generated NDJSON or array file with bad records in several chunks; the first bad one is a
// missing key, the later ones are other failures.
struct generated_bad_input {
  std::string content;
  std::vector<std::string> bad_locations;  ///< `line:column (byte offset)` of each bad record.
  std::string good_output;                 ///< What --on-error skip writes.
};

generated_bad_input generate_bad_input(bool array) {
  generated_bad_input g;
  std::string& c = g.content;
  std::size_t line = 1;
  if (array) {
    c = "[\n";
    line = 2;
  }
  for (int i = 0; i < 5000; ++i) {
    std::string record;
    bool bad = true;
    switch (i) {
      case 1500:
        record = R"({"ID":1500,"updated_at":1,"pad":"},{\"id\":1}"})";
        break;
      case 2600:
        record = R"({"id":2600,"updated_at":"2024-02-31","pad":"xxxxxxxxxxxxxxxx"})";
        break;
      case 3100:
        record = R"({"id":3100,"updated_at":1,"pad":tru})";
        break;
      case 4400:
        record = R"({"id":[4400],"updated_at":1,"pad":"xxxxxxxxxxxxxxxxxxxxxxxx"})";
        break;
      default:
        record = R"({"id":)" + std::to_string(i % 1700) + R"(,"updated_at":)" + std::to_string(i) +
                 R"(,"pad":"xxxxxxxxxxxxxxxxxxxxxxxxx"})";
        bad = false;
    }
    if (i > 0 && array) c += ",\n";
    if (bad)
      g.bad_locations.push_back(std::to_string(line) + ":1 (byte " + std::to_string(c.size()) +
                                ")");
    c += record;
    if (!array) c += "\n";
    ++line;
  }
  if (array) c += "\n]\n";
  // Winners: the last record of each key among the good ones (timestamps grow with i).
  std::map<int, int> last;
  for (int i = 0; i < 5000; ++i) {
    if (i != 1500 && i != 2600 && i != 3100 && i != 4400) last[i % 1700] = i;
  }
  std::vector<int> winners;
  for (const auto& [key, i] : last) winners.push_back(i);
  std::sort(winners.begin(), winners.end());
  for (int i : winners) {
    g.good_output += R"({"id":)" + std::to_string(i % 1700) + R"(,"updated_at":)" +
                     std::to_string(i) +
                     R"(,"pad":"xxxxxxxxxxxxxxxxxxxxxxxxx"})"
                     "\n";
  }
  return g;
}

TEST_F(cli_test, first_bad_record_in_input_order_is_reported_for_any_thread_count) {
  for (bool array : {false, true}) {
    SCOPED_TRACE(array ? "array" : "ndjson");
    generated_bad_input g = generate_bad_input(array);
    const std::string name = array ? "big.json" : "big.ndjson";
    write(name, g.content);
    const std::string expected = name + ":" + g.bad_locations[0] + R"(: missing key field "id")";
    for (const char* threads : {"1", "4"}) {
      for (int repeat = 0; repeat < 3; ++repeat) {
        SCOPED_TRACE(std::string("threads ") + threads);
        EXPECT_TRUE(
            fails_with(run({"--threads", threads, "--chunk-size", "1K", name}), 1, expected));
      }
    }
    EXPECT_TRUE(fails_with(run({"--threads", "4", "--chunk-size", "1K", "--tokens", "16", name}), 1,
                           expected));
    EXPECT_TRUE(fails_with(run({name}), 1, expected));
    // Skipped, the good records still merge.
    cli_result r = run({"--on-error", "skip", "--threads", "4", "--chunk-size", "1K", "--rejects",
                        "rejects.jsonl", name});
    EXPECT_TRUE(succeeds_with(r, g.good_output));
    EXPECT_EQ(lines_of(read("rejects.jsonl")).size(), 4u);
  }
}

TEST_F(cli_test, skip_with_rejects_writes_one_json_line_per_bad_record) {
  const std::string content = join_lines({R"({"id":1,"v":1})", R"({"x":1})", R"({"id":2,"v":2})",
                                          R"({"id":3,"v":"a\"b"},)", R"({"id":1,"v":3})"});
  write("in.ndjson", content);
  cli_result r = run({"--on-error", "skip", "--rejects", "rejects.jsonl", "in.ndjson"});
  EXPECT_TRUE(succeeds_with(r, join_lines({R"({"id":2,"v":2})", R"({"id":1,"v":3})"})));
  std::vector<std::string> rejects = lines_of(read("rejects.jsonl"));
  ASSERT_EQ(rejects.size(), 2u) << read("rejects.jsonl");
  EXPECT_EQ(read("rejects.jsonl").back(), '\n');

  struct expected_reject {
    std::uint64_t line;
    std::uint64_t offset;
    std::string raw;
  };
  const std::vector<expected_reject> expected = {
      {2, content.find(R"({"x":1})"), R"({"x":1})"},
      {4, content.find(R"({"id":3)"), R"({"id":3,"v":"a\"b"},)"},
  };
  simdjson::dom::parser parser;
  for (std::size_t i = 0; i < rejects.size(); ++i) {
    SCOPED_TRACE(rejects[i]);
    simdjson::padded_string json(rejects[i]);
    simdjson::dom::element doc;
    ASSERT_EQ(parser.parse(json).get(doc), simdjson::SUCCESS);
    std::string_view file;
    std::string_view error;
    std::string_view raw;
    std::uint64_t line = 0;
    std::uint64_t offset = 0;
    ASSERT_EQ(doc["file"].get(file), simdjson::SUCCESS);
    ASSERT_EQ(doc["line"].get(line), simdjson::SUCCESS);
    ASSERT_EQ(doc["offset"].get(offset), simdjson::SUCCESS);
    ASSERT_EQ(doc["error"].get(error), simdjson::SUCCESS);
    ASSERT_EQ(doc["raw"].get(raw), simdjson::SUCCESS);
    EXPECT_EQ(file, "in.ndjson");
    EXPECT_EQ(line, expected[i].line);
    EXPECT_EQ(offset, expected[i].offset);
    EXPECT_FALSE(error.empty());
    EXPECT_EQ(raw, expected[i].raw);
  }
  EXPECT_NE(rejects[0].find(R"(missing key field \"id\")"), std::string::npos);
}

TEST_F(cli_test, skip_without_rejects_file_succeeds_and_names_the_bad_records) {
  write("in.ndjson", join_lines({R"({"id":1})", "nonsense", R"({"id":2})"}));
  cli_result r = run({"--on-error", "skip", "in.ndjson"});
  EXPECT_TRUE(succeeds_with(r, join_lines({R"({"id":1})", R"({"id":2})"})));
  EXPECT_EQ(r.err,
            "mergepipe: skipped a bad record: in.ndjson:2:1 (byte 9): record is not a JSON object\n"
            "mergepipe: skipped 1 bad record(s)\n");

  std::string many;
  for (int i = 0; i < 12; ++i) many += "nonsense\n";
  write("many.ndjson", many);
  r = run({"--on-error", "skip", "many.ndjson"});
  std::vector<std::string> lines = lines_of(r.err);
  ASSERT_EQ(lines.size(), 12u) << r.err;
  EXPECT_EQ(lines[9],
            "mergepipe: skipped a bad record: many.ndjson:10:1 (byte 81): record is not a JSON "
            "object");
  EXPECT_EQ(lines[10], "mergepipe: more bad records skipped, counted but not logged one by one");
  EXPECT_EQ(lines[11], "mergepipe: skipped 12 bad record(s)");
}

TEST_F(cli_test, undelimitable_array_element_fails_under_both_policies) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"unclosed_string.json", "[{\"id\":1},\n{\"id\":2,\"v\":\"abc}]\n"},
      {"unclosed_bracket.json", "[{\"id\":1},\n{\"id\":2,\"v\":[1,2}\n"},
      {"missing_end.json", "[{\"id\":1},\n{\"id\":2}\n"},
      {"truncated.json", "[{\"id\":1},{\"id\":2,\"v\":\"a"},
  };
  for (const auto& [name, content] : cases) {
    SCOPED_TRACE(name);
    write(name, content);
    EXPECT_TRUE(fails_with(run({name}), 1, name + ":"));
    EXPECT_TRUE(fails_with(run({"--on-error", "skip", name}), 1, name + ":"));
    EXPECT_TRUE(fails_with(
        run({"--threads", "2", "--chunk-size", "1K", "--on-error", "skip", name}), 1, name + ":"));
  }
}

TEST_F(cli_test, trailing_garbage_after_array_is_a_bad_record) {
  const std::string content = "[{\"id\":1,\"v\":1}] x\n";
  write("in.json", content);
  EXPECT_TRUE(fails_with(run({"in.json"}), 1, location_of("in.json", content, "x")));
  cli_result r = run({"--on-error", "skip", "--rejects", "rejects.jsonl", "in.json"});
  EXPECT_TRUE(succeeds_with(r, "{\"id\":1,\"v\":1}\n"));
  EXPECT_EQ(lines_of(read("rejects.jsonl")).size(), 1u);
}

TEST_F(cli_test, empty_or_non_object_array_elements_are_bad_records) {
  write("in.json", R"([{"id":1},3,,{"id":2},"s",null,[],{"id":3},])");
  cli_result r = run({"--on-error", "skip", "--rejects", "rejects.jsonl", "in.json"});
  EXPECT_TRUE(succeeds_with(r, join_lines({R"({"id":1})", R"({"id":2})", R"({"id":3})"})));
  EXPECT_EQ(lines_of(read("rejects.jsonl")).size(), 6u) << read("rejects.jsonl");
  EXPECT_TRUE(fails_with(run({"in.json"}), 1, "in.json:1:11 (byte 10)"));
}

TEST_F(cli_test, ndjson_line_with_more_than_one_object_is_bad) {
  const std::string content =
      join_lines({R"({"id":1})", R"({"id":2} {"id":3})", R"([{"id":4}])", R"({"id":5})"});
  write("in.ndjson", content);
  EXPECT_TRUE(fails_with(run({"in.ndjson"}), 1, "in.ndjson:2:1 (byte 9)"));
  EXPECT_TRUE(succeeds_with(run({"--on-error", "skip", "in.ndjson"}),
                            join_lines({R"({"id":1})", R"({"id":5})"})));
}

TEST_F(cli_test, invalid_utf8_is_a_bad_record) {
  const std::string content =
      join_lines({R"({"id":1})", "{\"id\":2,\"v\":\"\xff\"}", "{\"id\":3,\"v\":\"\xc0\xaf\"}",
                  "{\"id\":4,\"v\":\"ok \xc3\xa9\"}"});
  write("in.ndjson", content);
  EXPECT_TRUE(fails_with(run({"in.ndjson"}), 1, "in.ndjson:2:1 (byte 9)"));
  cli_result r = run({"--on-error", "skip", "--rejects", "rejects.jsonl", "in.ndjson"});
  EXPECT_TRUE(succeeds_with(r, join_lines({R"({"id":1})", "{\"id\":4,\"v\":\"ok \xc3\xa9\"}"})));
  // The rejects file stays valid JSON, whatever the bytes of the bad records.
  std::vector<std::string> rejects = lines_of(read("rejects.jsonl"));
  EXPECT_EQ(rejects.size(), 2u);
  simdjson::dom::parser parser;
  for (const std::string& line : rejects) {
    simdjson::padded_string json(line);
    simdjson::dom::element doc;
    EXPECT_EQ(parser.parse(json).get(doc), simdjson::SUCCESS) << line;
  }
}

TEST_F(cli_test, nesting_of_1024_levels_is_fine_and_1025_is_bad) {
  // The record object is the first level.
  const std::string ok = R"({"id":1,"v":)" + std::string(1023, '[') + std::string(1023, ']') + "}";
  const std::string deep =
      R"({"id":2,"v":)" + std::string(1024, '[') + std::string(1024, ']') + "}";
  write("ok.ndjson", ok + "\n");
  write("deep.ndjson", R"({"id":0})"
                       "\n" +
                           deep + "\n");
  EXPECT_TRUE(succeeds_with(run({"ok.ndjson"}), ok + "\n"));
  EXPECT_TRUE(fails_with(run({"deep.ndjson"}), 1, "deep.ndjson:2:1 (byte 9)"));
  EXPECT_TRUE(succeeds_with(run({"--on-error", "skip", "deep.ndjson"}), R"({"id":0})"
                                                                        "\n"));
}

TEST_F(cli_test, numbers_out_of_double_range_are_bad) {
  write("in.ndjson",
        join_lines({R"({"id":1,"v":1e308})", R"({"id":2,"v":1e400})", R"({"id":3,"v":-1e400})",
                    R"({"id":1e400})", R"({"id":4,"v":123456789012345678901234567890})"}));
  EXPECT_TRUE(
      fails_with(run({"in.ndjson"}), 1, location_of("in.ndjson", read("in.ndjson"), R"({"id":2)")));
  EXPECT_TRUE(succeeds_with(
      run({"--on-error", "skip", "in.ndjson"}),
      join_lines({R"({"id":1,"v":1e308})", R"({"id":4,"v":123456789012345678901234567890})"})));
}

TEST_F(cli_test, invalid_json_is_bad_never_a_crash) {
  for (const char* line :
       {R"({"id":1,})", R"({"id":1)", R"({id:1})", R"({"id":01})", R"({"id":1,"v":'a'})",
        "{\"id\":1,\"v\":\"tab\tinside\"}", R"({"id":1,"v":"\x"})", R"({"id":1,"v":NaN})", "}"}) {
    SCOPED_TRACE(line);
    write("in.ndjson", std::string(line) + "\n" +
                           R"({"id":2})"
                           "\n");
    cli_result r = run({"in.ndjson"});
    EXPECT_TRUE(fails_with(r, 1, "in.ndjson:1:1 (byte 0)"));
    EXPECT_TRUE(succeeds_with(run({"--on-error", "skip", "in.ndjson"}), R"({"id":2})"
                                                                        "\n"));
  }
}

// ---------------------------------------------------------------------------------------------
// Usage and I/O errors.

TEST_F(cli_test, usage_errors_exit_2_with_one_line) {
  write("in.ndjson", R"({"id":1})"
                     "\n");
  const std::vector<std::vector<std::string>> cases = {
      {"--no-such-option", "in.ndjson"},
      {"--threads", "0", "in.ndjson"},
      {"--threads", "-1", "in.ndjson"},
      {"--chunk-size", "abc", "in.ndjson"},
      {"--format", "xml", "in.ndjson"},
      {"--order", "random", "in.ndjson"},
      {"--on-error", "ignore", "in.ndjson"},
      {"--ts-unit", "h", "in.ndjson"},
      {"-", "-"},
      {"in.ndjson", "-", "in.ndjson", "-"},
      {"--rejects", "r.jsonl", "in.ndjson"},
      {"--rejects", "r.jsonl", "--on-error", "fail", "in.ndjson"},
      {"--delete-when", "op", "in.ndjson"},
  };
  for (const auto& args : cases) {
    std::string joined;
    for (const std::string& a : args) joined += a + " ";
    SCOPED_TRACE(joined);
    cli_result r = run(args, std::string(R"({"id":9})"
                                         "\n"));
    EXPECT_TRUE(fails_with(r, 2, ""));
  }
  EXPECT_FALSE(exists("r.jsonl"));
}

TEST_F(cli_test, usage_errors_are_one_plain_sentence) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--format", "xml"}, R"(--format must be ndjson or array, not "xml")"},
      {{"--format", "1"}, R"(--format must be ndjson or array, not "1")"},
      {{"--order", "0"}, R"(--order must be input or key, not "0")"},
      {{"--ts-unit", "parsecs"}, R"(--ts-unit must be s, ms, us or ns, not "parsecs")"},
      {{"--ts", "updated_at,"}, R"(invalid timestamp fields "updated_at,": empty field name)"},
      {{"--keep", "latest"}, R"(--keep must be last or first, not "latest")"},
      {{"--merge-fields", "--keep", "first"},
       "--merge-fields cannot be combined with --keep first"},
      {{"--on-error", "ignore"}, R"(--on-error must be fail or skip, not "ignore")"},
      {{"--threads", "0"}, R"(--threads must be a positive whole number, not "0")"},
      {{"--threads", "1.5"}, R"(--threads must be a positive whole number, not "1.5")"},
      {{"--tokens", "0"}, R"(--tokens must be a positive whole number, not "0")"},
      {{"--chunk-size", "abc"},
       R"(--chunk-size must be a size such as 65536, 64K, 8M or 1G, not "abc")"},
      {{"--memory-limit", "0"},
       R"(--memory-limit must be a positive size such as 512M or 4G, not "0")"},
      {{"--temp-dir", "no-such-dir"},
       R"(--temp-dir must be an existing directory, not "no-such-dir")"},
      {{"--no-such-option"}, R"(unknown option "--no-such-option")"},
      {{"--format"}, "--format needs a value"},
      {{"--format", "array", "--format", "ndjson"}, "--format may be given only once"},
      {{"-v", "-q"}, "--verbose and --quiet cannot be given together"},
  };
  for (const auto& [args, message] : cases) {
    SCOPED_TRACE(args.front());
    cli_result r = run(args, std::string(R"({"id":9})"
                                         "\n"));
    EXPECT_EQ(r.exit_code, 2) << describe(r);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, "mergepipe: " + message + " (see mergepipe --help)\n");
  }
}

#if MERGEPIPE_WITH_CLUSTER
TEST_F(cli_test, subcommand_usage_errors_are_one_plain_sentence) {
  // Parse errors come before any connection, so no Redis is needed.
  const std::vector<std::string> submit = {"submit", "--redis", "redis://127.0.0.1:1",
                                           "--job",  "j",       "--storage",
                                           "s",      "-o",      "out.ndjson"};
  auto with = [&](std::vector<std::string> tail) {
    std::vector<std::string> args = submit;
    args.insert(args.end(), tail.begin(), tail.end());
    return args;
  };
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {with({"--format", "1", "in.ndjson"}), R"(--format must be ndjson or array, not "1")"},
      {with({"--buckets", "0", "in.ndjson"}),
       R"(--buckets must be a positive whole number, not "0")"},
      {with({"--pieces-mb", "abc", "in.ndjson"}),
       R"(--pieces-mb must be a positive number, not "abc")"},
      {with({}), "at least one FILE is required"},
      {with({"--merge-fields", "--keep", "first", "in.ndjson"}),
       "--merge-fields cannot be combined with --keep first"},
      {with({"--rejects", "bad.jsonl", "in.ndjson"}), "--rejects needs --on-error skip"},
      {with({"--on-error", "drop", "in.ndjson"}), R"(--on-error must be fail or skip, not "drop")"},
      {{"worker", "--redis", "redis://127.0.0.1:1", "extra"}, R"(unexpected argument "extra")"},
      {{"status", "--redis"}, "--redis needs a value"},
      {{"worker", "--redis", "redis://127.0.0.1:1", "--temp-dir", "no-such-dir"},
       R"(--temp-dir must be an existing directory, not "no-such-dir")"},
  };
  for (const auto& [args, message] : cases) {
    SCOPED_TRACE(args.back());
    cli_result r = run(args);
    EXPECT_EQ(r.exit_code, 2) << describe(r);
    EXPECT_EQ(r.err, "mergepipe: " + message + " (see mergepipe " + args.front() + " --help)\n");
  }
}
#else
TEST_F(cli_test, distributed_commands_say_they_were_not_built) {
  for (const char* word : {"submit", "worker", "status"}) {
    cli_result r = run({word, "--help"});
    EXPECT_EQ(r.exit_code, 2) << describe(r);
    EXPECT_NE(r.err.find("built without the distributed mode"), std::string::npos) << r.err;
  }
}
#endif

// Every layout gives the default's bytes, rejects, message and exit code (docs/contract.md 2.1).
TEST_F(cli_test, every_pipeline_layout_gives_the_same_run) {
  // Updates of thirty keys, an invalid timestamp (refused by stamp) and invalid JSON (refused
  // by parse) among them.
  std::string input;
  for (int i = 0; i < 400; ++i) {
    std::string head = "{\"id\":" + std::to_string(i % 30);
    if (i % 97 == 5) {
      input += head + ",\"updated_at\":\"noon\"}\n";
    } else if (i % 89 == 7) {
      input += head + ",\"v\":tru}\n";
    } else {
      input += head + ",\"v\":" + std::to_string(i) + "}\n";
    }
  }
  write("in.ndjson", input);
  auto run_with = [&](const std::string& layout, bool skip) {
    std::vector<std::string> args = {"--pipeline", layout, "--chunk-size", "1K", "--threads", "2"};
    if (skip) args.insert(args.end(), {"--on-error", "skip", "--rejects", "rejects.jsonl"});
    args.push_back("in.ndjson");
    cli_result r = run(args);
    return std::tuple(r.exit_code, r.out, r.err, skip ? read("rejects.jsonl") : std::string());
  };
  for (bool skip : {false, true}) {
    auto expected = run_with("read+cut|parse+stamp|order|merge", skip);
    EXPECT_EQ(std::get<0>(expected), skip ? 0 : 1);
    // The 32 layouts: a `|` or a `+` in each of the five places between the steps.
    const std::vector<std::string> later_steps = {"cut", "parse", "stamp", "order", "merge"};
    for (unsigned splits = 0; splits < 32; ++splits) {
      std::string layout = "read";
      for (std::size_t i = 0; i < later_steps.size(); ++i) {
        layout += ((splits >> i) & 1u ? "|" : "+") + later_steps[i];
      }
      EXPECT_EQ(run_with(layout, skip), expected) << layout;
    }
  }
}

TEST_F(cli_test, help_shows_option_values_in_words) {
  std::vector<std::vector<std::string>> pages = {{"--help"}};
#if MERGEPIPE_WITH_CLUSTER
  pages.insert(pages.end(), {{"submit", "--help"}, {"worker", "--help"}, {"status", "--help"}});
#endif
  for (const std::vector<std::string>& args : pages) {
    SCOPED_TRACE(args.front());
    cli_result r = run(args);
    EXPECT_EQ(r.exit_code, 0) << describe(r);
    // CLI11's names for C++ types and its enum mappings mean nothing to a user.
    for (const char* jargon : {"ENUM", "->", "1.79769e+308", "UINT", "FLOAT", "TEXT"}) {
      EXPECT_EQ(r.out.find(jargon), std::string::npos) << jargon << "\n" << r.out;
    }
  }
  cli_result r = run({"--help"});
  for (const char* shown : {"--format ndjson|array", "--order input|key", "--ts-unit s|ms|us|ns",
                            "--on-error fail|skip", "--threads N", "docs/contract.md"}) {
    EXPECT_NE(r.out.find(shown), std::string::npos) << shown << "\n" << r.out;
  }
#if MERGEPIPE_WITH_CLUSTER
  EXPECT_NE(run({"submit", "--help"}).out.find("--format ndjson|array"), std::string::npos);
#endif
}

TEST_F(cli_test, missing_input_exits_3_naming_it) {
  write("good.ndjson", R"({"id":1})"
                       "\n");
  EXPECT_TRUE(fails_with(run({"missing.ndjson"}), 3, "missing.ndjson"));
  EXPECT_TRUE(fails_with(run({"good.ndjson", "missing.ndjson"}), 3, "missing.ndjson"));
}

TEST_F(cli_test, missing_input_wins_over_bad_input) {
  // All inputs are opened before any is read: the I/O error decides, whatever the order.
  write("bad.ndjson", R"({"x":1})"
                      "\n");
  EXPECT_TRUE(fails_with(run({"bad.ndjson", "missing.ndjson"}), 3, "missing.ndjson"));
  EXPECT_TRUE(fails_with(run({"missing.ndjson", "bad.ndjson"}), 3, "missing.ndjson"));
}

TEST_F(cli_test, unreadable_input_exits_3) {
  if (!can_become_unprivileged()) GTEST_SKIP() << "running as root, and cannot become nobody";
  write("secret.ndjson", R"({"id":1})"
                         "\n");
  std::filesystem::permissions(dir_.file("secret.ndjson"), std::filesystem::perms::none);
  give_to_unprivileged_user(dir_.file("secret.ndjson"));
  EXPECT_TRUE(fails_with(run_unprivileged({"secret.ndjson"}), 3, "secret.ndjson"));
}

TEST_F(cli_test, directory_as_input_exits_3) {
  std::filesystem::create_directory(dir_.file("sub"));
  EXPECT_TRUE(fails_with(run({"sub"}), 3, "sub"));
}

TEST_F(cli_test, output_that_cannot_be_created_exits_3) {
  write("good.ndjson", R"({"id":1})"
                       "\n");
  EXPECT_TRUE(fails_with(run({"-o", "no/such/dir/out.ndjson", "good.ndjson"}), 3,
                         "no/such/dir/out.ndjson"));
  // The rejects file comes before any output (contract 3.4): no record reaches standard output.
  EXPECT_TRUE(
      fails_with(run({"--on-error", "skip", "--rejects", "no/such/dir/r.jsonl", "good.ndjson"}), 3,
                 "no/such/dir/r.jsonl"));
}

TEST_F(cli_test, errors_rank_usage_then_clash_then_open_then_bad_input_then_write) {
  write("in.ndjson", R"({"id":1})"
                     "\n");
  write("bad.ndjson", R"({"x":1})"
                      "\n");
  EXPECT_TRUE(
      fails_with(run({"--threads", "0", "-o", "in.ndjson", "in.ndjson", "missing.ndjson"}), 2, ""));
  EXPECT_TRUE(fails_with(run({"-o", "in.ndjson", "in.ndjson", "missing.ndjson"}), 2, ""));
  EXPECT_TRUE(fails_with(run({"-o", "no/such/dir/out.ndjson", "bad.ndjson", "missing.ndjson"}), 3,
                         "missing.ndjson"));
  EXPECT_TRUE(fails_with(run({"-o", "no/such/dir/out.ndjson", "bad.ndjson"}), 1,
                         "bad.ndjson:1:1 (byte 0)"));
  EXPECT_EQ(read("in.ndjson"), R"({"id":1})"
                               "\n");
}

TEST_F(cli_test, usage_error_wins_over_missing_input) {
  EXPECT_TRUE(fails_with(run({"--format", "xml", "missing.ndjson"}), 2, ""));
}

// ---------------------------------------------------------------------------------------------
// Output files.

TEST_F(cli_test, output_file_is_written_on_success) {
  write("in.ndjson", join_lines(basic_records));
  write("out.ndjson", "old content\n");
  cli_result r = run({"-o", "out.ndjson", "in.ndjson"});
  EXPECT_TRUE(succeeds_with(r, ""));
  EXPECT_EQ(read("out.ndjson"), basic_expected);
  EXPECT_TRUE(succeeds_with(run({"--output", "new.json", "--format", "array", "in.ndjson"}), ""));
  EXPECT_EQ(read("new.json"), "[\n" + basic_records[1] + ",\n" + basic_records[2] + ",\n" +
                                  basic_records[3] + "\n]\n");
  EXPECT_EQ(dir_.names(), (std::vector<std::string>{"in.ndjson", "new.json", "out.ndjson"}));
}

TEST_F(cli_test, output_through_a_symbolic_link_replaces_the_file_it_names) {
  write("in.ndjson", join_lines(basic_records));
  write("real.ndjson", "old content\n");
  std::filesystem::create_symlink("real.ndjson", dir_.file("link.ndjson"));
  std::filesystem::create_symlink("later.ndjson", dir_.file("dangling.ndjson"));
  EXPECT_TRUE(succeeds_with(run({"-o", "link.ndjson", "in.ndjson"}), ""));
  EXPECT_TRUE(succeeds_with(run({"-o", "dangling.ndjson", "in.ndjson"}), ""));
  EXPECT_TRUE(std::filesystem::is_symlink(dir_.file("link.ndjson")));
  EXPECT_TRUE(std::filesystem::is_symlink(dir_.file("dangling.ndjson")));
  EXPECT_EQ(read("real.ndjson"), basic_expected);
  EXPECT_EQ(read("later.ndjson"), basic_expected);
}

TEST_F(cli_test, failed_run_leaves_output_file_untouched_and_no_temporary) {
  write("bad.ndjson", join_lines({R"({"id":1})", R"({"x":1})"}));
  write("out.ndjson", "old content\n");
  EXPECT_TRUE(fails_with(run({"-o", "out.ndjson", "bad.ndjson"}), 1, "bad.ndjson:2:1 (byte 9)"));
  EXPECT_EQ(read("out.ndjson"), "old content\n");
  EXPECT_EQ(dir_.names(), (std::vector<std::string>{"bad.ndjson", "out.ndjson"}));
  // A file that did not exist does not appear.
  EXPECT_TRUE(fails_with(run({"-o", "fresh.ndjson", "bad.ndjson"}), 1, "bad.ndjson:2:1 (byte 9)"));
  EXPECT_TRUE(fails_with(run({"-o", "fresh.ndjson", "missing.ndjson"}), 3, "missing.ndjson"));
  EXPECT_EQ(dir_.names(), (std::vector<std::string>{"bad.ndjson", "out.ndjson"}));
  // An unclosed array fails midway too.
  write("broken.json", "[{\"id\":1},{\"id\":2,\"v\":\"x");
  EXPECT_TRUE(fails_with(run({"-o", "out.ndjson", "--on-error", "skip", "broken.json"}), 1,
                         "broken.json:"));
  EXPECT_EQ(read("out.ndjson"), "old content\n");
  EXPECT_EQ(dir_.names(), (std::vector<std::string>{"bad.ndjson", "broken.json", "out.ndjson"}));
}

TEST_F(cli_test, output_that_is_an_input_is_refused) {
  const std::string content = join_lines(basic_records);
  write("in.ndjson", content);
  std::filesystem::create_symlink("in.ndjson", dir_.file("link.ndjson"));
  std::filesystem::create_hard_link(dir_.file("in.ndjson"), dir_.file("hard.ndjson"));
  std::filesystem::create_directory(dir_.file("sub"));
  const std::vector<std::vector<std::string>> cases = {
      {"-o", "in.ndjson", "in.ndjson"},
      {"-o", "./in.ndjson", "in.ndjson"},
      {"-o", "in.ndjson", "./in.ndjson"},
      {"-o", "sub/../in.ndjson", "in.ndjson"},
      {"-o", dir_.file("in.ndjson"), "in.ndjson"},
      {"-o", "link.ndjson", "in.ndjson"},
      {"-o", "in.ndjson", "link.ndjson"},
      {"-o", "hard.ndjson", "in.ndjson"},
      {"-o", "in.ndjson", "other.ndjson", "in.ndjson"},
  };
  write("other.ndjson", R"({"id":7})"
                        "\n");
  for (const auto& args : cases) {
    std::string joined;
    for (const std::string& a : args) joined += a + " ";
    SCOPED_TRACE(joined);
    EXPECT_TRUE(fails_with(run(args), 2, ""));
    EXPECT_EQ(read("in.ndjson"), content);
  }
  EXPECT_EQ(dir_.names(), (std::vector<std::string>{"hard.ndjson", "in.ndjson", "link.ndjson",
                                                    "other.ndjson", "sub"}));
}

// ---------------------------------------------------------------------------------------------
// Standard input.

TEST_F(cli_test, no_inputs_reads_standard_input) {
  EXPECT_TRUE(succeeds_with(run({}, join_lines(basic_records)), basic_expected));
  EXPECT_TRUE(succeeds_with(run({}, basic_pretty_array), basic_expected));
  EXPECT_TRUE(succeeds_with(run({"-"}, join_lines(basic_records)), basic_expected));
  EXPECT_TRUE(succeeds_with(run({}, ""), ""));
}

TEST_F(cli_test, dash_reads_standard_input_in_its_position) {
  write("a.ndjson", join_lines({R"({"id":1,"v":"a"})", R"({"id":2,"v":"a"})"}));
  write("b.ndjson", join_lines({R"({"id":1,"v":"b"})", R"({"id":3,"v":"b"})"}));
  const std::string in =
      join_lines({R"({"id":2,"v":"stdin"})", R"({"id":3,"v":"stdin"})", R"({"id":4,"v":"stdin"})"});
  EXPECT_TRUE(succeeds_with(run({"a.ndjson", "-", "b.ndjson"}, in), join_lines({
                                                                        R"({"id":2,"v":"stdin"})",
                                                                        R"({"id":4,"v":"stdin"})",
                                                                        R"({"id":1,"v":"b"})",
                                                                        R"({"id":3,"v":"b"})",
                                                                    })));
  EXPECT_TRUE(succeeds_with(run({"-", "a.ndjson"}, in), join_lines({
                                                            R"({"id":3,"v":"stdin"})",
                                                            R"({"id":4,"v":"stdin"})",
                                                            R"({"id":1,"v":"a"})",
                                                            R"({"id":2,"v":"a"})",
                                                        })));
}

TEST_F(cli_test, bad_record_on_standard_input_is_located) {
  // Messages call standard input <stdin> (contract 3.3).
  cli_result r = run({}, join_lines({R"({"id":1})", R"({"x":1})"}));
  EXPECT_TRUE(fails_with(r, 1, R"(<stdin>:2:1 (byte 9): missing key field "id")"));
}

// ---------------------------------------------------------------------------------------------
// Compressed inputs (contract 1.3).

// What gzip, pigz, bgzip and zstd write (one member, independent blocks, many members, one or
// many frames) is told by its first bytes, whatever the file's name, on standard input too.
TEST_F(cli_test, compressed_inputs_read_as_the_plain_ones) {
  write("plain.ndjson", join_lines(basic_records));
  write("pretty.json", basic_pretty_array);
  const std::vector<std::vector<std::string>> compressors = {
      {"/usr/bin/gzip", "-c"},
      {"/usr/bin/pigz", "-c", "-b", "32"},
      {"/usr/bin/bgzip", "-c"},
      {"/usr/bin/zstd", "-c", "-q"},
      {"/usr/bin/pzstd", "-c", "-q", "-p", "2"}};
  for (const char* plain : {"plain.ndjson", "pretty.json"}) {
    for (std::vector<std::string> argv : compressors) {
      SCOPED_TRACE(argv.front() + " " + plain);
      argv.emplace_back(plain);
      cli_result packed =
          mergepipe::cli_testing::run_program(argv, std::nullopt, dir_.path().string());
      ASSERT_EQ(packed.exit_code, 0) << packed.err;
      write("packed.data", packed.out);
      EXPECT_TRUE(succeeds_with(run({"packed.data"}), basic_expected));
      EXPECT_TRUE(succeeds_with(run({}, packed.out), basic_expected));
      EXPECT_TRUE(
          succeeds_with(run({"plain.ndjson", "-", "packed.data"}, packed.out), basic_expected));
    }
  }
  // zstd frames one after another, gzip members too.
  using mergepipe::testing::codec;
  for (codec c : {codec::gzip, codec::zstd}) {
    write("parts", mergepipe::testing::compressed(join_lines(basic_records), c, 3));
    EXPECT_TRUE(
        succeeds_with(run({"parts", "--pipeline", "read|decompress|cut|parse|stamp|order|merge"}),
                      basic_expected));
  }
}

TEST_F(cli_test, truncated_or_corrupt_compressed_input_fails_and_writes_nothing) {
  using mergepipe::testing::codec;
  for (codec c : {codec::gzip, codec::zstd}) {
    SCOPED_TRACE(name_of(c));
    const std::string plain = join_lines(basic_records);
    std::string packed = mergepipe::testing::compressed(plain, c);
    // Without its checksum: every record decodes, and the run fails after the last.
    write("cut.gz", packed.substr(0, packed.size() - 4));
    EXPECT_TRUE(fails_with(run({"-o", "out.ndjson", "cut.gz"}), 1,
                           "cut.gz:6:1 (byte " + std::to_string(plain.size()) + "): bad " +
                               std::string(name_of(c)) + " data at byte "));
    EXPECT_FALSE(exists("out.ndjson"));
    EXPECT_TRUE(fails_with(run({"--on-error", "skip", "-o", "out.ndjson"}, packed + "trailing"), 1,
                           "<stdin>:"));
    EXPECT_FALSE(exists("out.ndjson"));
  }
}

// ---------------------------------------------------------------------------------------------
// Statistics.

TEST_F(cli_test, stats_prints_summary_on_stderr) {
  write("in.ndjson", join_lines(basic_records));
  cli_result r = run({"--stats", "in.ndjson"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(r.out, basic_expected);
  EXPECT_TRUE(std::regex_search(r.err, std::regex(R"((^|\n)\s*records\W+5\b)"))) << r.err;
  EXPECT_TRUE(std::regex_search(r.err, std::regex(R"(distinct.keys\W+3\b)"))) << r.err;
  EXPECT_TRUE(std::regex_search(r.err, std::regex(R"(superseded\W+2\b)"))) << r.err;
}

TEST_F(cli_test, stats_json_writes_counts) {
  write("in.ndjson", join_lines({
                         R"({"id":1,"v":1})",
                         R"({"id":2,"v":1})",
                         R"({"id":1,"op":"d"})",
                         R"({"x":1})",
                         R"({"id":3,"v":1})",
                         R"({"id":3,"v":2})",
                     }));
  cli_result r = run(
      {"--on-error", "skip", "--delete-when", "op=d", "--stats-json", "stats.json", "in.ndjson"});
  EXPECT_TRUE(succeeds_with(r, join_lines({R"({"id":2,"v":1})", R"({"id":3,"v":2})"})));
  simdjson::dom::parser parser;
  simdjson::padded_string json(read("stats.json"));
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(json).get(doc), simdjson::SUCCESS) << read("stats.json");
  const std::map<std::string, std::uint64_t> expected = {
      {"records", 5}, {"bad_records", 1}, {"distinct_keys", 3},
      {"deleted", 1}, {"files", 1},       {"bytes", read("in.ndjson").size()}};
  for (const auto& [name, value] : expected) {
    std::uint64_t actual = 0;
    EXPECT_EQ(doc[name].get(actual), simdjson::SUCCESS) << name;
    EXPECT_EQ(actual, value) << name;
  }
}

// A compressed input's bytes count decompressed; its bytes as stored are counted beside them.
TEST_F(cli_test, stats_json_counts_compressed_bytes) {
  const std::string plain = join_lines(basic_records);
  const std::string packed = mergepipe::testing::compressed(plain, mergepipe::testing::codec::zstd);
  write("in.zst", packed);
  write("in.ndjson", plain);
  EXPECT_EQ(run({"--stats-json", "stats.json", "in.zst", "in.ndjson"}).exit_code, 0);
  simdjson::dom::parser parser;
  simdjson::padded_string json(read("stats.json"));
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(json).get(doc), simdjson::SUCCESS) << read("stats.json");
  std::uint64_t bytes = 0, compressed_bytes = 0;
  EXPECT_EQ(doc["bytes"].get(bytes), simdjson::SUCCESS);
  EXPECT_EQ(doc["compressed_bytes"].get(compressed_bytes), simdjson::SUCCESS);
  EXPECT_EQ(bytes, 2 * plain.size());
  EXPECT_EQ(compressed_bytes, packed.size());
}

// ---------------------------------------------------------------------------------------------
// Determinism: generated input, an oracle, and every thread count and chunk size.

struct generated_input {
  std::string ndjson;
  std::string array_compact;
  std::string array_pretty;
  std::string expected_input_order;
  std::string expected_key_order;
  std::uint64_t distinct_keys = 0;
};

generated_input generate_input(std::size_t count, std::uint32_t seed) {
  std::mt19937 rng(seed);
  auto pick = [&](std::uint32_t n) { return rng() % n; };
  // Strings that trip naive splitters, as JSON source text.
  const std::vector<std::string> notes = {
      R"("},{")",          R"("a\"},{\"id\":1,\"updated_at\":99}")",
      R"("[[[{{{")",       R"("\\")",
      R"("line\nbreak")",  R"("\u00e9\u6771\"]")",
      "\"Zo\xc3\xab ]}\"", R"("")",
      R"("\\\"},\n{")",    R"("plain")"};
  struct winner {
    long rank = -2;
    std::size_t index = 0;
    std::string record;
    bool is_delete = false;
  };
  std::map<std::uint32_t, winner> latest;  // Logical key number -> current winner.
  generated_input g;
  g.array_compact = "[";
  g.array_pretty = "[\n";
  for (std::size_t i = 0; i < count; ++i) {
    std::uint32_t k = pick(700);
    std::string key;
    if (k % 2 == 0) {
      const std::string n = std::to_string(k);
      switch (pick(4)) {
        case 0:
          key = n;
          break;
        case 1:
          key = n + ".0";
          break;
        case 2:
          key = n + "e0";
          break;
        default:
          key = k == 0 ? n : n + "0e-1";
          break;
      }
    } else {
      key =
          pick(3) == 0 ? R"("\u0073)" + std::to_string(k) + "\"" : "\"s" + std::to_string(k) + "\"";
    }
    std::uint32_t t = pick(40);
    long rank = static_cast<long>(t);
    std::string ts;
    char buffer[64];
    switch (pick(7)) {
      case 0:
        ts = "null";
        rank = -1;
        break;
      case 1:
        rank = -1;
        break;  // Absent.
      case 2:
        ts = std::to_string(t);
        break;
      case 3:
        std::snprintf(buffer, sizeof buffer, R"("1970-01-01T00:00:%02uZ")", t);
        ts = buffer;
        break;
      case 4:
        std::snprintf(buffer, sizeof buffer, R"("1970-01-01T01:00:%02u+01:00")", t);
        ts = buffer;
        break;
      case 5:
        std::snprintf(buffer, sizeof buffer, R"("1969-12-31 23:30:%02u-0030")", t);
        ts = buffer;
        break;
      default:
        std::snprintf(buffer, sizeof buffer, R"("1970-01-01T00:00:%02u.000000000Z")", t);
        ts = buffer;
        break;
    }
    const bool is_delete = pick(15) == 0;
    std::vector<std::pair<std::string, std::string>> fields;
    if (pick(2) == 0)
      fields.emplace_back("note", notes[pick(static_cast<std::uint32_t>(notes.size()))]);
    fields.emplace_back("id", key);
    if (rank != -1 || ts == "null") fields.emplace_back("updated_at", ts);
    fields.emplace_back("seq", std::to_string(i));
    if (is_delete) fields.emplace_back("op", R"("d")");
    if (pick(4) == 0) fields.emplace_back("nested", R"({"a":[1,{"b":"]"}],"c":{}})");
    std::string compact = "{";
    std::string pretty = "  {\n";
    for (std::size_t f = 0; f < fields.size(); ++f) {
      compact += (f ? "," : "") + ("\"" + fields[f].first + "\":" + fields[f].second);
      pretty += "    \"" + fields[f].first + "\" : " + fields[f].second +
                (f + 1 < fields.size() ? ",\n" : "\n");
    }
    compact += "}";
    pretty += "  }";
    g.ndjson += compact + "\n";
    g.array_compact += (i ? "," : "") + compact;
    g.array_pretty += (i ? ",\n" : "") + pretty;
    winner& w = latest[k];
    if (rank >= w.rank) w = winner{rank, i, compact, is_delete};
  }
  g.array_compact += "]";
  g.array_pretty += "\n]\n";
  g.distinct_keys = latest.size();

  std::vector<const winner*> by_position;
  std::vector<std::pair<std::uint32_t, const winner*>> numbers;
  std::vector<std::pair<std::string, const winner*>> strings;
  for (const auto& [k, w] : latest) {
    if (w.is_delete) continue;
    by_position.push_back(&w);
    if (k % 2 == 0) {
      numbers.emplace_back(k, &w);
    } else {
      strings.emplace_back("s" + std::to_string(k), &w);
    }
  }
  std::sort(by_position.begin(), by_position.end(),
            [](const winner* a, const winner* b) { return a->index < b->index; });
  std::sort(numbers.begin(), numbers.end());
  std::sort(strings.begin(), strings.end());
  for (const winner* w : by_position) g.expected_input_order += w->record + "\n";
  for (const auto& [k, w] : numbers) g.expected_key_order += w->record + "\n";
  for (const auto& [s, w] : strings) g.expected_key_order += w->record + "\n";
  return g;
}

TEST_F(cli_test, output_is_identical_for_every_thread_count_and_chunk_size) {
  const generated_input g = generate_input(4000, 20240305);
  write("in.ndjson", g.ndjson);
  write("compact.json", g.array_compact);
  write("pretty.json", g.array_pretty);
  ASSERT_GT(g.expected_input_order.size(), 10000u);
  for (const char* file : {"in.ndjson", "compact.json", "pretty.json"}) {
    for (const char* threads : {"1", "2", "4"}) {
      for (const char* chunk : {"1K", "64K"}) {
        SCOPED_TRACE(std::string(file) + " --threads " + threads + " --chunk-size " + chunk);
        EXPECT_TRUE(succeeds_with(
            run({"--delete-when", "op=d", "--threads", threads, "--chunk-size", chunk, file}),
            g.expected_input_order));
      }
    }
    SCOPED_TRACE(file);
    EXPECT_TRUE(succeeds_with(run({"--delete-when", "op=d", "--threads", "4", "--chunk-size", "1K",
                                   "--tokens", "1", file}),
                              g.expected_input_order));
    EXPECT_TRUE(succeeds_with(run({"--delete-when", "op=d", "--order", "key", "--threads", "4",
                                   "--chunk-size", "1K", file}),
                              g.expected_key_order));
    EXPECT_TRUE(succeeds_with(run({"--delete-when", "op=d", "--order", "key", "--threads", "1",
                                   "--chunk-size", "64K", file}),
                              g.expected_key_order));
  }
  // Standard input is read in blocks, not mapped: the same bytes come out.
  EXPECT_TRUE(succeeds_with(
      run({"--delete-when", "op=d", "--threads", "4", "--chunk-size", "1K"}, g.array_pretty),
      g.expected_input_order));
  EXPECT_TRUE(succeeds_with(
      run({"--delete-when", "op=d", "--threads", "2", "--chunk-size", "1K", "-"}, g.ndjson),
      g.expected_input_order));
  // The counts agree with the oracle.
  EXPECT_TRUE(
      succeeds_with(run({"--delete-when", "op=d", "--stats-json", "stats.json", "in.ndjson"}),
                    g.expected_input_order));
  EXPECT_NE(read("stats.json").find("\"distinct_keys\":" + std::to_string(g.distinct_keys)),
            std::string::npos)
      << read("stats.json");
}

// A pipe or a compressed input past --memory-limit: the records that may still win spill to
// an unnamed file in --temp-dir, and the same bytes come out as for the file given by name.
TEST_F(cli_test, records_spilled_past_the_memory_limit_come_out_the_same) {
  // 24 MB of distinct keys, enough to fill the store's blocks in every shard.
  std::string input;
  for (int i = 0; i < 60000; ++i) {
    input.append(R"({"id":)").append(std::to_string(i * 7919 % 60000));
    input.append(R"(,"v":")").append(380, static_cast<char>('a' + i % 26)).append("\"}\n");
  }
  write("in.ndjson", input);
  write("in.zst", mergepipe::testing::compressed(input, mergepipe::testing::codec::zstd, 4));
  std::filesystem::create_directory(dir_.file("spill"));
  cli_result by_name = run({"in.ndjson"});
  ASSERT_EQ(by_name.exit_code, 0) << describe(by_name);
  for (const char* threads : {"1", "4"}) {
    for (const char* file : {"-", "in.zst"}) {
      SCOPED_TRACE(std::string(file) + " --threads " + threads);
      EXPECT_TRUE(succeeds_with(run({"--memory-limit", "1M", "--temp-dir", "spill", "--threads",
                                     threads, "--stats-json", "stats.json", file},
                                    input),
                                by_name.out));
      simdjson::dom::parser parser;
      simdjson::padded_string json(read("stats.json"));
      std::uint64_t spilled = 0;
      ASSERT_EQ(parser.parse(json)["spilled_bytes"].get(spilled), simdjson::SUCCESS);
      EXPECT_GT(spilled, std::uint64_t{8} << 20);
      EXPECT_TRUE(std::filesystem::is_empty(dir_.file("spill")));
    }
  }
  // Within the limit, nothing spills.
  EXPECT_TRUE(succeeds_with(run({"--stats-json", "stats.json"}, input), by_name.out));
  EXPECT_NE(read("stats.json").find("\"spilled_bytes\":0,"), std::string::npos);
}

TEST_F(cli_test, record_larger_than_chunk_size_works) {
  const std::string big = R"({"id":1,"v":")" + std::string(10000, 'x') + R"("})";
  write("in.ndjson", join_lines({R"({"id":0})", big, R"({"id":2})"}));
  write("in.json", "[" + std::string(R"({"id":0},)") + big + R"(,{"id":2}])");
  for (const char* file : {"in.ndjson", "in.json"}) {
    SCOPED_TRACE(file);
    EXPECT_TRUE(succeeds_with(run({"--threads", "2", "--chunk-size", "1K", file}),
                              join_lines({R"({"id":0})", big, R"({"id":2})"})));
  }
}

}  // namespace

namespace {

TEST_F(cli_test, logging_is_quieter_with_q_and_louder_with_v) {
  write("in.ndjson", join_lines({R"({"id":1})", "nonsense", R"({"id":2})"}));
  cli_result normal = run({"--on-error", "skip", "in.ndjson"});
  EXPECT_NE(normal.err.find("skipped 1 bad record"), std::string::npos) << normal.err;
  EXPECT_EQ(normal.err.find("merging"), std::string::npos) << normal.err;

  cli_result quiet = run({"-q", "--on-error", "skip", "in.ndjson"});
  EXPECT_EQ(quiet.exit_code, 0);
  EXPECT_EQ(quiet.err, "");

  cli_result verbose = run({"-v", "--on-error", "skip", "in.ndjson"});
  EXPECT_NE(verbose.err.find("merging 1 input(s)"), std::string::npos) << verbose.err;
  EXPECT_EQ(verbose.out, normal.out);

  EXPECT_EQ(run({"-q", "-v", "in.ndjson"}).exit_code, 2);
}

}  // namespace
