// Faults met by the command line: outputs that fill up or are killed midway, and inputs that
// vanish, shrink or end early while the run goes on. Exit 3 names the file; a file given
// with -o appears only complete, and a failed run leaves an existing one untouched.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/inotify.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "cli_runner.h"
#include "faults/child_process.h"
#include "faults/file_size_limit.h"

namespace {

using mergepipe::cli_testing::cli_result;
using mergepipe::cli_testing::lines_of;
using mergepipe::cli_testing::read_file;
using mergepipe::cli_testing::run_mergepipe;
using mergepipe::cli_testing::temp_dir;
using mergepipe::fault_testing::file_size_limit;
using mergepipe::fault_testing::spawn;
using mergepipe::fault_testing::wait_for;
using namespace std::chrono_literals;

std::string describe(const cli_result& r) {
  return "exit code " + std::to_string(r.exit_code) + "\n--- stdout ---\n" + r.out.substr(0, 2000) +
         "\n--- stderr ---\n" + r.err.substr(0, 2000);
}

// Exit `code`, nothing on standard output, one line on standard error containing `needle`.
::testing::AssertionResult fails_with(const cli_result& r, int code, const std::string& needle) {
  if (r.exit_code != code || !r.out.empty() || lines_of(r.err).size() != 1 ||
      r.err.find(needle) == std::string::npos) {
    return ::testing::AssertionFailure()
           << "expected exit " << code << " and \"" << needle << "\", got " << describe(r);
  }
  return ::testing::AssertionSuccess();
}

// NDJSON of `count` records with distinct keys, about 80 bytes each.
std::string records(int count) {
  std::string text;
  for (int i = 0; i < count; ++i) {
    text += R"({"id":)" + std::to_string(i) +
            R"(,"updated_at":"2024-03-05T12:00:00Z","v":"abcdefghijklmnopqrstuvwxyz"})"
            "\n";
  }
  return text;
}

class cli_faults_test : public ::testing::Test {
 protected:
  cli_result run(const std::vector<std::string>& args,
                 const std::optional<std::string>& input = std::nullopt) {
    return run_mergepipe(args, input, dir_.path().string());
  }
  std::string write(const std::string& name, const std::string& content) {
    return dir_.write(name, content);
  }
  [[nodiscard]] std::string read(const std::string& name) const {
    return read_file(dir_.file(name));
  }

