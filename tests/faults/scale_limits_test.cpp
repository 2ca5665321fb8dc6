// Big inputs, generated at test time: a record of 100 MB and ten million distinct keys. Each
// run's peak memory (from wait4) is reported as the test property max_rss_kib.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "cli_runner.h"
#include "faults/child_process.h"

namespace {

using mergepipe::cli_testing::read_file;
using mergepipe::cli_testing::temp_dir;
using mergepipe::fault_testing::child_exit;
using mergepipe::fault_testing::spawn;
using mergepipe::fault_testing::wait_for;

class scale_limits_test : public ::testing::Test {
 protected:
  // Runs mergepipe in the test's directory; its messages go to the file "err".
  child_exit run(const std::vector<std::string>& args) {
    std::vector<std::string> argv{MERGEPIPE_CLI_PATH};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_program(argv);
  }

  // Runs `argv` as `run` does, with its peak memory reported.
  child_exit run_program(const std::vector<std::string>& argv) {
    child_exit result = wait_for(spawn(argv, dir_.path().string(), "/dev/null", dir_.file("err")));
    RecordProperty("max_rss_kib", std::to_string(result.max_rss_kib));
    std::printf("max RSS %ld KiB\n", result.max_rss_kib);
    return result;
  }

  temp_dir dir_;
};

// One record whose string field is 100 MB, escapes included, between two small ones.
std::string huge_record() {
  std::string record = R"({"id":"huge","v":")";
  const std::string piece = R"(0123456789abcdef\"\\\n\u00e9 )";
  while (record.size() < (std::size_t{100} << 20)) record += piece;
  return record + R"(","updated_at":"2024-03-05T12:00:00Z"})";
}

TEST_F(scale_limits_test, a_record_of_100_megabytes) {
  const std::string record = huge_record();
  const std::string small = R"({"id":1})";
  {
    std::ofstream(dir_.file("in.ndjson"), std::ios::binary) << small << '\n'
                                                            << record << '\n'
                                                            << small << '\n';
    std::ofstream(dir_.file("in.json"), std::ios::binary) << "[" << small << ",\n"
                                                          << record << ",\n"
                                                          << small << "]";
  }
  for (const char* input : {"in.ndjson", "in.json"}) {
    SCOPED_TRACE(input);
    child_exit r = run({"-o", "out.ndjson", "--threads", "2", input});
    ASSERT_EQ(r.exit_code, 0) << read_file(dir_.file("err"));
    EXPECT_TRUE(read_file(dir_.file("out.ndjson")) == record + "\n" + small + "\n");
  }
}

TEST_F(scale_limits_test, ten_million_distinct_keys) {
  constexpr int keys = 10'000'000;
  {
    std::ofstream in(dir_.file("in.ndjson"), std::ios::binary);
    std::string block;
    for (int i = 0; i < keys; ++i) {
      block += R"({"id":)" + std::to_string(i) + "}\n";
      if (block.size() > (1 << 20)) {
        in << block;
        block.clear();
      }
    }
    in << block;
  }
  child_exit r = run({"-o", "out.ndjson", "in.ndjson"});
  ASSERT_EQ(r.exit_code, 0) << read_file(dir_.file("err"));
  // Every key is distinct and the records compact: the output is the input.
  EXPECT_TRUE(read_file(dir_.file("out.ndjson")) == read_file(dir_.file("in.ndjson")));
  // 2.7 GB were measured on 2 cores (docs/robustness.md): about 270 bytes per key.
  EXPECT_LT(r.max_rss_kib, 4L << 20);
}

// 256 MiB of NDJSON over 1000 keys.
void write_few_keys(const std::string& path) {
  constexpr std::size_t size = std::size_t{256} << 20;
  std::ofstream in(path, std::ios::binary);
  std::string block;
  for (std::size_t i = 0, written = 0; written < size; ++i) {
    block += R"({"id":)" + std::to_string(i % 1000) + R"(,"seq":)" + std::to_string(i) +
             R"(,"pad":"................................................................"})" + "\n";
    if (block.size() > (1 << 20)) {
      in << block;
      written += block.size();
      block.clear();
    }
  }
}

// A mapped input is given back as it is read and as its winners are written: memory follows
// the keys, not the input size (docs/contract.md section 2.2).
TEST_F(scale_limits_test, a_large_input_with_few_keys_does_not_stay_resident) {
  write_few_keys(dir_.file("in.ndjson"));
  for (const char* order : {"input", "key"}) {
    SCOPED_TRACE(order);
    child_exit r = run({"-o", "out.ndjson", "--order", order, "in.ndjson"});
    ASSERT_EQ(r.exit_code, 0) << read_file(dir_.file("err"));
    EXPECT_LT(r.max_rss_kib, 64L << 10) << "of a 256 MiB input";
  }
}

// 256 MiB of NDJSON in 64 Ki records of 4 KiB, every one with a key of its own: the writer
// reads the whole input again.
void write_all_winners(const std::string& path) {
  std::ofstream in(path, std::ios::binary);
  const std::string pad(4000, '.');
  std::string block;
  for (std::size_t i = 0; i < (std::size_t{64} << 10); ++i) {
    block += R"({"id":)" + std::to_string(i) + R"(,"pad":")" + pad + "\"}\n";
    if (block.size() > (1 << 20)) {
      in << block;
      block.clear();
    }
  }
  in << block;
}

// The writer gives back the pages of the winners behind it too: a run whose every record
// wins does not end with its whole input resident.
TEST_F(scale_limits_test, the_pages_of_winners_written_are_given_back) {
  write_all_winners(dir_.file("in.ndjson"));
  // To a file, written at offsets, and to standard output (/dev/null here), in order.
  for (const auto& args : {std::vector<std::string>{"-o", "out.ndjson", "in.ndjson"},
                           std::vector<std::string>{"in.ndjson"}}) {
    SCOPED_TRACE(args.size());
    child_exit r = run(args);
    ASSERT_EQ(r.exit_code, 0) << read_file(dir_.file("err"));
    EXPECT_LT(r.max_rss_kib, 160L << 10) << "of a 256 MiB input";
  }
  EXPECT_TRUE(read_file(dir_.file("out.ndjson")) == read_file(dir_.file("in.ndjson")));
}

// A pipe's bytes are given back once merged (its buffer's pages then hold later bytes), and
// the records that may still win are copied: memory follows the keys here too.
TEST_F(scale_limits_test, a_long_pipe_with_few_keys_stays_small) {
  write_few_keys(dir_.file("in.ndjson"));
  // The shell's peak is the largest of its waited-for children's: cat's or mergepipe's.
  child_exit r =
      run_program({"/bin/sh", "-c",
                   std::string("cat in.ndjson | exec ") + MERGEPIPE_CLI_PATH + " -o out.ndjson -"});
  ASSERT_EQ(r.exit_code, 0) << read_file(dir_.file("err"));
  EXPECT_LT(r.max_rss_kib, 100L << 10) << "of a 256 MiB pipe";
  ASSERT_EQ(run({"-o", "named.ndjson", "in.ndjson"}).exit_code, 0);
  EXPECT_EQ(read_file(dir_.file("out.ndjson")), read_file(dir_.file("named.ndjson")));
}

}  // namespace