  temp_dir dir_;
};

TEST_F(cli_faults_test, a_full_device_exits_3_naming_it) {
  write("in.ndjson", records(10));
  EXPECT_TRUE(fails_with(run({"-o", "/dev/full", "in.ndjson"}), 3,
                         "/dev/full: write failed: No space left on device"));

  // Standard output on a full device.
  pid_t child =
      spawn({MERGEPIPE_CLI_PATH, "in.ndjson"}, dir_.path().string(), "/dev/full", dir_.file("err"));
  EXPECT_EQ(wait_for(child).exit_code, 3);
  EXPECT_EQ(read("err"), "mergepipe: <stdout>: write failed: No space left on device\n");

  // Rejects are written before the output: when they fail, the output never starts.
  write("bad.ndjson", "nonsense\n" + records(10));
  EXPECT_TRUE(fails_with(run({"--on-error", "skip", "--rejects", "/dev/full", "bad.ndjson"}), 3,
                         "/dev/full"));
}

TEST_F(cli_faults_test, a_write_that_fails_midway_exits_3_and_leaves_the_old_file) {
  write("in.ndjson", records(50000));  // 4 MB of output
  write("bad.ndjson", "nonsense\n" + records(100) + std::string(50000, 'x') + "\n");
  write("out.ndjson", "old content\n");
  {
    file_size_limit limit(256 * 1024);
    EXPECT_TRUE(fails_with(run({"-o", "out.ndjson", "in.ndjson"}), 3,
                           "out.ndjson: write failed: File too large"));
    EXPECT_TRUE(fails_with(run({"-o", "out.ndjson", "--format", "array", "in.ndjson"}), 3,
                           "out.ndjson: write failed: File too large"));
    // Rejects that do not fit: nothing reaches standard output.
    EXPECT_TRUE(fails_with(
        run({"--on-error", "skip", "--rejects", "rejects.jsonl", "in.ndjson", "bad.ndjson",
             "bad.ndjson", "bad.ndjson", "bad.ndjson", "bad.ndjson", "bad.ndjson"}),
        3, "rejects.jsonl: write failed: File too large"));
  }
  EXPECT_EQ(read("out.ndjson"), "old content\n");
  EXPECT_EQ(dir_.names(), (std::vector<std::string>{"bad.ndjson", "in.ndjson", "out.ndjson"}));
}

// Records spilled past --memory-limit that do not fit in --temp-dir: exit 3 naming the
// directory, no output, and nothing left in the directory. 40 MB of distinct keys fill the
// record store's blocks in every shard, which then spill.
TEST_F(cli_faults_test, a_temporary_directory_that_fills_exits_3_naming_it) {
  std::filesystem::create_directory(dir_.file("spill"));
  {
    file_size_limit limit(256 * 1024);
    EXPECT_TRUE(fails_with(
        run({"--memory-limit", "1M", "--temp-dir", "spill", "-o", "out.ndjson"}, records(500000)),
        3,
        "cannot spill records past the memory limit to spill (write: File too "
        "large)"));
  }
  EXPECT_FALSE(std::filesystem::exists(dir_.file("out.ndjson")));
  EXPECT_TRUE(std::filesystem::is_empty(dir_.file("spill")));
}

// Waits up to 60 s for a file whose name matches `pattern` to be created in `dir`.
bool wait_for_creation(const std::string& dir, const std::regex& pattern) {
  int watch = ::inotify_init1(IN_CLOEXEC);
  ::inotify_add_watch(watch, dir.c_str(), IN_CREATE);
  auto deadline = std::chrono::steady_clock::now() + 60s;
  alignas(inotify_event) char buffer[4096];
  bool seen = false;
  while (!seen && std::chrono::steady_clock::now() < deadline) {
    pollfd p{watch, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    ssize_t n = ::read(watch, buffer, sizeof buffer);
    for (ssize_t at = 0; at < n;) {
      const auto* event = reinterpret_cast<const inotify_event*>(buffer + at);
      if (event->len > 0 && std::regex_match(event->name, pattern)) seen = true;
      at += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
    }
  }
  ::close(watch);
  return seen;
}

TEST_F(cli_faults_test, a_run_killed_while_writing_leaves_the_old_file) {
  write("in.ndjson", records(250000));  // 20 MB of output
  write("out.ndjson", "old content\n");
  // The output is written to .out.ndjson.tmp-XXXXXX beside it and renamed when complete.
  const std::regex temp_name(R"(\.out\.ndjson\.tmp-[A-Za-z0-9]{6})");
  pid_t child = spawn({MERGEPIPE_CLI_PATH, "-o", "out.ndjson", "in.ndjson"}, dir_.path().string(),
                      "/dev/null", "/dev/null");
  bool created = wait_for_creation(dir_.path().string(), temp_name);
  ::kill(child, SIGKILL);
  ASSERT_TRUE(created);
  EXPECT_EQ(wait_for(child).exit_code, 128 + SIGKILL);
  EXPECT_EQ(read("out.ndjson"), "old content\n");
  // Nothing is left to remove the temporary file: it stays, recognisable by its name.
  std::vector<std::string> names = dir_.names();
  ASSERT_EQ(names.size(), 3u);
  EXPECT_TRUE(std::regex_match(names[0], temp_name)) << names[0];
  EXPECT_EQ(names[1], "in.ndjson");
  EXPECT_EQ(names[2], "out.ndjson");
}

// Starts `mergepipe args...`, whose inputs include the FIFO `fifo`: the run blocks opening it
// until feed() opens its other end, so the test can act between the opening of the inputs
// before it and the reading.
class blocked_run {
 public:
  blocked_run(const temp_dir& dir, const std::vector<std::string>& args)
      : dir_(dir), fifo_(dir.file("fifo")) {
    ::mkfifo(fifo_.c_str(), 0600);
    std::vector<std::string> argv{MERGEPIPE_CLI_PATH};
    argv.insert(argv.end(), args.begin(), args.end());
    child_ = spawn(argv, dir.path().string(), dir.file("stdout"), dir.file("stderr"));
  }
  ~blocked_run() {
    if (child_ > 0) {
      ::kill(child_, SIGKILL);
      ::waitpid(child_, nullptr, 0);
    }
  }
  blocked_run(const blocked_run&) = delete;
  blocked_run& operator=(const blocked_run&) = delete;

  /// Waits until the run has mapped `path` into memory.
  bool wait_until_mapped(const std::string& path) const {
    for (auto deadline = std::chrono::steady_clock::now() + 60s;
         std::chrono::steady_clock::now() < deadline; std::this_thread::sleep_for(1ms)) {
      if (read_file("/proc/" + std::to_string(child_) + "/maps").find(path) != std::string::npos)
        return true;
    }
    return false;
  }

  /// Opens the FIFO once the run opens it, writes `content` and closes it; then waits for the
  /// run to end and returns its exit code, standard output and standard error.
  cli_result feed(const std::string& content) {
    int fd = -1;
    for (auto deadline = std::chrono::steady_clock::now() + 60s;
         fd < 0 && std::chrono::steady_clock::now() < deadline; std::this_thread::sleep_for(1ms)) {
      fd = ::open(fifo_.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);  // ENXIO: no reader yet
      if (::waitpid(child_, nullptr, WNOHANG) != 0) break;
    }
    if (fd >= 0) {
      ::fcntl(fd, F_SETFL, 0);
      ::signal(SIGPIPE, SIG_IGN);
      [[maybe_unused]] ssize_t n = ::write(fd, content.data(), content.size());
      ::close(fd);
    }
    cli_result result;
    result.exit_code = wait_for(child_).exit_code;
    child_ = -1;
    result.out = read_file(dir_.file("stdout"));
    result.err = read_file(dir_.file("stderr"));
    return result;
  }

 private:
  const temp_dir& dir_;
  std::string fifo_;
  pid_t child_ = -1;
};

const std::string fifo_record = R"({"id":"fifo"})"
                                "\n";

TEST_F(cli_faults_test, an_input_deleted_before_it_is_opened_exits_3_naming_it) {
  write("victim.ndjson", records(10));
  blocked_run run(dir_, {"fifo", "victim.ndjson"});
  std::filesystem::remove(dir_.file("victim.ndjson"));
  EXPECT_TRUE(fails_with(run.feed(fifo_record), 3,
                         "victim.ndjson: cannot open: No such file or directory"));
}

TEST_F(cli_faults_test, an_input_deleted_after_it_is_opened_is_read_whole) {
  const std::string content = records(10000);
  const std::string victim = write("victim.ndjson", content);
  blocked_run run(dir_, {"victim.ndjson", "fifo"});
  ASSERT_TRUE(run.wait_until_mapped(victim));
  std::filesystem::remove(victim);
  cli_result r = run.feed(fifo_record);
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_TRUE(r.out == content + fifo_record) << describe(r);
}

TEST_F(cli_faults_test, an_input_that_shrinks_while_mapped_exits_3_naming_it) {
  const std::string content = records(10000);
  const std::string victim = dir_.file("victim.ndjson");
  for (std::uintmax_t new_size : {std::uintmax_t{0}, std::uintmax_t{100000}}) {
    SCOPED_TRACE(new_size);
    write("victim.ndjson", content);
    blocked_run run(dir_, {"-o", "out.ndjson", "victim.ndjson", "fifo"});
    ASSERT_TRUE(run.wait_until_mapped(victim));
    std::filesystem::resize_file(victim, new_size);
    EXPECT_TRUE(fails_with(run.feed(fifo_record), 3,
                           "victim.ndjson: changed while being read: it shrank from " +
                               std::to_string(content.size()) + " to " + std::to_string(new_size) +
                               " bytes"));
    EXPECT_FALSE(std::filesystem::exists(dir_.file("out.ndjson")));
  }
}

TEST_F(cli_faults_test, an_input_rewritten_while_mapped_exits_3_naming_it) {
  std::string content = records(10000);
  const std::string victim = write("victim.ndjson", content);
  blocked_run run(dir_, {"-o", "out.ndjson", "victim.ndjson", "fifo"});
  ASSERT_TRUE(run.wait_until_mapped(victim));
  // The same size, other bytes; a tick of the clock later, as older kernels stamp in ticks.
  std::this_thread::sleep_for(20ms);
  std::replace(content.begin(), content.end(), 'a', '#');
  std::FILE* f = std::fopen(victim.c_str(), "r+");
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(std::fwrite(content.data(), 1, content.size(), f), content.size());
  ASSERT_EQ(std::fclose(f), 0);
  EXPECT_TRUE(fails_with(run.feed(fifo_record), 3,
                         "victim.ndjson: changed while being read: it was written to"));
  EXPECT_FALSE(std::filesystem::exists(dir_.file("out.ndjson")));
}

TEST_F(cli_faults_test, standard_input_that_ends_inside_an_array_is_located) {
  EXPECT_TRUE(fails_with(run({}, R"([{"id":1},)"), 1, "<stdin>:1:11 (byte 10): missing ]"));
  EXPECT_TRUE(fails_with(run({"--on-error", "skip"}, "[{\"id\":1},\n{\"id\":2,\"v\":\"ab"), 1,
                         "<stdin>:2:"));
}

TEST_F(cli_faults_test, an_array_with_nothing_after_its_bracket_is_missing_its_end) {
  EXPECT_TRUE(fails_with(run({}, "["), 1, "<stdin>:1:2 (byte 1): missing ] at end of array"));
  write("open.json", "\n  [");
  EXPECT_TRUE(fails_with(run({"-o", "out.ndjson", "open.json"}), 1,
                         "open.json:2:4 (byte 4): missing ] at end of array"));
  EXPECT_FALSE(std::filesystem::exists(dir_.file("out.ndjson")));
}

}  // namespace
